// The metadata layer's public face: the cluster metadata image, its log and the operations
// that change it.
export {
  ClusterMetadata,
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
export { MemoryMetadataLogStore, type MetadataLogStore } from './metadata-log.js';
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
