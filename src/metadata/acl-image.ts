// The ACLs of the cluster, as replayed from AccessControlEntryRecord and
// RemoveAccessControlEntryRecord, indexed the way Kafka's StandardAuthorizerData looks them up:
// per resource type, literal names in a map (the wildcard `*` among them) and prefixed names
// in a list. The codes are Kafka's (ResourceType, PatternType, AclOperation,
// AclPermissionType), as they travel in the ACL APIs and the records.

/** Kafka's ResourceType codes. */
export const AclResourceTypeCode = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  TOPIC: 2,
  GROUP: 3,
  CLUSTER: 4,
  TRANSACTIONAL_ID: 5,
  DELEGATION_TOKEN: 6,
  USER: 7,
} as const);

/** Kafka's PatternType codes (ANY and MATCH only in filters). */
export const AclPatternTypeCode = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  MATCH: 2,
  LITERAL: 3,
  PREFIXED: 4,
} as const);

/** Kafka's AclOperation codes (ANY only in filters). */
export const AclOperationCode = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const);

/** Kafka's AclPermissionType codes (ANY only in filters). */
export const AclPermissionTypeCode = Object.freeze({
  UNKNOWN: 0,
  ANY: 1,
  DENY: 2,
  ALLOW: 3,
} as const);

/** The only name a CLUSTER resource has. */
export const CLUSTER_RESOURCE_NAME = 'kafka-cluster';
/** A literal resource name, principal or host that matches every one. */
export const ACL_WILDCARD = '*';

/** One ACL: a resource pattern and an access control entry (Kafka's AclBinding). */
export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** An ACL as stored, with the id its records carry. */
export interface StoredAcl extends AclBinding {
  id: string;
}

/** The ACLs of one resource type. */
interface TypeIndex {
  literal: Map<string, StoredAcl[]>;
  prefixed: StoredAcl[];
}

/** A filter as in DescribeAcls and DeleteAcls (null strings match anything). */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

export class AclImage {
  private readonly byId = new Map<string, StoredAcl>();
  private readonly byType = new Map<number, TypeIndex>();

  get size(): number {
    return this.byId.size;
  }

  /** Every ACL, in the order they were created. */
  all(): StoredAcl[] {
    return [...this.byId.values()];
  }

  add(acl: StoredAcl): void {
    if (this.byId.has(acl.id)) this.remove(acl.id);
    this.byId.set(acl.id, acl);
    const index = this.index(acl.resourceType);
    if (acl.patternType === AclPatternTypeCode.PREFIXED) index.prefixed.push(acl);
    else {
      const list = index.literal.get(acl.resourceName);
      if (list === undefined) index.literal.set(acl.resourceName, [acl]);
      else list.push(acl);
    }
  }

  remove(id: string): void {
    const acl = this.byId.get(id);
    if (acl === undefined) return;
    this.byId.delete(id);
    const index = this.index(acl.resourceType);
    if (acl.patternType === AclPatternTypeCode.PREFIXED) {
      index.prefixed = index.prefixed.filter((a) => a.id !== id);
      return;
    }
    const list = index.literal.get(acl.resourceName)?.filter((a) => a.id !== id) ?? [];
    if (list.length === 0) index.literal.delete(acl.resourceName);
    else index.literal.set(acl.resourceName, list);
  }

  /** Whether an ACL with exactly this binding exists (CreateAcls does not duplicate one). */
  find(binding: AclBinding): StoredAcl | undefined {
    for (const acl of this.byId.values()) if (sameBinding(acl, binding)) return acl;
    return undefined;
  }

  /**
   * Calls `visit` with every ACL whose resource pattern covers `name` of `resourceType`: the
   * literal name, the literal wildcard and every prefix of it. Stops when `visit` says true.
   */
  forEachCovering(resourceType: number, name: string, visit: (acl: StoredAcl) => boolean): void {
    const index = this.byType.get(resourceType);
    if (index === undefined) return;
    for (const acl of index.literal.get(name) ?? NONE) if (visit(acl)) return;
    if (name !== ACL_WILDCARD) {
      for (const acl of index.literal.get(ACL_WILDCARD) ?? NONE) if (visit(acl)) return;
    }
    for (const acl of index.prefixed) {
      if (name.startsWith(acl.resourceName) && visit(acl)) return;
    }
  }

  /** Every ACL of a resource type (authorizeByResourceType). */
  ofType(resourceType: number): StoredAcl[] {
    const index = this.byType.get(resourceType);
    if (index === undefined) return [];
    return [...[...index.literal.values()].flat(), ...index.prefixed];
  }

  /** The ACLs a DescribeAcls or DeleteAcls filter matches. */
  matching(filter: AclFilter): StoredAcl[] {
    return this.all().filter((acl) => aclMatchesFilter(acl, filter));
  }

  private index(resourceType: number): TypeIndex {
    let index = this.byType.get(resourceType);
    if (index === undefined) {
      index = { literal: new Map(), prefixed: [] };
      this.byType.set(resourceType, index);
    }
    return index;
  }
}

const NONE: readonly StoredAcl[] = Object.freeze([]);

function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}

/**
 * Kafka's AclBindingFilter.matches: ANY matches every code; null strings match every value;
 * pattern type MATCH matches the literal name, the literal wildcard and the prefixes covering
 * the filter's name (with a null name, every pattern).
 */
export function aclMatchesFilter(acl: AclBinding, f: AclFilter): boolean {
  if (f.resourceType !== AclResourceTypeCode.ANY && f.resourceType !== acl.resourceType) {
    return false;
  }
  if (!patternMatches(acl, f)) return false;
  if (f.principal !== null && f.principal !== acl.principal) return false;
  if (f.host !== null && f.host !== acl.host) return false;
  if (f.operation !== AclOperationCode.ANY && f.operation !== acl.operation) return false;
  return f.permissionType === AclPermissionTypeCode.ANY || f.permissionType === acl.permissionType;
}

function patternMatches(acl: AclBinding, f: AclFilter): boolean {
  if (f.patternType === AclPatternTypeCode.MATCH) {
    if (f.resourceName === null) return true;
    if (acl.patternType === AclPatternTypeCode.PREFIXED) {
      return f.resourceName.startsWith(acl.resourceName);
    }
    return acl.resourceName === f.resourceName || acl.resourceName === ACL_WILDCARD;
  }
  if (f.patternType !== AclPatternTypeCode.ANY && f.patternType !== acl.patternType) return false;
  return f.resourceName === null || f.resourceName === acl.resourceName;
}
