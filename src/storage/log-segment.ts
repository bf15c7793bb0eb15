// One segment of a partition log: `<base offset>.log` holding batches exactly as on the wire,
// with its sparse `.index` and `.timeindex`. The segment knows its committed size; bytes past it
// (a write in progress, or garbage after a crash) are never read. Indexes live in memory and are
// written to their files on flush, roll and close; a missing or inconsistent index file is
// rebuilt from the log on load, so the files are an optimisation, never a source of truth.
import { LOG_OVERHEAD_BYTES, type BatchHeader } from '../protocol/records/batch-header.js';
import { scanBatches, type BatchInfo, type ScanProblem, type ScanResult } from './batch-scan.js';
import { baseName, joinPath, type FileHandle, type FileSystem } from './fs/file-system.js';
import { OFFSET_INDEX_ENTRY_BYTES, OffsetIndex } from './offset-index.js';
import type { BufferPool } from '../util/buffer-pool.js';
import { TIME_INDEX_ENTRY_BYTES, TimeIndex } from './time-index.js';

export const LOG_FILE_SUFFIX = '.log';
export const INDEX_FILE_SUFFIX = '.index';
export const TIME_INDEX_FILE_SUFFIX = '.timeindex';
/** The aborted-transaction index (aborted-txn-index.ts) and producer-state snapshots (producer-snapshot-file.ts). */
export const TXN_INDEX_FILE_SUFFIX = '.txnindex';
export const SNAPSHOT_FILE_SUFFIX = '.snapshot';
export const DELETED_FILE_SUFFIX = '.deleted';
export const CLEANED_FILE_SUFFIX = '.cleaned';
export const SWAP_FILE_SUFFIX = '.swap';

/** Kafka's file name for an offset: 20 digits, zero padded. */
export function offsetFileName(offset: number, suffix: string): string {
  return String(offset).padStart(20, '0') + suffix;
}

/** Bytes of a batch header up to and including lastOffsetDelta. */
const BATCH_PREFIX_BYTES = 27;
/** Largest offset distance from the base that a 4-byte relative index offset can hold. */
const MAX_RELATIVE_OFFSET = 2 ** 31 - 1;
/**
 * Appends up to this size are written on the event loop: a page-cache write of a few hundred
 * KiB takes microseconds, less than the thread-pool hop of an asynchronous write. Larger ones
 * go through the pool so one huge batch cannot stall every connection.
 */
const SYNC_WRITE_MAX_BYTES = 1 << 20;
/**
 * Reads up to this size from a segment this process has appended to are done on the event
 * loop too: such bytes are almost always still in the page cache, where a copy of a few MiB
 * costs less than the thread-pool round trip. Segments only loaded from disk may be cold, and
 * a read that waits for the disk must not stall every connection: those go through the pool.
 */
const SYNC_READ_MAX_BYTES = 8 << 20;

export interface SegmentSettings {
  indexIntervalBytes: number;
  segmentIndexBytes: number;
}

export interface SegmentRecovery {
  validBytes: number;
  truncatedBytes: number;
  problem: ScanProblem | 'offset-order' | null;
  batches: number;
}

export class LogSegment {
  readonly offsetIndex: OffsetIndex;
  readonly timeIndex: TimeIndex;
  /** Committed bytes of the log file. */
  size = 0;
  /** Last offset of the last batch, or -1 when empty. */
  lastOffset = -1;
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** Max timestamp of the first batch (what segment.ms measures from), or null when empty. */
  firstBatchTimestamp: number | null = null;
  private bytesSinceLastIndexEntry = 0;
  private persistedOffsetEntries = 0;
  private persistedTimeEntries = 0;
  private rewriteIndexes = true;
  /**
   * Whether index files of this segment may exist with entries in them (found at load, or
   * written with entries). Until then a segment without entries writes no index files.
   */
  private indexFilesMayHoldEntries = false;
  /** Whether this process has appended to the segment (its recent bytes are likely cached). */
  private appended = false;

