// The storage layer's public face: durable partition logs, their manager and the file system seam.
export type { FileHandle, FileStat, FileSystem } from './fs/file-system.js';
export { NodeFileSystem } from '../util/fs/node-file-system.js';
export {
  MemoryFileSystem,
  CrashedError,
  type CrashOptions,
  type MemoryFsOp,
} from '../util/fs/memory-file-system.js';
export {
  DEFAULT_LOG_CONFIG,
  DEFAULT_LOG_MANAGER_CONFIG,
  logConfigFromTopicConfig,
  logConfigName,
  resolveLogConfig,
  type CleanupPolicy,
  type LogConfig,
  type LogManagerConfig,
  type TimestampType,
} from './log-config.js';
export {
  systemClock,
  silentLogger,
  systemTimers,
  type Clock,
  type Timers,
  type StorageLogger,
} from './environment.js';
export { flushAfterAppend } from './log-flusher.js';
export { PartitionLog, type AppendOptions, type PartitionLogOptions } from './partition-log.js';
export type { ReadOptions, LogSnapshot } from './log-read.js';
export { LogManager, type LogManagerOptions } from './log-manager.js';
export {
  StorageHealth,
  describeStorageFailure,
  isStorageFailure,
  untrackedHealth,
  type DirHealth,
} from './storage-health.js';
export {
  EARLIEST_LOCAL_TIMESTAMP,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  LogStorageError,
  MAX_TIMESTAMP,
  type AppendResult,
  type DeleteRecordsResult,
  type LogError,
  type ReadResult,
  type TimestampOffset,
} from './results.js';
export {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  CLEAN_SHUTDOWN_FILE,
  LEADER_EPOCH_CHECKPOINT_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  PARTITION_METADATA_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  REPLICATION_OFFSET_CHECKPOINT_FILE,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint-file.js';
export type { CleanerCodec, CleanerRecord } from './cleaner/cleaner-codec.js';
export {
  CorruptSegmentError,
  cleanLog,
  cleanableRange,
  needsCleaning,
  type CleanResult,
  type CleanableRange,
} from './cleaner/log-cleaner.js';
export { LogCleanerManager, type UncleanablePartition } from './cleaner/log-cleaner-manager.js';
export { protocolCleanerCodec } from './cleaner/protocol-cleaner-codec.js';
export {
  PRODUCER_BATCHES_KEPT,
  ProducerStateManager,
  producerBatchInfo,
  type ProducerBatch,
  type ProducerBatchInfo,
  type CompletedTxn,
  type ProducerEntry,
  type SequenceCheck,
} from './producer-state.js';
export {
  AbortedTxnIndex,
  decodeTxnIndex,
  encodeTxnIndex,
  type AbortedTxn,
} from './aborted-txn-index.js';
export {
  decodeProducerSnapshotFile,
  encodeProducerSnapshotFile,
  listSnapshotOffsets,
  snapshotPath,
  readLatestProducerSnapshot,
  writeProducerSnapshot,
} from './producer-snapshot-file.js';
export {
  recoverProducerState,
  replayProducerBatch,
  snapshotProducerState,
  type RecoveredProducerState,
} from './producer-state-recovery.js';
export { LeaderEpochCache, type EpochEntry } from './leader-epoch-cache.js';
export {
  DataDirLockError,
  LOCK_FILE_NAME,
  lockDataDirs,
  type DataDirLock,
} from './data-dir-lock.js';
export { DataDirError, createDataDir } from './data-dir.js';
