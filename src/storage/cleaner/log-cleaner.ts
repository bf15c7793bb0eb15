// Log compaction (cleanup.policy=compact): keep the newest record of every key. One pass:
//  1. Find the dirty part: from the cleaner checkpoint to the first uncleanable offset (the
//     active segment, or the first segment with records younger than min.compaction.lag.ms).
//  2. Map key -> newest offset over whole dirty segments, as many as the bounded key map holds.
//  3. Rewrite every segment below the end of the mapped part, in groups that fit one segment:
//     drop records whose key has a newer offset, drop tombstones older than delete.retention.ms
//     that a previous pass already kept once, keep offsets as they were (gaps are normal), keep
//     the last batch of each producer (emptied if need be) so idempotence state survives.
//  4. Swap each group in through the crash-safe `.cleaned` -> `.swap` -> `.log` renames.
// Memory is bounded by the key map and one read chunk; output is streamed to disk.
import {
  BatchField,
  LOG_OVERHEAD_BYTES,
  type BatchHeader,
} from '../../protocol/records/batch-header.js';
import { crc32c } from '../../util/crc32c.js';
import type { BatchInfo } from '../batch-scan.js';
import { joinPath } from '../fs/file-system.js';
import { LogSegment, offsetFileName } from '../log-segment.js';
import type { PartitionLog } from '../partition-log.js';
import type { CleanerCodec, CleanerRecord } from './cleaner-codec.js';
import { KeyMap } from './key-map.js';

export interface CleanableRange {
  firstDirtyOffset: number;
  firstUncleanableOffset: number;
  cleanBytes: number;
  dirtyBytes: number;
  /** dirty / (clean + dirty): compared with min.cleanable.dirty.ratio. */
  dirtyRatio: number;
  /** Whether a dirty record has waited longer than max.compaction.lag.ms. */
  overdue: boolean;
}

export interface CleanResult {
  /** The new cleaner checkpoint: where the dirty part now starts. */
  firstDirtyOffset: number;
  segmentsCleaned: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRemoved: number;
}

/** The part of the log a cleaning pass may work on, and whether it is worth cleaning. */
export function cleanableRange(
  log: PartitionLog,
  checkpoint: number,
  nowMs: number,
): CleanableRange {
  const segments = log.segmentList;
  const active = segments[segments.length - 1]!;
  const firstDirtyOffset = Math.min(
    Math.max(checkpoint, segments[0]!.baseOffset),
    active.baseOffset,
  );
  let firstUncleanableOffset = active.baseOffset;
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let overdue = false;
  const { minCompactionLagMs, maxCompactionLagMs } = log.config;
  for (const [i, s] of segments.entries()) {
    const next = segments[i + 1];
    if (!next) break;
    if (next.baseOffset <= firstDirtyOffset) {
      cleanBytes += s.size;
      continue;
    }
    if (s.baseOffset >= firstUncleanableOffset) break;
    if (minCompactionLagMs > 0 && s.maxTimestamp > nowMs - minCompactionLagMs) {
      firstUncleanableOffset = s.baseOffset;
      break;
    }
    dirtyBytes += s.size;
    const first = s.firstBatchTimestamp;
    if (first !== null && first >= 0 && nowMs - first > maxCompactionLagMs) overdue = true;
  }
  const total = cleanBytes + dirtyBytes;
  return {
    firstDirtyOffset,
    firstUncleanableOffset,
    cleanBytes,
    dirtyBytes,
    dirtyRatio: total === 0 ? 0 : dirtyBytes / total,
    overdue: overdue && dirtyBytes > 0,
  };
}

/** Whether `range` calls for a pass under the log's min.cleanable.dirty.ratio and lags. */
export function needsCleaning(log: PartitionLog, range: CleanableRange): boolean {
  if (range.dirtyBytes === 0) return false;
  return range.overdue || range.dirtyRatio >= log.config.minCleanableDirtyRatio;
}

interface PassState {
  map: KeyMap;
  firstDirtyOffset: number;
  /** Producer id -> base offset of its last batch in the log. */
  lastBatchOfProducer: Map<bigint, number>;
  deleteHorizonMs: number;
  result: CleanResult;
}

