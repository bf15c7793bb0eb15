// The group coordinator's public face.
export { GroupCoordinator, type GroupCoordinatorOptions } from './group-coordinator.js';
export type { ClientInfo } from './classic-membership.js';
export type { ClassicGroupState } from './classic-group.js';
export {
  MemoryCoordinatorLog,
  type CoordinatorLog,
  type CoordinatorLogEntry,
  type TxnProducer,
} from './coordinator-log.js';
export { DEFAULT_GROUP_CONFIG, groupConfigFrom, type GroupConfig } from './group-config.js';
export {
  groupMetadataRecord,
  groupTombstone,
  offsetCommitRecord,
  offsetTombstone,
  parseCoordinatorRecord,
  type CoordinatorRecord,
  type OffsetAndMetadata,
  type ParsedCoordinatorRecord,
} from './group-records.js';
export type { FetchedGroupOffsets, FetchedOffset, FetchedTopic } from './offset-manager.js';
export { javaStringHashCode, partitionForGroup } from './partition-for-group.js';
export {
  CONSUMER_OFFSETS_TOPIC,
  ConsumerOffsetsLog,
  CoordinatorLoadError,
  type ConsumerOffsetsReplicas,
} from './consumer-offsets-log.js';
export {
  ensureConsumerOffsetsTopic,
  openGroupCoordinator,
  type OpenGroupCoordinatorOptions,
  type TxnMarkerSource,
  type WrittenMarker,
} from './open-group-coordinator.js';
export type { ConsumerGroupState } from './consumer-group.js';
export type { TopicLookup } from './group-context.js';
export {
  DEFAULT_SERVER_ASSIGNOR,
  SERVER_ASSIGNORS,
  rangeAssignor,
  uniformAssignor,
  type Assignment,
  type AssignorMember,
  type ServerAssignor,
} from './server-assignors.js';
