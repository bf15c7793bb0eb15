// The replica manager: partitions this node leads and the produce/fetch data path over them.
export {
  ReplicaManager,
  checkLeaderEpoch,
  type AppendRequest,
  type FetchOptions,
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
  type PartitionReadOptions,
  type PartitionReadResult,
  type TxnMarker,
} from './partition.js';
export { AppendResults, failedAppend, type AppendSink } from './append-results.js';
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
