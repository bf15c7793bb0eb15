// The client's public face (`rivulet/client`): producer, consumer, admin, and the connection
// layer they share. It depends only on the protocol layer, so it works against any Kafka broker.
export { ApiKey, clientVersions, pickVersion, type VersionRange } from './api-versions.js';
export {
  Cluster,
  parseServers,
  type BrokerInfo,
  type ClusterOptions,
  type PartitionMetadata,
  type Target,
  type TopicMetadata,
} from './cluster.js';
export {
  Connection,
  type ConnectionOptions,
  type SendOptions,
  type SslOptions,
} from './connection.js';
export type { SaslOptions } from './sasl-client.js';
export {
  ClientError,
  CorruptRecordError,
  isRetriable,
  KafkaError,
  needsMetadataRefresh,
  ProducerFencedError,
  type ClientErrorCode,
} from './errors.js';
export { DefaultPartitioner, murmur2, partitionForKey } from './partitioner.js';
export { backoffMs, withRetries, type RetryOptions } from './retry.js';
export * from './producer/index.js';
export * from './consumer/index.js';
export * from './admin/index.js';
export {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  type Assignment,
  type Subscription,
} from './consumer-protocol.js';
export {
  commitOffsets,
  fetchCommittedOffsets,
  findGroupCoordinator,
  findTransactionCoordinator,
  type CommittedOffset,
  type GroupMembership,
  type OffsetToCommit,
} from './group-requests.js';
export * from './group/index.js';
export * from './serdes/index.js';
