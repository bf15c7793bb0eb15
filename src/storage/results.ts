// Result values of the partition log. Expected outcomes are data, never throws; the broker maps
// `error` to a Kafka error code with one switch.

export type LogError = 'OFFSET_OUT_OF_RANGE';

export interface AppendResult {
  /** Offset of the first record appended. */
  baseOffset: number;
  /** Offset of the last record appended. */
  lastOffset: number;
  /** The time stamped into the batches for LogAppendTime topics, else -1. */
  logAppendTimeMs: number;
  logStartOffset: number;
  /** Number of batches appended. */
  batches: number;
}

export interface ReadResult {
  error: LogError | null;
  /** Whole batches, exactly as stored; empty when there is nothing to return. */
  records: Buffer;
  logStartOffset: number;
  logEndOffset: number;
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
  leaderEpoch?: number;
}

export interface DeleteRecordsResult {
  error: LogError | null;
  /** The log start offset after the call (Kafka's low watermark). */
  logStartOffset: number;
}

/** Special timestamps of ListOffsets. */
export const LATEST_TIMESTAMP = -1;
export const EARLIEST_TIMESTAMP = -2;
export const MAX_TIMESTAMP = -3;
export const EARLIEST_LOCAL_TIMESTAMP = -4;

/** Thrown (a bug or a lost disk, not an expected outcome) when a log cannot do I/O. */
export class LogStorageError extends Error {
  readonly code = 'KAFKA_STORAGE_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