/** One cleaning pass over `log`; see the file comment. */
export async function cleanLog(
  log: PartitionLog,
  codec: CleanerCodec,
  options: { checkpoint: number; nowMs: number; dedupeBufferBytes: number },
): Promise<CleanResult> {
  const range = cleanableRange(log, options.checkpoint, options.nowMs);
  const result: CleanResult = {
    firstDirtyOffset: range.firstDirtyOffset,
    segmentsCleaned: 0,
    bytesRead: 0,
    bytesWritten: 0,
    recordsRemoved: 0,
  };
  if (range.firstDirtyOffset >= range.firstUncleanableOffset) return result;
  const map = new KeyMap(options.dedupeBufferBytes);
  const mapEnd = await buildKeyMap(log, map, range, codec);
  if (mapEnd <= range.firstDirtyOffset) return result;
  const state: PassState = {
    map,
    firstDirtyOffset: range.firstDirtyOffset,
    lastBatchOfProducer: await lastBatchOfEachProducer(log),
    deleteHorizonMs: options.nowMs - log.config.deleteRetentionMs,
    result,
  };
  const toClean = log.segmentList.filter((s) => s.baseOffset < mapEnd);
  for (const group of groupSegments(toClean, log.config.segmentBytes)) {
    const next = log.segmentList.find((s) => s.baseOffset > group[group.length - 1]!.baseOffset);
    if (!next) break;
    await cleanGroup(log, codec, group, next.baseOffset, state);
  }
  result.firstDirtyOffset = mapEnd;
  return result;
}

/**
 * Fills the map from whole dirty segments; returns the offset where the mapped part ends.
 * Records of a transaction enter the map only when its COMMIT marker is seen: an aborted or
 * still open transaction must not make older committed values disappear.
 */
async function buildKeyMap(
  log: PartitionLog,
  map: KeyMap,
  range: CleanableRange,
  codec: CleanerCodec,
): Promise<number> {
  const segments = log.segmentList;
  const txns = new PendingTransactions(map.capacityBytes);
  let mapEnd = range.firstDirtyOffset;
  for (const [i, segment] of segments.entries()) {
    const next = segments[i + 1];
    if (!next || next.baseOffset <= range.firstDirtyOffset) continue;
    if (segment.baseOffset >= range.firstUncleanableOffset) break;
    let full = false;
    await scanWhole(
      segment,
      async (_info, h) => {
        const records = await codec.records(h.buf.subarray(h.pos, h.pos + h.totalSize));
        if (h.isControl) {
          const type = records[0]?.key?.length === 4 ? records[0].key.readInt16BE(2) : -1;
          if (h.isTransactional && (type === ABORT || type === COMMIT)) {
            full = !txns.end(h.producerId, type === COMMIT, map);
          }
          return !full;
        }
        for (const r of records) {
          if (r.key === null) continue;
          const ok = h.isTransactional
            ? txns.add(h.producerId, r.key, r.offset, map)
            : map.put(r.key, r.offset);
          if (!ok) {
            full = true;
            return false;
          }
        }
        return true;
      },
      true,
    );
    // Entries from a segment that did not fit stay: they only point at newer records.
    if (full) break;
    mapEnd = next.baseOffset;
  }
  return Math.min(mapEnd, range.firstUncleanableOffset);
}

const ABORT = 0;
const COMMIT = 1;

/** Keys written by open transactions, held until their marker; counted against the map's budget. */
class PendingTransactions {
  private readonly byProducer = new Map<bigint, { key: Buffer; offset: number }[]>();
  private bytes = 0;
  constructor(private readonly capacityBytes: number) {}

  add(producerId: bigint, key: Buffer, offset: number, map: KeyMap): boolean {
    if (map.bytesUsed + this.bytes + key.length + 64 > this.capacityBytes) return false;
    this.bytes += key.length + 64;
    let list = this.byProducer.get(producerId);
    if (!list) this.byProducer.set(producerId, (list = []));
    // The key is a view into a read buffer that is about to be reused.
    list.push({ key: Buffer.from(key), offset });
    return true;
  }

  /** Applies (commit) or forgets (abort) a producer's open transaction; false if the map is full. */
  end(producerId: bigint, commit: boolean, map: KeyMap): boolean {
    const list = this.byProducer.get(producerId) ?? [];
    this.byProducer.delete(producerId);
    for (const e of list) this.bytes -= e.key.length + 64;
    if (!commit) return true;
    return list.every((e) => map.put(e.key, e.offset));
  }
}

async function lastBatchOfEachProducer(log: PartitionLog): Promise<Map<bigint, number>> {
  const last = new Map<bigint, number>();
  for (const segment of log.segmentList) {
    await scanWhole(
      segment,
      (info, h) => {
        if (h.producerId >= 0n) last.set(h.producerId, info.baseOffset);
      },
      false,
    );
  }
  return last;
}

