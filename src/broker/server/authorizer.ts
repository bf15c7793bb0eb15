// The authorize stage: an Authorizer as Kafka's (org.apache.kafka.server.authorizer.Authorizer).
// Kafka authorizes per resource inside each API (every topic of a Produce, the group of an
// OffsetCommit, the cluster for CreateTopics' fallback), so this stage does not decide for the
// whole request: it puts the broker's authorizer into the request context, where handlers ask
// it about the resources they touch and answer the refused ones with Kafka's
// *_AUTHORIZATION_FAILED codes. Without a configured authorizer everything is allowed, as Kafka
// does when `authorizer.class.name` is empty.
import type { Session } from './session.js';

/** Kafka's AclOperation names (the codes in ACL records and authorized-operation bitfields). */
export type AclOperation =
  | 'READ'
  | 'WRITE'
  | 'CREATE'
  | 'DELETE'
  | 'ALTER'
  | 'DESCRIBE'
  | 'CLUSTER_ACTION'
  | 'DESCRIBE_CONFIGS'
  | 'ALTER_CONFIGS'
  | 'IDEMPOTENT_WRITE'
  | 'CREATE_TOKENS'
  | 'DESCRIBE_TOKENS';

/** Kafka's ResourceType names. */
export type ResourceType =
  'TOPIC' | 'GROUP' | 'CLUSTER' | 'TRANSACTIONAL_ID' | 'DELEGATION_TOKEN' | 'USER';

/** How an action names its resource: the exact name, or every name with it as a prefix. */
export type PatternType = 'LITERAL' | 'PREFIXED';

export interface Action {
  operation: AclOperation;
  resourceType: ResourceType;
  resourceName: string;
  patternType: PatternType;
}

export type AuthorizationResult = 'ALLOWED' | 'DENIED';

/** Who asks, for an authorizer: the session and the request (Kafka's AuthorizableRequestContext). */
export interface AuthorizableRequest {
  session: Session;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

export interface Authorizer {
  /** One result per action, in the order given. */
  authorize(request: AuthorizableRequest, actions: readonly Action[]): AuthorizationResult[];
  /**
   * Whether `request` may do `operation` on at least one resource of `resourceType` (Kafka's
   * Authorizer.authorizeByResourceType, used by InitProducerId for idempotent producers).
   * Without it the answer is that of the wildcard resource.
   */
  authorizeByResourceType?(
    request: AuthorizableRequest,
    operation: AclOperation,
    resourceType: ResourceType,
  ): AuthorizationResult;
  /**
   * True when the ACLs live in the metadata (CreateAcls, DescribeAcls and DeleteAcls manage
   * them); otherwise those APIs answer SECURITY_DISABLED, as Kafka does without an authorizer.
   */
  readonly storesAcls?: boolean;
}

/** Allows everything: Kafka's behaviour with no authorizer configured. */
export const allowAllAuthorizer: Authorizer = {
  authorize: (_request, actions) => actions.map(() => 'ALLOWED'),
};

/**
 * The names in `names` that `request` may `operation` on as literal resources of
 * `resourceType` (Kafka's AuthHelper.filterByAuthorized). Asks once per distinct name.
 */
export function filterAuthorized(
  authorizer: Authorizer,
  request: AuthorizableRequest,
  check: { operation: AclOperation; resourceType: ResourceType; names: Iterable<string> },
): Set<string> {
  const distinct = [...new Set(check.names)];
  if (authorizer === allowAllAuthorizer) return new Set(distinct);
  const actions = distinct.map((resourceName) => ({
    operation: check.operation,
    resourceType: check.resourceType,
    resourceName,
    patternType: 'LITERAL' as const,
  }));
  const results = authorizer.authorize(request, actions);
  return new Set(distinct.filter((_, i) => results[i] === 'ALLOWED'));
}

/** One check of `operation` on a literal resource. */
export function isAuthorized(
  authorizer: Authorizer,
  request: AuthorizableRequest,
  check: { operation: AclOperation; resourceType: ResourceType; name: string },
): boolean {
  if (authorizer === allowAllAuthorizer) return true;
  const action: Action = {
    operation: check.operation,
    resourceType: check.resourceType,
    resourceName: check.name,
    patternType: 'LITERAL',
  };
  return authorizer.authorize(request, [action])[0] === 'ALLOWED';
}

/** Kafka's authorizeByResourceType, with the wildcard resource for authorizers without it. */
export function isAuthorizedForAny(
  authorizer: Authorizer,
  request: AuthorizableRequest,
  check: { operation: AclOperation; resourceType: ResourceType },
): boolean {
  if (authorizer === allowAllAuthorizer) return true;
  if (authorizer.authorizeByResourceType !== undefined) {
    const { operation, resourceType } = check;
    return authorizer.authorizeByResourceType(request, operation, resourceType) === 'ALLOWED';
  }
  return isAuthorized(authorizer, request, { ...check, name: '*' });
}
