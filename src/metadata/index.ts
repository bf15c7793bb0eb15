// The metadata layer's public face: the cluster metadata image, the stores of its log, the
// follower that replays the log into the image and the controller operations that append to it.
export {
  ClusterMetadata,
  MAX_COMMIT_ATTEMPTS,
  MAX_PARTITIONS_PER_OPERATION,
  PRODUCER_ID_BLOCK_SIZE,
  type ClusterMetadataOptions,
  type ConfigChange,
  type CreateTopicResult,
  type MetadataListener,
  type NewTopic,
  type OperationResult,
  type PartitionPreparer,
  type ProducerIdBlock,
} from './cluster-metadata.js';
export {
  MetadataImage,
  type BrokerRegistration,
  type MetadataChange,
  type PartitionImage,
  type TopicImage,
} from './image.js';
export { MetadataFollower, type MetadataFollowerOptions } from './metadata-follower.js';
export {
  MemoryMetadataLogStore,
  batchEndOffset,
  type MetadataAppendOptions,
  type MetadataAppendResult,
  type MetadataBatchListener,
  type MetadataLogStore,
  type MetadataWatchOptions,
} from './metadata-log.js';
export {
  ConfigResourceType,
  MetadataRecordType,
  decodeMetadataBatch,
  decodeMetadataRecord,
  encodeMetadataBatch,
  encodeMetadataRecord,
  type MetadataRecord,
} from './records.js';
export { MAX_TOPIC_NAME_LENGTH, isInternalTopic, topicNameProblem } from './topic-name.js';
export {
  META_PROPERTIES_FILE,
  ensureMetaProperties,
  newKafkaId,
  readMetaProperties,
  type MetaProperties,
} from './meta-properties.js';
export {
  METADATA_LOG_DIR_NAME,
  METADATA_PARTITION,
  METADATA_TOPIC,
  PartitionLogMetadataStore,
} from './partition-log-store.js';
export {
  alterPartitionChanges,
  isrChangeProblem,
  type AlterPartitionOutcome,
} from './alter-partition.js';
export {
  completedReassignment,
  isReassigning,
  reassignPartition,
  targetReplicas,
  type ReassignmentOutcome,
} from './partition-reassignment.js';
export {
  EtcdMetadataLogStore,
  MetadataLogCompactedError,
  type EtcdMetadataLogStoreOptions,
} from './etcd-metadata-log-store.js';
export {
  ETCD_CALL_TIMEOUT_MS,
  connectEtcd,
  parseEtcdEndpoints,
  type EtcdConnectionOptions,
} from './etcd-connection.js';
export * from './acl-image.js';
export * from './client-quota-image.js';
