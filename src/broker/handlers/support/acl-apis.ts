// What CreateAcls, DescribeAcls and DeleteAcls share, after Kafka's AclApis and
// AclControlManager: the SECURITY_DISABLED answers without an ACL authorizer, the cluster
// permission each needs (DESCRIBE to list, ALTER to change), and the validation of new ACLs.
import {
  ACL_WILDCARD,
  AclOperationCode,
  AclPatternTypeCode,
  AclPermissionTypeCode,
  AclResourceTypeCode,
  CLUSTER_RESOURCE_NAME,
  type AclBinding,
  type AclFilter,
} from '../../../metadata/index.js';
import type { ApiRequestContext } from '../../server/index.js';
export { mayOnCluster } from './authorize.js';

/** DescribeAcls' top-level message. */
export const NO_AUTHORIZER_DESCRIBE_MESSAGE = 'No Authorizer is configured on the broker';
/** CreateAcls' and DeleteAcls' per-item message. */
export const NO_AUTHORIZER_MESSAGE = 'No Authorizer is configured.';

/** Whether the broker keeps ACLs (an ACL authorizer is configured). */
export function aclsEnabled(ctx: ApiRequestContext): boolean {
  return ctx.authorizer.storesAcls === true;
}

const CONCRETE_RESOURCE_TYPES: readonly number[] = [
  AclResourceTypeCode.TOPIC,
  AclResourceTypeCode.GROUP,
  AclResourceTypeCode.CLUSTER,
  AclResourceTypeCode.TRANSACTIONAL_ID,
  AclResourceTypeCode.DELEGATION_TOKEN,
  AclResourceTypeCode.USER,
];

/** Why a new ACL is refused (INVALID_REQUEST with this message), or null when it is valid. */
export function newAclProblem(acl: AclBinding): string | null {
  if (!CONCRETE_RESOURCE_TYPES.includes(acl.resourceType)) return 'Invalid resourceType';
  if (acl.patternType !== AclPatternTypeCode.LITERAL) {
    if (acl.patternType !== AclPatternTypeCode.PREFIXED) return 'Invalid patternType';
  }
  if (acl.operation <= AclOperationCode.ANY || acl.operation > AclOperationCode.DESCRIBE_TOKENS) {
    return 'Invalid operation';
  }
  const permission = acl.permissionType;
  if (permission !== AclPermissionTypeCode.ALLOW && permission !== AclPermissionTypeCode.DENY) {
    return 'Invalid permissionType';
  }
  if (acl.resourceName === '') return 'Invalid empty resource name specified';
  if (
    acl.resourceType === AclResourceTypeCode.CLUSTER &&
    acl.resourceName !== CLUSTER_RESOURCE_NAME
  ) {
    return 'The only valid name for the CLUSTER resource is kafka-cluster';
  }
  if (principalProblem(acl.principal)) return `Could not parse principal from \`${acl.principal}\``;
  if (acl.host === '') return 'Invalid empty host specified';
  if (acl.patternType === AclPatternTypeCode.PREFIXED && acl.resourceName === ACL_WILDCARD) {
    return 'Invalid prefixed resource name *';
  }
  return null;
}

/** A principal is `Type:name`, Kafka's KafkaPrincipal string form. */
function principalProblem(principal: string): boolean {
  const colon = principal.indexOf(':');
  return colon <= 0 || colon === principal.length - 1;
}

/** Why a filter is refused (it names an UNKNOWN code), or null. */
export function filterProblem(f: AclFilter): string | null {
  if (
    f.resourceType === AclResourceTypeCode.UNKNOWN ||
    f.patternType === AclPatternTypeCode.UNKNOWN ||
    f.operation === AclOperationCode.UNKNOWN ||
    f.permissionType === AclPermissionTypeCode.UNKNOWN
  ) {
    return 'The filter must not contain UNKNOWN elements.';
  }
  return null;
}
