// The admin client's ACL calls, as the Java Admin's createAcls / describeAcls / deleteAcls:
// bindings with Kafka's names for resource types, pattern types, operations and permissions
// (the codes of the wire are converted here). Filters use ANY (and MATCH for patterns) and null
// strings for "whatever".
import {
  createCreateAclsRequest,
  createDeleteAclsRequest,
  createDescribeAclsRequest,
  type CreateAclsResponse,
  type DeleteAclsResponse,
  type DescribeAclsResponse,
} from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';

const CREATE_ACLS = 30;
const DESCRIBE_ACLS = 29;
const DELETE_ACLS = 31;

export const ACL_RESOURCE_TYPES = [
  'UNKNOWN',
  'ANY',
  'TOPIC',
  'GROUP',
  'CLUSTER',
  'TRANSACTIONAL_ID',
  'DELEGATION_TOKEN',
  'USER',
] as const;
export const ACL_PATTERN_TYPES = ['UNKNOWN', 'ANY', 'MATCH', 'LITERAL', 'PREFIXED'] as const;
export const ACL_OPERATIONS = [
  'UNKNOWN',
  'ANY',
  'ALL',
  'READ',
  'WRITE',
  'CREATE',
  'DELETE',
  'ALTER',
  'DESCRIBE',
  'CLUSTER_ACTION',
  'DESCRIBE_CONFIGS',
  'ALTER_CONFIGS',
  'IDEMPOTENT_WRITE',
  'CREATE_TOKENS',
  'DESCRIBE_TOKENS',
] as const;
export const ACL_PERMISSION_TYPES = ['UNKNOWN', 'ANY', 'DENY', 'ALLOW'] as const;

export type AclResourceType = (typeof ACL_RESOURCE_TYPES)[number];
export type AclPatternType = (typeof ACL_PATTERN_TYPES)[number];
export type AclOperation = (typeof ACL_OPERATIONS)[number];
export type AclPermissionType = (typeof ACL_PERMISSION_TYPES)[number];

/** One ACL (Kafka's AclBinding). */
export interface AclBinding {
  resourceType: AclResourceType;
  resourceName: string;
  patternType: AclPatternType;
  principal: string;
  host: string;
  operation: AclOperation;
  permissionType: AclPermissionType;
}

/** A filter over ACLs (Kafka's AclBindingFilter); null strings match anything. */
export interface AclBindingFilter {
  resourceType: AclResourceType;
  resourceName: string | null;
  patternType: AclPatternType;
  principal: string | null;
  host: string | null;
  operation: AclOperation;
  permissionType: AclPermissionType;
}

/** Matches every ACL. */
export const ANY_ACL: AclBindingFilter = {
  resourceType: 'ANY',
  resourceName: null,
  patternType: 'ANY',
  principal: null,
  host: null,
  operation: 'ANY',
  permissionType: 'ANY',
};

const code = <T extends string>(names: readonly T[], name: T): number => names.indexOf(name);
const nameOf = <T extends string>(names: readonly T[], c: number): T => names[c] ?? names[0]!;

/** Creates ACLs; one error per binding (null when created), in order. */
export async function createAcls(
  cluster: Cluster,
  bindings: readonly AclBinding[],
): Promise<(KafkaError | null)[]> {
  const response = await cluster.send<CreateAclsResponse>(
    'any',
    CREATE_ACLS,
    createCreateAclsRequest({
      creations: bindings.map((b) => ({
        resourceType: code(ACL_RESOURCE_TYPES, b.resourceType),
        resourceName: b.resourceName,
        resourcePatternType: code(ACL_PATTERN_TYPES, b.patternType),
        principal: b.principal,
        host: b.host,
        operation: code(ACL_OPERATIONS, b.operation),
        permissionType: code(ACL_PERMISSION_TYPES, b.permissionType),
      })),
    }),
  );
  return response.results.map((r) =>
    r.errorCode === 0 ? null : new KafkaError(r.errorCode, r.errorMessage ?? undefined),
  );
}

/** The ACLs matching a filter; throws the broker's error (SECURITY_DISABLED, …). */
export async function describeAcls(
  cluster: Cluster,
  filter: AclBindingFilter,
): Promise<AclBinding[]> {
  const response = await cluster.send<DescribeAclsResponse>(
    'any',
    DESCRIBE_ACLS,
    createDescribeAclsRequest(filterFields(filter)),
  );
  if (response.errorCode !== 0) {
    throw new KafkaError(response.errorCode, response.errorMessage ?? undefined);
  }
  return response.resources.flatMap((r) =>
    r.acls.map((a) => ({
      resourceType: nameOf(ACL_RESOURCE_TYPES, r.resourceType),
      resourceName: r.resourceName,
      patternType: nameOf(ACL_PATTERN_TYPES, r.patternType),
      principal: a.principal,
      host: a.host,
      operation: nameOf(ACL_OPERATIONS, a.operation),
      permissionType: nameOf(ACL_PERMISSION_TYPES, a.permissionType),
    })),
  );
}

/** Deletes the ACLs matching each filter; per filter, the ACLs deleted or its error. */
export async function deleteAcls(
  cluster: Cluster,
  filters: readonly AclBindingFilter[],
): Promise<{ error: KafkaError | null; deleted: AclBinding[] }[]> {
  const response = await cluster.send<DeleteAclsResponse>(
    'any',
    DELETE_ACLS,
    createDeleteAclsRequest({
      filters: filters.map((f) => {
        const { resourceNameFilter, principalFilter, hostFilter, ...rest } = filterFields(f);
        return { ...rest, resourceNameFilter, principalFilter, hostFilter };
      }),
    }),
  );
  return response.filterResults.map((r) => ({
    error: r.errorCode === 0 ? null : new KafkaError(r.errorCode, r.errorMessage ?? undefined),
    deleted: r.matchingAcls.map((a) => ({
      resourceType: nameOf(ACL_RESOURCE_TYPES, a.resourceType),
      resourceName: a.resourceName,
      patternType: nameOf(ACL_PATTERN_TYPES, a.patternType),
      principal: a.principal,
      host: a.host,
      operation: nameOf(ACL_OPERATIONS, a.operation),
      permissionType: nameOf(ACL_PERMISSION_TYPES, a.permissionType),
    })),
  }));
}

function filterFields(f: AclBindingFilter) {
  return {
    resourceTypeFilter: code(ACL_RESOURCE_TYPES, f.resourceType),
    resourceNameFilter: f.resourceName,
    patternTypeFilter: code(ACL_PATTERN_TYPES, f.patternType),
    principalFilter: f.principal,
    hostFilter: f.host,
    operation: code(ACL_OPERATIONS, f.operation),
    permissionType: code(ACL_PERMISSION_TYPES, f.permissionType),
  };
}
