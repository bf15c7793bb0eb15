// Authorized-operation bitfields (Kafka's AclOperation codes as bit positions) for Metadata,
// DescribeCluster, DescribeGroups and DescribeTopicPartitions: the full sets of each resource
// type, and the part of one a principal may do. Without an authorizer every operation is
// allowed, so the answers are the full sets Kafka reports for a superuser.
import {
  allowAllAuthorizer,
  type AclOperation,
  type ApiRequestContext,
  type ResourceType,
} from '../../server/index.js';

/** "Not requested" in the authorized-operations fields. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

const READ = 3;
const WRITE = 4;
const CREATE = 5;
const DELETE = 6;
const ALTER = 7;
const DESCRIBE = 8;
const CLUSTER_ACTION = 9;
const DESCRIBE_CONFIGS = 10;
const ALTER_CONFIGS = 11;
const IDEMPOTENT_WRITE = 12;
const CREATE_TOKENS = 13;
const DESCRIBE_TOKENS = 14;

const bits = (ops: number[]) => ops.reduce((acc, op) => acc | (1 << op), 0);

export const TOPIC_OPERATIONS = bits([
  READ,
  WRITE,
  CREATE,
  DELETE,
  ALTER,
  DESCRIBE,
  DESCRIBE_CONFIGS,
  ALTER_CONFIGS,
]);

export const CLUSTER_OPERATIONS = bits([
  CREATE,
  ALTER,
  DESCRIBE,
  CLUSTER_ACTION,
  DESCRIBE_CONFIGS,
  ALTER_CONFIGS,
  IDEMPOTENT_WRITE,
  CREATE_TOKENS,
  DESCRIBE_TOKENS,
]);

const OPERATION_NAMES: Record<number, AclOperation> = {
  [READ]: 'READ',
  [WRITE]: 'WRITE',
  [CREATE]: 'CREATE',
  [DELETE]: 'DELETE',
  [ALTER]: 'ALTER',
  [DESCRIBE]: 'DESCRIBE',
  [CLUSTER_ACTION]: 'CLUSTER_ACTION',
  [DESCRIBE_CONFIGS]: 'DESCRIBE_CONFIGS',
  [ALTER_CONFIGS]: 'ALTER_CONFIGS',
  [IDEMPOTENT_WRITE]: 'IDEMPOTENT_WRITE',
  [CREATE_TOKENS]: 'CREATE_TOKENS',
  [DESCRIBE_TOKENS]: 'DESCRIBE_TOKENS',
};

/**
 * The bitfield of the operations of `all` (a *_OPERATIONS set) the principal may do on the
 * resource, as Kafka's authorizedOperations: one authorizer call for every operation.
 */
export function authorizedOperations(
  ctx: ApiRequestContext,
  resource: { type: ResourceType; name: string },
  all: number,
): number {
  if (ctx.authorizer === allowAllAuthorizer) return all;
  const codes = Object.keys(OPERATION_NAMES)
    .map(Number)
    .filter((op) => (all & (1 << op)) !== 0);
  const results = ctx.authorizer.authorize(
    ctx,
    codes.map((op) => ({
      operation: OPERATION_NAMES[op]!,
      resourceType: resource.type,
      resourceName: resource.name,
      patternType: 'LITERAL' as const,
    })),
  );
  return codes.reduce((acc, op, i) => (results[i] === 'ALLOWED' ? acc | (1 << op) : acc), 0);
}
