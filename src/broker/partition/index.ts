// The replica manager: partitions this node holds a replica of (leader or follower) and the
// produce/fetch data path over them.
export {
  ReplicaManager,
  checkLeaderEpoch,
  type AppendRequest,
  type FetchedPartition,
  type FetchOptions,
  type FetchResult,
  type LeadershipChange,
  type LeadershipListener,
  type PartitionSpec,
  type ReadAnswer,
  type ReadRequest,
  type ReplicaManagerOptions,
} from './replica-manager.js';
export {
  Partition,
  type PartitionAppend,
  type PartitionAppendOptions,
  type PartitionAppendResult,
  type PartitionOpenOptions,
  type PartitionReadOptions,
  type PartitionReadResult,
  type TxnMarker,
} from './partition.js';
export {
  ReplicaState,
  type FollowerState,
  type PartitionRole,
  type ReplicaAssignment,
} from './replica-state.js';
export { DelayedProduces } from './delayed-produce.js';
export { AppendResults, failedAppend, type AppendSink, type RemoteWait } from './append-results.js';
export {
  compressedBatchChecks,
  needsRecordValidation,
  validateBatch,
  validateRecords,
  type BatchValidation,
  type RecordError,
  type RecordsValidation,
  type BatchValidationOptions,
} from './batch-validator.js';
export { FetchPurgatory, type WaitOutcome } from './fetch-purgatory.js';
export {
  FetchSessionCache,
  FINAL_EPOCH,
  INITIAL_EPOCH,
  type FetchContext,
  type FetchPartition,
  type FetchSessionRequest,
  type PartitionAnswer,
  type PartitionRef,
} from './fetch-session-cache.js';
export { topicSettings, type TopicSettings } from './topic-settings.js';
