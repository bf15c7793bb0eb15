// Authorized-operation bitfields (Kafka's AclOperation codes as bit positions) for Metadata,
// DescribeCluster and DescribeTopicPartitions. Without an authorizer every operation is allowed,
// so these are the full sets Kafka reports for a superuser.

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
