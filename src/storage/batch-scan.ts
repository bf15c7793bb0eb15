// Walks the batch headers of a file range in large chunks, without decoding records: the
// recovery scan (with CRC checks), index rebuilds and the short scan after an index lookup.
import {
  BATCH_HEADER_BYTES,
  BatchField,
  BatchHeader,
  LOG_OVERHEAD_BYTES,
  type BatchFrameProblem,
} from '../protocol/records/batch-header.js';
import { crc32c } from '../util/crc32c.js';
import type { FileHandle } from './fs/file-system.js';

/** What storage needs to know about one batch, read from its header. */
export interface BatchInfo {
  position: number;
  size: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  partitionLeaderEpoch: number;
}

export type ScanProblem = BatchFrameProblem;

export interface ScanResult {
  /** Position after the last batch accepted (or where the visitor stopped). */
  end: number;
  /** Why the scan stopped before `to`, if the bytes there are not a batch. */
  problem: ScanProblem | null;
}

export function batchInfo(h: BatchHeader, position: number): BatchInfo {
  return {
    position,
    size: h.totalSize,
    baseOffset: h.baseOffsetNumber,
    lastOffset: h.lastOffsetNumber,
    maxTimestamp: h.maxTimestampNumber,
    partitionLeaderEpoch: h.partitionLeaderEpoch,
  };
}

/**
 * Visits the batches in `[from, to)` of `file`. The visitor returns false to stop before the
 * batch it was shown (`end` is then that batch's position). With `verifyCrc`, every batch is
 * read whole and its CRC-32C checked, and the header the visitor gets spans the whole batch
 * (valid until the visitor returns or its promise settles).
 */
export async function scanBatches(
  file: FileHandle,
  range: { from: number; to: number },
  options: { verifyCrc: boolean; chunkBytes?: number },
  visit: (info: BatchInfo, header: BatchHeader) => boolean | void | Promise<boolean | void>,
): Promise<ScanResult> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  let chunk = Buffer.allocUnsafe(
    Math.max(BATCH_HEADER_BYTES, Math.min(chunkBytes, range.to - range.from)),
  );
  let chunkStart = 0;
  let chunkLen = 0;
  const load = async (pos: number, bytes: number): Promise<void> => {
    if (bytes > chunk.length) chunk = Buffer.allocUnsafe(bytes);
    chunkStart = pos;
    chunkLen = await file.read(chunk, 0, Math.min(chunk.length, range.to - pos), pos);
  };
  let pos = range.from;
  while (pos < range.to) {
    if (range.to - pos < BATCH_HEADER_BYTES) return { end: pos, problem: 'truncated-header' };
    if (pos < chunkStart || pos + BATCH_HEADER_BYTES > chunkStart + chunkLen) await load(pos, 0);
    if (chunkLen - (pos - chunkStart) < BATCH_HEADER_BYTES)
      return { end: pos, problem: 'truncated-header' };
    let at = pos - chunkStart;
    const batchLength = chunk.readInt32BE(at + BatchField.BatchLength);
    if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES)
      return { end: pos, problem: 'invalid-length' };
    const total = LOG_OVERHEAD_BYTES + batchLength;
    if (range.to - pos < total) return { end: pos, problem: 'truncated-batch' };
    if (chunk.readInt8(at + BatchField.Magic) !== 2)
      return { end: pos, problem: 'unsupported-magic' };
    if (options.verifyCrc) {
      if (pos + total > chunkStart + chunkLen) {
        await load(pos, total);
        at = 0;
        if (chunkLen < total) return { end: pos, problem: 'truncated-batch' };
      }
      const crc = crc32c(chunk.subarray(at + BatchField.Attributes, at + total));
      if (crc !== chunk.readUInt32BE(at + BatchField.Crc))
        return { end: pos, problem: 'corrupt-crc' };
    }
    const header = new BatchHeader(chunk, at);
    const verdict = visit(batchInfo(header, pos), header);
    // An asynchronous visitor is awaited before the chunk is reused.
    if ((verdict instanceof Promise ? await verdict : verdict) === false) {
      return { end: pos, problem: null };
    }
    pos += total;
  }
  return { end: pos, problem: null };
}