/** Consecutive segments whose cleaned bytes surely fit one segment (at most their sum). */
function groupSegments(segments: readonly LogSegment[], segmentBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let current: LogSegment[] = [];
  let bytes = 0;
  for (const s of segments) {
    const span = s.nextOffset - (current[0]?.baseOffset ?? s.baseOffset);
    if (current.length > 0 && (bytes + s.size > segmentBytes || span > 2 ** 31 - 1)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(s);
    bytes += s.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

async function cleanGroup(
  log: PartitionLog,
  codec: CleanerCodec,
  group: LogSegment[],
  nextBaseOffset: number,
  state: PassState,
): Promise<void> {
  const base = group[0]!.baseOffset;
  const cleanedPath = joinPath(log.dir, offsetFileName(base, '.log.cleaned'));
  const out = await log.fs.open(cleanedPath, { create: true });
  let written = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const drain = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    await out.writev(pending, written);
    written += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  try {
    await out.truncate(0);
    for (const segment of group) {
      state.result.bytesRead += segment.size;
      await scanWhole(
        segment,
        async (info, h) => {
          const kept = await filterBatch(codec, info, h, state);
          if (kept) {
            pending.push(kept);
            pendingBytes += kept.length;
            if (pendingBytes >= 1024 * 1024) await drain();
          }
        },
        true,
      );
    }
    await drain();
    await out.sync();
  } catch (err) {
    // A pass that failed (a damaged segment, a full disk) must not keep the space its partial
    // output took.
    await out.close().catch(() => undefined);
    await log.fs.unlink(cleanedPath).catch(() => false);
    throw err;
  }
  await out.close();
  state.result.bytesWritten += written;
  state.result.segmentsCleaned += group.length;
  const swapped = await log.swapCleaned(group, {
    cleanedPath,
    lastCoveredOffset: nextBaseOffset - 1,
  });
  if (!swapped) await log.fs.unlink(cleanedPath);
}

/**
 * A segment the cleaner cannot read to its end (a bad frame or CRC). Cleaning it would drop
 * every batch after the damage, so the pass stops instead and the partition is reported.
 */
export class CorruptSegmentError extends Error {
  override readonly name = 'CorruptSegmentError';
}

/** Visits every batch of `segment` (whole, CRC-checked, or headers only), all of them or throws. */
async function scanWhole(
  segment: LogSegment,
  visit: (info: BatchInfo, h: BatchHeader) => boolean | void | Promise<boolean | void>,
  whole: boolean,
): Promise<void> {
  const r = await segment.forEachBatch(visit, { whole });
  if (r.problem !== null) {
    throw new CorruptSegmentError(
      `${segment.logPath}: ${r.problem} at position ${r.end} of ${segment.size} bytes`,
    );
  }
}

/** The bytes to keep for one batch (itself, rebuilt, emptied), or null to drop it. */
async function filterBatch(
  codec: CleanerCodec,
  info: BatchInfo,
  h: BatchHeader,
  state: PassState,
): Promise<Buffer | null> {
  const batch = h.buf.subarray(h.pos, h.pos + h.totalSize);
  // Transaction markers are kept. Kafka's cleaner drops them after delete.retention.ms, once
  // the transaction's records are gone; this cleaner keeps aborted records too (storage.md).
  if (h.isControl || h.recordCount === 0) return Buffer.from(batch);
  const records = await codec.records(batch);
  const keep: number[] = [];
  for (const [i, r] of records.entries()) if (retain(r, state)) keep.push(i);
  state.result.recordsRemoved += records.length - keep.length;
  if (keep.length === records.length) return Buffer.from(batch);
  if (keep.length > 0) return codec.rebuild(batch, keep);
  const isLastOfProducer =
    h.producerId >= 0n && state.lastBatchOfProducer.get(h.producerId) === info.baseOffset;
  return isLastOfProducer ? emptiedBatch(batch) : null;
}

function retain(r: CleanerRecord, state: PassState): boolean {
  if (r.key === null) return true;
  const newest = state.map.get(r.key);
  if (newest !== undefined && newest > r.offset) return false;
  // A tombstone stays for delete.retention.ms, and at least until one pass has kept it, so
  // a consumer reading from the start gets to see the delete.
  const expired =
    r.isTombstone && r.offset < state.firstDirtyOffset && r.timestamp < state.deleteHorizonMs;
  return !expired;
}

/**
 * The batch's header alone, with no records: what Kafka keeps of a producer's last batch so
 * the producer's sequence numbers and epoch survive compaction.
 */
export function emptiedBatch(batch: Buffer): Buffer {
  const out = Buffer.from(batch.subarray(0, 61));
  out.writeInt32BE(61 - LOG_OVERHEAD_BYTES, BatchField.BatchLength);
  out.writeInt32BE(0, BatchField.RecordCount);
  // With no records there is nothing to compress (Kafka writes empty headers uncompressed).
  out.writeInt16BE(out.readInt16BE(BatchField.Attributes) & ~0x07, BatchField.Attributes);
  // The header keeps lastOffsetDelta, so the batch still covers the producer's offsets and
  // sequence numbers; only the CRC changes.
  out.writeUInt32BE(crc32c(out.subarray(BatchField.Attributes)), BatchField.Crc);
  return out;
}
