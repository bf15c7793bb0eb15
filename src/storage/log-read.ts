// The read side of a partition log: Fetch reads and ListOffsets lookups. Both work on a
// snapshot (the segment list and offsets at the time of the call), so they run concurrently
// with appends, rolls and retention without locks.
import { BatchField } from '../protocol/records/batch-header.js';
import { decodeRecordBatch } from '../protocol/records/record-batch.js';
import { RecordDecodeError } from '../protocol/records/record-decode-error.js';
import type { BatchInfo } from './batch-scan.js';
import type { LogSegment } from './log-segment.js';
import type { BufferPool } from '../util/buffer-pool.js';
import {
  EARLIEST_LOCAL_TIMESTAMP,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  MAX_TIMESTAMP,
  type ReadResult,
  type TimestampOffset,
} from './results.js';

export interface ReadOptions {
  maxBytes: number;
  /** Exclusive upper bound (high watermark or last stable offset); default the log end. */
  maxOffset?: number;
  /** Return the first batch even if it is larger than maxBytes (default true). */
  minOneBatch?: boolean;
  /**
   * Where to take the read buffer from; the records returned are then a view of a buffer of
   * this pool, which the caller releases once it has sent them.
   */
  buffers?: BufferPool;
}

export interface LogSnapshot {
  segments: readonly LogSegment[];
  logStartOffset: number;
  logEndOffset: number;
}

/** ListOffsets over a snapshot of the log; see PartitionLog.offsetForTimestamp. */
export async function offsetForTimestamp(
  log: LogSnapshot,
  timestamp: number,
): Promise<TimestampOffset | null> {
  if (timestamp === EARLIEST_TIMESTAMP || timestamp === EARLIEST_LOCAL_TIMESTAMP) {
    return { offset: log.logStartOffset, timestamp: -1 };
  }
  if (timestamp === LATEST_TIMESTAMP) return { offset: log.logEndOffset, timestamp: -1 };
  const segments = log.segments;
  if (timestamp === MAX_TIMESTAMP) {
    let best: LogSegment | null = null;
    for (const s of segments)
      if (!s.isEmpty && (best === null || s.maxTimestamp > best.maxTimestamp)) best = s;
    if (!best || best.offsetOfMaxTimestamp < log.logStartOffset) return null;
    const batch = await best.findBatch(best.offsetOfMaxTimestamp);
    if (!batch) return null;
    const maxTs = best.maxTimestamp;
    return recordIn(best, batch, (r) => r.timestamp >= maxTs, log.logStartOffset);
  }
  if (timestamp < 0) return null;
  for (const s of segments) {
    if (s.maxTimestamp < timestamp || s.nextOffset <= log.logStartOffset) continue;
    const batch = await s.findBatchByTimestamp(timestamp);
    if (batch && batch.lastOffset >= log.logStartOffset) {
      return recordIn(s, batch, (r) => r.timestamp >= timestamp, log.logStartOffset);
    }
  }
  return null;
}

/**
 * ListOffsets answers name a record, not a batch: the first record of `batch` (at or after the
 * log start offset) that `matches`. Batches that do not decode answer with their base offset
 * and max timestamp.
 */
async function recordIn(
  segment: LogSegment,
  batch: BatchInfo,
  matches: (r: { timestamp: number }) => boolean,
  logStartOffset: number,
): Promise<TimestampOffset> {
  const result: TimestampOffset = {
    offset: Math.max(batch.baseOffset, logStartOffset),
    timestamp: batch.maxTimestamp,
  };
  if (batch.partitionLeaderEpoch >= 0) result.leaderEpoch = batch.partitionLeaderEpoch;
  try {
    const bytes = await segment.readBytes(batch.position, batch.size);
    const decoded = await decodeRecordBatch(bytes, { verifyCrc: false });
    const found = decoded.records.find((r) => Number(r.offset) >= logStartOffset && matches(r));
    if (found) {
      result.offset = Number(found.offset);
      result.timestamp = found.timestamp;
    }
  } catch (err) {
    if (!(err instanceof RecordDecodeError)) throw err;
  }
  return result;
}

/** The fetch path over a snapshot of the log; see PartitionLog.read. */
export async function readLog(
  log: LogSnapshot,
  fetchOffset: number,
  options: ReadOptions,
): Promise<ReadResult> {
  const { segments, logStartOffset, logEndOffset } = log;
  const empty = Buffer.alloc(0);
  if (fetchOffset < logStartOffset || fetchOffset > logEndOffset) {
    return { error: 'OFFSET_OUT_OF_RANGE', records: empty, logStartOffset, logEndOffset };
  }
  const maxOffset = Math.min(options.maxOffset ?? logEndOffset, logEndOffset);
  const ok = (records: Buffer): ReadResult => ({
    error: null,
    records,
    logStartOffset,
    logEndOffset,
  });
  if (fetchOffset >= maxOffset) return ok(empty);
  for (let i = segmentIndexFor(segments, fetchOffset); i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.baseOffset >= maxOffset) break;
    const bytes = await segment.readFrom(fetchOffset, {
      maxBytes: options.maxBytes,
      minOneBatch: options.minOneBatch !== false,
      buffers: options.buffers,
    });
    if (!bytes) continue;
    return ok(wholeBatchesBelow(bytes, maxOffset));
  }
  return ok(empty);
}

/** Index of the last segment whose base offset is <= `offset` (binary search), or 0. */
export function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The longest prefix of `buf` made of whole batches whose last offset is below `maxOffset`. */
function wholeBatchesBelow(buf: Buffer, maxOffset: number): Buffer {
  let pos = 0;
  while (buf.length - pos >= BatchField.LastOffsetDelta + 4) {
    const total = 12 + buf.readInt32BE(pos + BatchField.BatchLength);
    if (total > buf.length - pos) break;
    const last =
      Number(buf.readBigInt64BE(pos)) + buf.readInt32BE(pos + BatchField.LastOffsetDelta);
    if (last >= maxOffset) break;
    pos += total;
  }
  return buf.subarray(0, pos);
}
