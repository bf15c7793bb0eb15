// Kafka's StandardAuthorizer (org.apache.kafka.metadata.authorizer.StandardAuthorizer) over the
// ACLs of the metadata image. For one action:
// 1. a super user (`super.users`) may do anything;
// 2. the ACLs whose resource pattern covers the resource are gathered: the literal name, the
//    literal wildcard `*`, and every prefixed pattern the name starts with;
// 3. of those whose principal (`User:alice` or `User:*`) and host (an IP or `*`) match the
//    request, a DENY for the operation (or ALL) refuses, whatever else allows: deny wins;
// 4. otherwise an ALLOW for the operation, ALL, or an operation that implies it (READ, WRITE,
//    DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS) allows;
// 5. when no ACL at all covers the resource, `allow.everyone.if.no.acl.found` decides
//    (false by default, as in Kafka); otherwise the action is refused.
// The ACLs are read from the image on every call, so a CreateAcls is in force as soon as its
// records are replayed, on every broker.
import {
  ACL_WILDCARD,
  AclOperationCode,
  AclPermissionTypeCode,
  AclResourceTypeCode,
  type AclImage,
  type StoredAcl,
} from '../../metadata/index.js';
import type {
  AclOperation,
  Action,
  AuthorizableRequest,
  AuthorizationResult,
  Authorizer,
  ResourceType,
} from '../server/index.js';

export interface StandardAuthorizerOptions {
  /** The ACLs, read at each call (the live image's). */
  acls: () => AclImage;
  /** `super.users`: principals allowed everything. */
  superUsers?: readonly string[];
  /** `allow.everyone.if.no.acl.found`. Default false. */
  allowEveryoneIfNoAclFound?: boolean;
}

const USER_WILDCARD = 'User:*';
const ALL = AclOperationCode.ALL;
const DESCRIBE = AclOperationCode.DESCRIBE;
const DESCRIBE_CONFIGS = AclOperationCode.DESCRIBE_CONFIGS;
const ALLOW = AclPermissionTypeCode.ALLOW;
const DENY = AclPermissionTypeCode.DENY;

export class StandardAuthorizer implements Authorizer {
  readonly storesAcls = true;
  private readonly superUsers: ReadonlySet<string>;
  private readonly allowIfNoAcl: boolean;

  constructor(private readonly options: StandardAuthorizerOptions) {
    this.superUsers = new Set(options.superUsers ?? []);
    this.allowIfNoAcl = options.allowEveryoneIfNoAclFound ?? false;
  }

  authorize(request: AuthorizableRequest, actions: readonly Action[]): AuthorizationResult[] {
    const principal = request.session.principal;
    if (this.superUsers.has(principal)) return actions.map(() => 'ALLOWED');
    const host = normalizeHost(request.session.clientHost);
    const acls = this.options.acls();
    return actions.map((action) => this.decide(acls, { principal, host }, action));
  }

  authorizeByResourceType(
    request: AuthorizableRequest,
    operation: AclOperation,
    resourceType: ResourceType,
  ): AuthorizationResult {
    const principal = request.session.principal;
    if (this.superUsers.has(principal)) return 'ALLOWED';
    const who = { principal, host: normalizeHost(request.session.clientHost) };
    const op = AclOperationCode[operation];
    const type = AclResourceTypeCode[resourceType];
    const acls = this.options.acls().ofType(type);
    const applicable = acls.filter((a) => appliesTo(a, who));
    const denies = applicable.filter((a) => a.permissionType === DENY && deniesOp(a, op));
    // A deny on the wildcard resource refuses every resource of the type.
    if (denies.some((a) => a.resourceName === ACL_WILDCARD && a.patternType !== 4)) {
      return 'DENIED';
    }
    for (const allow of applicable) {
      if (allow.permissionType !== ALLOW || !allowsOp(allow, op)) continue;
      // Allowed somewhere, unless a deny covers every name the allow does.
      const covered = denies.some((d) =>
        d.patternType === 4
          ? allow.resourceName.startsWith(d.resourceName)
          : allow.patternType !== 4 && d.resourceName === allow.resourceName,
      );
      if (!covered) return 'ALLOWED';
    }
    return this.allowIfNoAcl && acls.length === 0 ? 'ALLOWED' : 'DENIED';
  }

  private decide(
    acls: AclImage,
    who: { principal: string; host: string },
    action: Action,
  ): AuthorizationResult {
    const op = AclOperationCode[action.operation];
    let found = false;
    let allowed = false;
    let denied = false;
    acls.forEachCovering(AclResourceTypeCode[action.resourceType], action.resourceName, (acl) => {
      found = true;
      if (!appliesTo(acl, who)) return false;
      if (acl.permissionType === DENY && deniesOp(acl, op)) {
        denied = true;
        return true;
      }
      if (acl.permissionType === ALLOW && allowsOp(acl, op)) allowed = true;
      return false;
    });
    if (denied) return 'DENIED';
    if (allowed) return 'ALLOWED';
    return !found && this.allowIfNoAcl ? 'ALLOWED' : 'DENIED';
  }
}

function appliesTo(acl: StoredAcl, who: { principal: string; host: string }): boolean {
  if (acl.principal !== who.principal && acl.principal !== USER_WILDCARD) return false;
  return acl.host === ACL_WILDCARD || acl.host === who.host;
}

/** A DENY refuses its own operation and, for ALL, every one. */
function deniesOp(acl: StoredAcl, op: number): boolean {
  return acl.operation === op || acl.operation === ALL;
}

/** An ALLOW allows its operation, every one for ALL, and the operations it implies. */
function allowsOp(acl: StoredAcl, op: number): boolean {
  const granted = acl.operation;
  if (granted === op || granted === ALL) return true;
  if (op === DESCRIBE) {
    return (
      granted === AclOperationCode.READ ||
      granted === AclOperationCode.WRITE ||
      granted === AclOperationCode.DELETE ||
      granted === AclOperationCode.ALTER
    );
  }
  return op === DESCRIBE_CONFIGS && granted === AclOperationCode.ALTER_CONFIGS;
}

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is written `127.0.0.1` in ACLs. */
function normalizeHost(host: string): string {
  return host.startsWith('::ffff:') ? host.slice(7) : host;
}
