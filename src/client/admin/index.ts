export { Admin, type AdminOptions, type ChangeOptions } from './admin.js';
export type * from './types.js';
export type {
  ScramMechanismName,
  UserScramCredentialAlteration,
  UserScramCredentialsDescription,
} from './user-scram-credentials.js';
export {
  ANY_ACL,
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSION_TYPES,
  ACL_RESOURCE_TYPES,
  type AclBinding,
  type AclBindingFilter,
  type AclOperation,
  type AclPatternType,
  type AclPermissionType,
  type AclResourceType,
} from './acls.js';
export type {
  ClientQuotaAlteration,
  ClientQuotaEntity,
  ClientQuotaEntry,
  ClientQuotaFilter,
  ClientQuotaFilterComponent,
} from './client-quotas.js';
export type { ReplicaLogDirInfo, TopicPartitionReplica } from './describe-replica-log-dirs.js';
export type {
  ElectionResult,
  ElectionTypeName,
  OngoingReassignment,
  PartitionReassignment,
  ReassignmentResult,
} from './partition-reassignments.js';
