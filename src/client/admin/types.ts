// Shapes the admin client takes and returns.
export interface NewTopic {
  name: string;
  /** -1: the broker's num.partitions. */
  numPartitions?: number;
  /** -1: the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export type ConfigResourceType = 'topic' | 'broker' | 'broker-logger' | 'group';

export interface ConfigResource {
  type: ConfigResourceType;
  /** Topic name, broker id as a string ('' for the cluster-wide broker default), or group id. */
  name: string;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  /** Kafka's ConfigSource name, e.g. 'DYNAMIC_TOPIC_CONFIG', 'DEFAULT_CONFIG'. */
  source: string;
  isSensitive: boolean;
  synonyms: { name: string; value: string | null; source: string }[];
}

export type AlterConfigOp =
  | { op: 'set'; name: string; value: string }
  | { op: 'delete'; name: string }
  | { op: 'append'; name: string; value: string }
  | { op: 'subtract'; name: string; value: string };

export interface ClusterDescription {
  clusterId: string | null;
  controllerId: number;
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
}

export interface LogDirDescription {
  brokerId: number;
  logDir: string;
  errorCode: number;
  totalBytes: bigint;
  usableBytes: bigint;
  partitions: { topic: string; partition: number; sizeBytes: bigint; offsetLag: bigint }[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
  type: string;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** Partitions from the member's consumer-protocol assignment (empty for other protocols). */
  assignment: { topic: string; partition: number }[];
  /** KIP-848 groups only: the member's epoch, where it is heading, and what it subscribes to. */
  memberEpoch?: number;
  targetAssignment?: { topic: string; partition: number }[];
  subscribedTopicNames?: string[];
  subscribedTopicRegex?: string | null;
}

export interface GroupDescription {
  groupId: string;
  /** 'consumer' for KIP-848 groups (described with ConsumerGroupDescribe), else 'classic'. */
  type: 'classic' | 'consumer';
  state: string;
  protocolType: string;
  protocol: string;
  errorCode: number;
  /** KIP-848 groups only. */
  groupEpoch?: number;
  assignmentEpoch?: number;
  members: GroupMemberDescription[];
}

export interface PartitionOffsets {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: bigint;
}