  private constructor(
    readonly fs: FileSystem,
    readonly dir: string,
    readonly baseOffset: number,
    readonly log: FileHandle,
    private settings: SegmentSettings,
    /** When the segment was created (for segment.ms on an empty segment). */
    readonly createdMs: number,
    /** The random part of segment.ms for this segment (segment.jitter.ms). */
    readonly rollJitterMs: number,
  ) {
    this.offsetIndex = new OffsetIndex(
      baseOffset,
      Math.floor(settings.segmentIndexBytes / OFFSET_INDEX_ENTRY_BYTES),
    );
    this.timeIndex = new TimeIndex(
      baseOffset,
      Math.floor(settings.segmentIndexBytes / TIME_INDEX_ENTRY_BYTES),
    );
  }

  get logPath(): string {
    return joinPath(this.dir, offsetFileName(this.baseOffset, LOG_FILE_SUFFIX));
  }
  get indexPath(): string {
    return joinPath(this.dir, offsetFileName(this.baseOffset, INDEX_FILE_SUFFIX));
  }
  get timeIndexPath(): string {
    return joinPath(this.dir, offsetFileName(this.baseOffset, TIME_INDEX_FILE_SUFFIX));
  }
  /** The aborted-transaction index (written by the partition's transaction tracking). */
  get txnIndexPath(): string {
    return joinPath(this.dir, offsetFileName(this.baseOffset, TXN_INDEX_FILE_SUFFIX));
  }
  /** Offset the next batch of this segment would start at. */
  get nextOffset(): number {
    return this.lastOffset < 0 ? this.baseOffset : this.lastOffset + 1;
  }
  get isEmpty(): boolean {
    return this.size === 0;
  }

  static async create(
    fs: FileSystem,
    dir: string,
    options: {
      baseOffset: number;
      settings: SegmentSettings;
      nowMs: number;
      rollJitterMs: number;
      /** The folder is new: no old file can be there to empty. */
      fresh?: boolean;
    },
  ): Promise<LogSegment> {
    const path = joinPath(dir, offsetFileName(options.baseOffset, LOG_FILE_SUFFIX));
    const log = await fs.open(path, { create: true });
    if (options.fresh !== true) await log.truncate(0);
    return new LogSegment(
      fs,
      dir,
      options.baseOffset,
      log,
      options.settings,
      options.nowMs,
      options.rollJitterMs,
    );
  }

  /**
   * Opens an existing segment. With `recover`, every batch is checked (frame, CRC-32C, offsets
   * increasing from `minOffset`, below `maxOffset`) and the file is truncated at the first bad
   * byte; otherwise the
   * index files are trusted if consistent and rebuilt if not.
   */
  static async load(
    fs: FileSystem,
    dir: string,
    options: {
      baseOffset: number;
      settings: SegmentSettings;
      nowMs: number;
      rollJitterMs: number;
      recover: boolean;
      minOffset: number;
      /** Exclusive bound on offsets: the next segment's base offset. */
      maxOffset?: number;
      /** The folder's file names, when known: index files not among them are not read. */
      files?: ReadonlySet<string>;
    },
  ): Promise<{ segment: LogSegment; recovery: SegmentRecovery | null }> {
    const path = joinPath(dir, offsetFileName(options.baseOffset, LOG_FILE_SUFFIX));
    // The file was listed by the loader: its size comes from a stat, and its descriptor is
    // taken when the segment is first read or written (most segments of a big broker never are
    // between two restarts).
    const stat = await fs.stat(path);
    const log = await fs.open(path, stat === null ? { create: true } : { lazy: true });
    const segment = new LogSegment(
      fs,
      dir,
      options.baseOffset,
      log,
      options.settings,
      options.nowMs,
      options.rollJitterMs,
    );
    segment.size = stat === null ? await log.size() : stat.size;
    if (options.recover) {
      const limit = options.maxOffset ?? Number.MAX_SAFE_INTEGER;
      return { segment, recovery: await segment.recover(options.minOffset, limit) };
    }
    if (!(await segment.loadIndexes(options.files))) await segment.rebuildIndexes();
    await segment.loadFirstBatchTimestamp();
    return { segment, recovery: null };
  }

  /** Tracks one appended or scanned batch in the in-memory state and indexes. */
  private track(info: BatchInfo): void {
    if (this.firstBatchTimestamp === null) this.firstBatchTimestamp = info.maxTimestamp;
    if (info.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = info.maxTimestamp;
      this.offsetOfMaxTimestamp = info.lastOffset;
    }
    if (this.bytesSinceLastIndexEntry > this.settings.indexIntervalBytes) {
      this.offsetIndex.append(info.lastOffset, info.position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += info.size;
    this.lastOffset = info.lastOffset;
  }

  private resetState(): void {
    this.offsetIndex.truncateToPosition(0);
    this.timeIndex.truncateToOffset(this.baseOffset);
    this.lastOffset = -1;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.firstBatchTimestamp = null;
    this.bytesSinceLastIndexEntry = 0;
    this.rewriteIndexes = true;
  }

  /** Whether a batch range of `bytes` ending at `lastOffset` still fits this segment's limits. */
  canHold(bytes: number, lastOffset: number, segmentBytes: number): boolean {
    if (this.isEmpty) return lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET;
    return (
      this.size + bytes <= segmentBytes &&
      lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET &&
      !this.offsetIndex.isFull &&
      !this.timeIndex.isFull
    );
  }

  /**
   * Appends `bufs` (whole batches back to back, described by `infos` with positions relative to
   * their concatenation) with one vectored write at the committed end, then updates the
   * indexes. The infos' positions are rebased to file positions. A write small enough to be
   * synchronous is done on return (undefined, no promise: the produce path makes one such
   * write per partition and turn); a larger one returns the promise of its thread-pool write.
   */
  append(bufs: readonly Buffer[], infos: BatchInfo[]): Promise<void> | undefined {
    const at = this.size;
    let bytes = 0;
    for (const buf of bufs) bytes += buf.length;
    this.appended = true;
    if (bytes > SYNC_WRITE_MAX_BYTES) {
      return this.log.writev(bufs, at).then(() => this.commitAppend(infos, at, bytes));
    }
    this.log.writevSync(bufs, at);
    this.commitAppend(infos, at, bytes);
    return undefined;
  }

  /** After the write of `bytes` at `at`: index the batches, move the committed end. */
  private commitAppend(infos: BatchInfo[], at: number, bytes: number): void {
    for (const info of infos) {
      info.position += at;
      this.track(info);
    }
    this.size = at + bytes;
  }

  /** Up to `length` committed bytes at `position`, in a buffer from `buffers` when given. */
  async readBytes(position: number, length: number, buffers?: BufferPool): Promise<Buffer> {
    const len = Math.max(0, Math.min(length, this.size - position));
    const buf = buffers !== undefined && len > 0 ? buffers.acquire(len) : Buffer.allocUnsafe(len);
    let n: number;
    try {
      if (len === 0) n = 0;
      else if (this.appended && len <= SYNC_READ_MAX_BYTES) {
        n = this.log.readSync(buf, 0, len, position);
      } else n = await this.log.read(buf, 0, len, position);
    } catch (err) {
      buffers?.release(buf);
      throw err;
    }
    return n === len ? buf : buf.subarray(0, n);
  }

  /**
   * Bytes starting with the first batch whose last offset is >= `offset`: at least `maxBytes`
   * when the segment has them, and with `minOneBatch` at least that whole batch. Null when no
   * batch of this segment reaches `offset`. One read covers both the gap from the index entry
   * to the batch and the requested bytes, so a fetch usually costs a single system call.
   */
  async readFrom(
    offset: number,
    options: { maxBytes: number; minOneBatch: boolean; buffers?: BufferPool },
  ): Promise<Buffer | null> {
    const buffers = options.buffers;
    if (offset > this.lastOffset) return null;
    const start = this.offsetIndex.lookup(offset);
    // The index entry found starts at most an index interval plus a batch before the target.
    // Reading two intervals (plus up to 16 KiB for large fetches) covers that for batches up
    // to an interval (or 16 KiB) in size; larger ones cost a second read.
    const slack = 2 * this.settings.indexIntervalBytes + Math.min(16 * 1024, options.maxBytes);
    const buf = await this.readBytes(start, Math.max(options.maxBytes, 1) + slack, buffers);
    let pos = 0;
    while (buf.length - pos >= BATCH_PREFIX_BYTES) {
      const total = LOG_OVERHEAD_BYTES + buf.readInt32BE(pos + 8);
      const last = Number(buf.readBigInt64BE(pos)) + buf.readInt32BE(pos + 23);
      if (last >= offset) {
        const wanted = options.minOneBatch ? Math.max(options.maxBytes, total) : options.maxBytes;
        const have = buf.length - pos;
        // A little under maxBytes is fine (the consumer fetches again); a first batch cut
        // short is not.
        if (have >= wanted || have >= total || start + buf.length >= this.size) {
          return buf.subarray(pos, pos + Math.min(have, wanted));
        }
        buffers?.release(buf);
        return this.readBytes(start + pos, wanted, buffers);
      }
      pos += total;
    }
    buffers?.release(buf);
    // The batch lies past what was read (batches much larger than the index interval).
    const batch = await this.findBatch(offset);
    if (!batch) return null;
    return this.readBytes(
      batch.position,
      options.minOneBatch ? Math.max(options.maxBytes, batch.size) : options.maxBytes,
      buffers,
    );
  }

  /** The first batch whose last offset is >= `offset`, or null (index lookup, then a short scan). */
  async findBatch(offset: number): Promise<BatchInfo | null> {
    if (offset > this.lastOffset) return null;
    return this.scanFrom(this.offsetIndex.lookup(offset), (info) => info.lastOffset >= offset);
  }

  /** The first batch whose max timestamp is >= `timestamp`, or null. */
  async findBatchByTimestamp(timestamp: number): Promise<BatchInfo | null> {
    if (this.maxTimestamp < timestamp) return null;
    const start = this.offsetIndex.lookup(this.timeIndex.lookup(timestamp));
    return this.scanFrom(start, (info) => info.maxTimestamp >= timestamp);
  }

  /** The batch that starts at `position`. */
  async batchAt(position: number): Promise<BatchInfo | null> {
    return this.scanFrom(position, () => true);
  }

  private async scanFrom(
    position: number,
    match: (info: BatchInfo) => boolean,
  ): Promise<BatchInfo | null> {
    let found: BatchInfo | null = null;
    const chunkBytes = Math.min(64 * 1024, this.settings.indexIntervalBytes * 2 + 4096);
    await scanBatches(
      this.log,
      { from: position, to: this.size },
      { verifyCrc: false, chunkBytes },
      (info) => {
        if (!match(info)) return true;
        found = info;
        return false;
      },
    );
    return found;
  }

  /**
   * Visits every batch of the segment in order. With `whole`, the header spans the whole batch
   * (its CRC is checked on the way); otherwise only headers are read. The result says where the
   * walk ended and, when bytes that are not a valid batch stopped it, why.
   */
  async forEachBatch(
    visit: (info: BatchInfo, header: BatchHeader) => boolean | void | Promise<boolean | void>,
    options: { whole?: boolean } = {},
  ): Promise<ScanResult> {
    const whole = options.whole === true;
    return scanBatches(
      this.log,
      { from: 0, to: this.size },
      { verifyCrc: whole, chunkBytes: 1024 * 1024 },
      visit,
    );
  }

  /**
   * Removes the batches whose last offset is >= `offset` (the whole batch holding `offset`).
   * Returns the number of bytes removed.
   */
  async truncateTo(offset: number): Promise<number> {
    const batch = await this.findBatch(offset);
    if (!batch) return 0;
    const removed = this.size - batch.position;
    await this.log.truncate(batch.position);
    this.size = batch.position;
    await this.rebuildIndexes();
    return removed;
  }

  /** Rebuilds the in-memory state and indexes from the log bytes (frames only, no CRC). */
  async rebuildIndexes(): Promise<void> {
    this.resetState();
    const r = await scanBatches(
      this.log,
      { from: 0, to: this.size },
      { verifyCrc: false, chunkBytes: 1024 * 1024 },
      (info) => this.track(info),
    );
    if (r.end !== this.size) {
      // Bytes that are not batches past the end: a segment loaded without recovery from a log
      // that was never checked. Drop them rather than serve them.
      await this.log.truncate(r.end);
      this.size = r.end;
    }
  }

  /** The recovery scan: see {@link LogSegment.load}. */
  private async recover(minOffset: number, maxOffset: number): Promise<SegmentRecovery> {
    this.resetState();
    // The files were not read: whatever they hold is rewritten after the scan.
    this.indexFilesMayHoldEntries = true;
    let previousLast = minOffset - 1;
    let batches = 0;
    let orderBroken = false;
    const r = await scanBatches(
      this.log,
      { from: 0, to: this.size },
      { verifyCrc: true, chunkBytes: 8 * 1024 * 1024 },
      (info) => {
        const ok =
          info.baseOffset > previousLast &&
          info.baseOffset >= this.baseOffset &&
          info.lastOffset >= info.baseOffset &&
          info.lastOffset < maxOffset &&
          info.lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET;
        if (!ok) {
          orderBroken = true;
          return false;
        }
        previousLast = info.lastOffset;
        batches++;
        this.track(info);
        return true;
      },
    );
    const truncatedBytes = this.size - r.end;
    if (truncatedBytes > 0) {
      await this.log.truncate(r.end);
      this.size = r.end;
    }
    return {
      validBytes: r.end,
      truncatedBytes,
      problem: orderBroken ? 'offset-order' : r.problem,
      batches,
    };
  }

  /** Reads and checks the index files; false when they must be rebuilt. */
  private async loadIndexes(files?: ReadonlySet<string>): Promise<boolean> {
    const known = (path: string): boolean => files === undefined || files.has(baseName(path));
    const [indexBuf, timeBuf] = await Promise.all([
      known(this.indexPath) ? this.fs.readFile(this.indexPath) : null,
      known(this.timeIndexPath) ? this.fs.readFile(this.timeIndexPath) : null,
    ]);
    if ((indexBuf?.length ?? 0) > 0 || (timeBuf?.length ?? 0) > 0) {
      this.indexFilesMayHoldEntries = true;
    }
    if (!indexBuf || !timeBuf) return false;
    const offsets = OffsetIndex.decode(indexBuf, {
      baseOffset: this.baseOffset,
      maxEntries: this.offsetIndex.maxEntries,
      logBytes: this.size,
    });
    if (!offsets) return false;
    // The last entry must name the batch found at its position, and the batches after it are
    // scanned to learn the end of the segment: a few kilobytes at most.
    const from = offsets.entries === 0 ? 0 : offsets.lastPosition;
    let firstSeen: BatchInfo | null = null;
    const tail: BatchInfo[] = [];
    const r = await scanBatches(this.log, { from, to: this.size }, { verifyCrc: false }, (info) => {
      firstSeen ??= info;
      tail.push(info);
    });
    if (r.end !== this.size) return false;
    if (offsets.entries > 0 && (firstSeen as BatchInfo | null)?.lastOffset !== offsets.lastOffset)
      return false;
    const lastOffset = tail.length > 0 ? tail[tail.length - 1]!.lastOffset : -1;
    const times = TimeIndex.decode(timeBuf, {
      baseOffset: this.baseOffset,
      maxEntries: this.timeIndex.maxEntries,
      lastOffset,
    });
    if (!times) return false;
    this.adoptIndexes(offsets, times, tail);
    return true;
  }

  private adoptIndexes(offsets: OffsetIndex, times: TimeIndex, tail: BatchInfo[]): void {
    this.resetState();
    copyOffsetIndex(offsets, this.offsetIndex);
    copyTimeIndex(times, this.timeIndex);
    this.maxTimestamp = times.lastTimestamp;
    this.offsetOfMaxTimestamp = times.lastOffset;
    this.persistedOffsetEntries = offsets.entries;
    this.persistedTimeEntries = times.entries;
    this.rewriteIndexes = false;
    // Replays the tail after the last index entry; its first batch is the indexed one itself.
    for (const [i, info] of tail.entries()) {
      if (i === 0 && offsets.entries > 0) {
        if (info.maxTimestamp > this.maxTimestamp) {
          this.maxTimestamp = info.maxTimestamp;
          this.offsetOfMaxTimestamp = info.lastOffset;
        }
        this.lastOffset = info.lastOffset;
        this.bytesSinceLastIndexEntry = info.size;
        continue;
      }
      this.track(info);
    }
    if (this.lastOffset < 0 && offsets.entries > 0) this.lastOffset = offsets.lastOffset;
  }

  private async loadFirstBatchTimestamp(): Promise<void> {
    if (this.size === 0) return;
    const first = await this.batchAt(0);
    this.firstBatchTimestamp = first ? first.maxTimestamp : null;
  }

  /**
   * Writes index entries not yet in the index files; the whole files after a rebuild or
   * truncation. With `final`, also records the segment's max timestamp in the time index
   * (as Kafka does when a segment is rolled) and fsyncs the index files.
   */
  async persistIndexes(options: { final?: boolean } = {}): Promise<void> {
    // A segment without index entries (empty, or under index.interval.bytes of batches, as
    // most partitions of a big broker are) needs no index files: loading rebuilds them from
    // those few bytes. Files that may hold older entries are still emptied.
    if (
      this.offsetIndex.entries === 0 &&
      this.timeIndex.entries === 0 &&
      !this.indexFilesMayHoldEntries
    ) {
      return;
    }
    if (
      options.final &&
      this.maxTimestamp > this.timeIndex.lastTimestamp &&
      this.offsetOfMaxTimestamp > this.timeIndex.lastOffset
    ) {
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp);
    }
    const rewrite = this.rewriteIndexes;
    const offFrom = rewrite ? 0 : this.persistedOffsetEntries;
    const timeFrom = rewrite ? 0 : this.persistedTimeEntries;
    const sync = options.final === true;
    await writeIndexFile(
      this.fs,
      this.indexPath,
      this.offsetIndex.encode(offFrom),
      offFrom * OFFSET_INDEX_ENTRY_BYTES,
      sync,
    );
    await writeIndexFile(
      this.fs,
      this.timeIndexPath,
      this.timeIndex.encode(timeFrom),
      timeFrom * TIME_INDEX_ENTRY_BYTES,
      sync,
    );
    this.indexFilesMayHoldEntries = this.offsetIndex.entries > 0 || this.timeIndex.entries > 0;
    this.persistedOffsetEntries = this.offsetIndex.entries;
    this.persistedTimeEntries = this.timeIndex.entries;
    this.rewriteIndexes = false;
  }

  sync(): Promise<void> {
    return this.log.sync();
  }

  close(): Promise<void> {
    return this.log.close();
  }

  /** Renames the segment's files to `<name>.deleted`; the caller unlinks them later. */
  async markDeleted(): Promise<string[]> {
    const renamed: string[] = [];
    for (const path of [this.logPath, this.indexPath, this.timeIndexPath, this.txnIndexPath]) {
      if (await this.fs.stat(path)) {
        await this.fs.rename(path, path + '.deleted');
        renamed.push(path + '.deleted');
      }
    }
    return renamed;
  }
}

async function writeIndexFile(
  fs: FileSystem,
  path: string,
  bytes: Buffer,
  position: number,
  sync: boolean,
): Promise<void> {
  const handle = await fs.open(path, { create: true });
  try {
    if ((await handle.size()) !== position) await handle.truncate(position);
    if (bytes.length > 0) await handle.writev([bytes], position);
    if (sync) await handle.sync();
  } finally {
    await handle.close();
  }
}

function copyOffsetIndex(from: OffsetIndex, to: OffsetIndex): void {
  const buf = from.encode();
  for (let p = 0; p < buf.length; p += OFFSET_INDEX_ENTRY_BYTES) {
    to.append(from.baseOffset + buf.readInt32BE(p), buf.readInt32BE(p + 4));
  }
}

function copyTimeIndex(from: TimeIndex, to: TimeIndex): void {
  const buf = from.encode();
  for (let p = 0; p < buf.length; p += TIME_INDEX_ENTRY_BYTES) {
    to.maybeAppend(Number(buf.readBigInt64BE(p)), from.baseOffset + buf.readInt32BE(p + 8));
  }
}
