// A partition's log: an ordered list of segments, the last one active. Appends are serialised
// through one queue (one vectored write per call); reads run concurrently and only ever see
// bytes below the committed log end offset. Segment lists are replaced, never mutated, so a
// reader keeps a consistent snapshot while an append rolls or retention deletes. Flushing and
// the recovery point are LogFlusher's (log-flusher.ts); which segments retention deletes, and
// the delayed removal of their files, are log-retention.ts's.
import assert from 'node:assert/strict';
import { SerialQueue } from '../util/serial-queue.js';
import { BatchAttribute, BatchField, BatchHeader } from '../protocol/records/batch-header.js';
import { batchInfo, type BatchInfo } from './batch-scan.js';
import {
  silentLogger,
  systemClock,
  systemRandom,
  type Clock,
  type StorageLogger,
  type Timers,
  systemTimers,
} from './environment.js';
import { joinPath, type FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import {
  LOG_FILE_SUFFIX,
  LogSegment,
  SWAP_FILE_SUFFIX,
  offsetFileName,
  type SegmentSettings,
} from './log-segment.js';
import { LogFlusher, flushAfterAppend } from './log-flusher.js';
import {
  SegmentDeleter,
  retentionSteps,
  segmentsBelowLogStart,
  type RetentionReason,
} from './log-retention.js';
import { loadSegments } from './log-loader.js';
import { offsetForTimestamp, readLog, type LogSnapshot, type ReadOptions } from './log-read.js';
import { isStorageFailure, untrackedHealth, type DirHealth } from './storage-health.js';
import {
  LogStorageError,
  type AppendResult,
  type DeleteRecordsResult,
  type ReadResult,
  type TimestampOffset,
} from './results.js';

export interface AppendOptions {
  /** Written into each batch's partitionLeaderEpoch when given. */
  leaderEpoch?: number;
  /** The time to stamp for LogAppendTime topics (default: the clock). */
  logAppendTimeMs?: number;
  /** Patch base offsets from the log end offset (default true); false for follower appends. */
  assignOffsets?: boolean;
  /**
   * Header views the caller already holds: `headers[i]` views the batch at the start of
   * `batches[i]` (the produce path parses each header once and passes it down).
   */
  headers?: readonly BatchHeader[];
}

export interface PartitionLogOptions {
  fs: FileSystem;
  /** The partition's folder, `<log dir>/<topic>-<partition>`. */
  dir: string;
  topic: string;
  partition: number;
  config: LogConfig;
  clock?: Clock;
  logger?: StorageLogger;
  scheduler?: Timers;
  random?: () => number;
  /** From the log-start-offset checkpoint. */
  logStartOffset?: number;
  /** From the recovery-point checkpoint: everything below it was flushed. */
  recoveryPoint?: number;
  /** Whether the log dir had a clean-shutdown marker (skips the recovery scan). */
  cleanShutdown?: boolean;
  /** Told of every failed and successful write, to log a failing disk once (see StorageHealth). */
  health?: DirHealth;
  /** The folder's entries were never fsynced (a new log): the first flush does it. */
  unsyncedDir?: boolean;
  /** Told how long each successful flush took (the broker's flush-time metric). */
  onFlushed?: (durationMs: number) => void;
  /** The folder was just made and is empty: create the first segment without loading. */
  fresh?: boolean;
  /** The folder is known to exist (listed or just made): no need to make it. */
  dirExists?: boolean;
}

interface PreparedAppend {
  infos: BatchInfo[];
  lastOffset: number;
  maxTimestamp: number;
  appendTimeMs: number;
  /** Bytes of all the buffers. */
  bytes: number;
}

export class PartitionLog {
  private segments: readonly LogSegment[];
  private _logStartOffset: number;
  private _logEndOffset: number;
  private readonly queue = new SerialQueue();
  private _truncations = 0;
  private readonly background = new Set<Promise<unknown>>();
  private closed = false;
  /** Created in a new, empty folder by this process (nothing on disk to load for it). */
  readonly fresh: boolean;
  private filesAtOpen: ReadonlySet<string> | null = null;
  config: LogConfig;
  readonly fs: FileSystem;
  readonly dir: string;
  readonly topic: string;
  readonly partition: number;
  private readonly clock: Clock;
  private readonly logger: StorageLogger;
  private readonly scheduler: Timers;
  private readonly random: () => number;
  private readonly health: DirHealth;
  /** flush.messages, flush.ms, group commits and the recovery point. */
  private readonly flusher: LogFlusher;
  /** Removes deleted segments' files after file.delete.delay.ms. */
  private readonly deleter: SegmentDeleter;
  /** A segment whose file still holds bytes of a failed write past its committed size. */
  private uncut: LogSegment | null = null;

  private constructor(
    options: PartitionLogOptions,
    segments: LogSegment[],
    logStartOffset: number,
    recoveryPoint: number,
  ) {
    this.fs = options.fs;
    this.dir = options.dir;
    this.topic = options.topic;
    this.partition = options.partition;
    this.config = options.config;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.scheduler = options.scheduler ?? systemTimers;
    this.random = options.random ?? systemRandom.next;
    this.health = options.health ?? untrackedHealth;
    this.segments = segments;
    this._logEndOffset = segments[segments.length - 1]!.nextOffset;
    this._logStartOffset = Math.min(
      Math.max(logStartOffset, segments[0]!.baseOffset),
      this._logEndOffset,
    );
    this.flusher = new LogFlusher(this, {
      fs: this.fs,
      dir: this.dir,
      clock: this.clock,
      logger: this.logger,
      health: this.health,
      recoveryPoint: Math.min(recoveryPoint, this._logEndOffset),
      unsyncedDir: options.unsyncedDir === true,
      onFlushed: options.onFlushed,
    });
    this.deleter = new SegmentDeleter({
      fs: this.fs,
      scheduler: this.scheduler,
      inBackground: (task) => this.inBackground(task),
    });
    this.fresh = options.fresh === true;
  }

  /** Opens (recovering if needed) or creates the log in `options.dir`. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const clock = options.clock ?? systemClock;
    const random = options.random ?? systemRandom.next;
    if (options.fresh === true) {
      const start = Math.max(0, options.logStartOffset ?? 0);
      const segment = await LogSegment.create(options.fs, options.dir, {
        baseOffset: start,
        settings: segmentSettings(options.config),
        nowMs: clock.nowMs(),
        rollJitterMs: jitter(options.config, random),
        fresh: true,
      });
      const log = new PartitionLog(options, [segment], start, start);
      return log;
    }
    if (options.dirExists !== true) await options.fs.mkdir(options.dir);
    const loaded = await loadSegments({
      fs: options.fs,
      dir: options.dir,
      settings: segmentSettings(options.config),
      nowMs: clock.nowMs(),
      rollJitterMs: () => jitter(options.config, random),
      logStartOffset: options.logStartOffset ?? 0,
      recoveryPoint: options.recoveryPoint ?? 0,
      cleanShutdown: options.cleanShutdown ?? false,
      logger: options.logger ?? silentLogger,
      name: `${options.topic}-${options.partition}`,
      health: options.health ?? untrackedHealth,
    });
    const log = new PartitionLog(
      options,
      loaded.segments,
      options.logStartOffset ?? 0,
      loaded.recoveryPoint,
    );
    log.filesAtOpen = loaded.files;
    return log;
  }

  /**
   * The folder's file names as the log was opened (null when unknown), once: the partition
   * opened over the log right after uses it to skip reading files that are not there.
   */
  takeFilesAtOpen(): ReadonlySet<string> | null {
    const files = this.filesAtOpen;
    this.filesAtOpen = null;
    return files;
  }

  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this._logEndOffset;
  }
  /** Offsets below this are durable (fsynced). */
  get recoveryPoint(): number {
    return this.flusher.recoveryPoint;
  }
  /** Bytes of all segments. */
  get size(): number {
    let total = 0;
    for (const s of this.segments) total += s.size;
    return total;
  }
  get segmentCount(): number {
    return this.segments.length;
  }
  /** Base offsets of the segments, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((s) => s.baseOffset);
  }
  /** How many times the log was truncated (truncateTo) since it was opened. */
  get truncations(): number {
    return this._truncations;
  }
  /** @internal The segments (for the cleaner and retention). */
  get segmentList(): readonly LogSegment[] {
    return this.segments;
  }
  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Runs `fn` after every earlier queued operation (appends, truncations, rolls). */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> {
    return this.queue.run(() => {
      if (this.closed) return Promise.reject(new LogStorageError(`log ${this.name} is closed`));
      return fn();
    });
  }

  /**
   * Appends whole batches: one buffer, or several (batches of several produce requests) written
   * back to back with one vectored write. Either all of them are appended or none.
   */
  append(batches: Buffer | readonly Buffer[], options: AppendOptions = {}): Promise<AppendResult> {
    const bufs = Buffer.isBuffer(batches) ? [batches] : (batches as readonly Buffer[]);
    return this.enqueue(() => this.doAppend(bufs, options));
  }

  private async doAppend(bufs: readonly Buffer[], options: AppendOptions): Promise<AppendResult> {
    const prepared = this.prepareAppend(bufs, options);
    if (prepared.infos.length === 0) return this.emptyAppend(prepared.appendTimeMs);
    const { infos, lastOffset, maxTimestamp, bytes } = prepared;
    // Checked here rather than awaited always: the append path stays free of extra awaits.
    if (this.uncut !== null) await this.cutFailedWrite();
    if (this.mustRoll(bytes, lastOffset, maxTimestamp)) {
      try {
        await this.rollAt(infos[0]!.baseOffset);
      } catch (err) {
        // A roll that failed left the old segment active (or an empty new one): either takes
        // the next append, so the log stays usable.
        this.health.failed('roll', err);
        throw new LogStorageError(`rolling ${this.name} failed`, { cause: err });
      }
    }
    const segment = this.active;
    try {
      const writing = segment.append(bufs, infos);
      if (writing !== undefined) await writing;
    } catch (err) {
      // Bytes of a failed write (a full disk writes what fits, then fails) may be on disk past
      // the committed size, even whole batches of a multi-batch write; cut them off so nothing
      // the producer was told failed is ever read, now or after a restart. Should even the cut
      // fail, the next append and close try it again before anything else.
      this.uncut = segment;
      await this.cutFailedWrite().catch(() => undefined);
      this.health.failed('append', err);
      throw new LogStorageError(`append to ${segment.logPath} failed`, { cause: err });
    }
    this.health.succeeded();
    return this.committed(prepared);
  }

  /** Assigns offsets (and epochs, append times) in place and describes the batches. */
  private prepareAppend(bufs: readonly Buffer[], options: AppendOptions): PreparedAppend {
    const assign = options.assignOffsets !== false;
    const appendTimeMs =
      this.config.messageTimestampType === 'LogAppendTime'
        ? (options.logAppendTimeMs ?? this.clock.nowMs())
        : -1;
    const infos: BatchInfo[] = [];
    let next = this._logEndOffset;
    let maxTimestamp = -1;
    // Positions in infos are relative to the concatenation of `bufs`.
    let bytes = 0;
    for (let i = 0; i < bufs.length; i++) {
      const batches = bufs[i]!;
      for (let pos = 0; pos < batches.length;) {
        const given = pos === 0 ? options.headers?.[i] : undefined;
        const h =
          given !== undefined && given.buf === batches ? given : new BatchHeader(batches, pos);
        if (batches.length - pos < 61 || h.totalSize > batches.length - pos || h.magic !== 2) {
          assert.fail('append takes whole, validated batches');
        }
        if (assign) writeOffset(batches, pos, next);
        else if (h.baseOffsetNumber < next) {
          throw Object.assign(
            new LogStorageError(`append at offset ${h.baseOffsetNumber} below log end ${next}`),
            {
              code: 'UNEXPECTED_APPEND_OFFSET',
            },
          );
        }
        if (options.leaderEpoch !== undefined) h.setPartitionLeaderEpoch(options.leaderEpoch);
        // A follower keeps its leader's batches byte for byte, append time included.
        if (appendTimeMs >= 0 && assign) stampLogAppendTime(h, appendTimeMs);
        const info = batchInfo(h, bytes + pos);
        infos.push(info);
        maxTimestamp = Math.max(maxTimestamp, info.maxTimestamp);
        next = info.lastOffset + 1;
        pos += info.size;
      }
      bytes += batches.length;
    }
    const lastOffset = infos.length > 0 ? infos[infos.length - 1]!.lastOffset : -1;
    return { infos, lastOffset, maxTimestamp, appendTimeMs, bytes };
  }

  private emptyAppend(appendTimeMs: number): AppendResult {
    return {
      baseOffset: -1,
      lastOffset: -1,
      logAppendTimeMs: appendTimeMs,
      logStartOffset: this._logStartOffset,
      batches: 0,
    };
  }

  /** After the write: the log end offset advances, and a flush starts if flush.messages says so. */
  private committed(prepared: PreparedAppend): AppendResult {
    this._logEndOffset = prepared.lastOffset + 1;
    if (flushAfterAppend(this, this.config)) this.inBackground(this.flush());
    return {
      baseOffset: prepared.infos[0]!.baseOffset,
      lastOffset: prepared.lastOffset,
      logAppendTimeMs: prepared.appendTimeMs,
      logStartOffset: this._logStartOffset,
      batches: prepared.infos.length,
    };
  }

  /**
   * segment.ms as Kafka measures it: from the first batch's timestamp to the incoming batches'
   * max timestamp (so old data replayed into a log does not roll a segment per batch), or by
   * the wall clock from the segment's creation when timestamps are missing.
   */
  private mustRoll(bytes: number, lastOffset: number, maxTimestamp: number): boolean {
    const segment = this.active;
    const first = segment.firstBatchTimestamp;
    const waitedMs =
      first !== null && first >= 0 ? maxTimestamp - first : this.clock.nowMs() - segment.createdMs;
    const tooOld = !segment.isEmpty && waitedMs > this.config.segmentMs - segment.rollJitterMs;
    return tooOld || !segment.canHold(bytes, lastOffset, this.config.segmentBytes);
  }

  /** Closes the active segment and starts a new one at the log end offset (if not empty). */
  roll(): Promise<void> {
    return this.enqueue(() => this.rollAt(this._logEndOffset));
  }

  private async rollAt(baseOffset: number): Promise<void> {
    const old = this.active;
    if (old.isEmpty && old.baseOffset === baseOffset) return;
    // The closed segment is made durable before the next one exists, so a crash can never keep
    // later batches while losing earlier ones (a hole in the middle of the log). It costs one
    // fsync per segment.bytes, on the append that rolls.
    if (!old.isEmpty) await old.sync();
    const next = await LogSegment.create(this.fs, this.dir, {
      baseOffset,
      settings: segmentSettings(this.config),
      nowMs: this.clock.nowMs(),
      rollJitterMs: jitter(this.config, this.random),
    });
    this.flusher.folderChanged();
    const segments = [...this.segments];
    if (old.isEmpty) {
      // An empty active segment below the new base is useless; drop it instead of keeping it.
      segments.pop();
      await this.deleteSegmentFiles([old]);
    }
    segments.push(next);
    this.segments = segments;
    this.logger.debug('rolled segment', { log: this.name, baseOffset });
    if (old.isEmpty) return;
    // The index files are an optimisation (a load checks them and rebuilds what is missing or
    // wrong), so failing to write them must not fail the append that rolled: close retries.
    await old.persistIndexes({ final: true }).catch(this.survive('index write'));
    // Every offset below the new segment is durable once the folder's entries are.
    await this.flusher.rolled(baseOffset);
  }

  /** Cuts the file of a failed write back to its committed size (see doAppend). */
  private async cutFailedWrite(): Promise<void> {
    const segment = this.uncut;
    if (segment === null) return;
    // A truncation or retention may have removed the segment (and its bytes) meanwhile.
    if (!this.segments.includes(segment)) {
      this.uncut = null;
      return;
    }
    try {
      await segment.log.truncate(segment.size);
    } catch (err) {
      this.health.failed('truncate', err);
      throw new LogStorageError(`cutting a failed write off ${segment.logPath} failed`, {
        cause: err,
      });
    }
    this.uncut = null;
  }

  /** A catch handler that reports a storage failure and goes on; anything else is rethrown. */
  private survive(op: string): (err: unknown) => void {
    return (err) => {
      if (!isStorageFailure(err)) throw err;
      this.health.failed(op, err);
    };
  }

  read(fetchOffset: number, options: ReadOptions): Promise<ReadResult> {
    return readLog(this.snapshot(), fetchOffset, options);
  }

  /** @internal */
  snapshot(): LogSnapshot {
    return {
      segments: this.segments,
      logStartOffset: this._logStartOffset,
      logEndOffset: this._logEndOffset,
    };
  }

  /**
   * Visits the header of every batch whose last offset is >= `fromOffset`, in order, without
   * decoding records: what rebuilding producer state (sequences, epochs, open transactions)
   * after a restart needs. The header is a view valid only during the call; return false to
   * stop. Runs on a snapshot, concurrently with appends.
   */
  async forEachBatchHeader(
    fromOffset: number,
    visit: (header: BatchHeader) => boolean | void,
  ): Promise<void> {
    const { segments, logEndOffset } = this.snapshot();
    let stopped = false;
    for (const segment of segments) {
      if (stopped) return;
      if (segment.nextOffset <= fromOffset) continue;
      await segment.forEachBatch((info, header) => {
        if (info.lastOffset < fromOffset) return true;
        if (info.baseOffset >= logEndOffset || visit(header) === false) {
          stopped = true;
          return false;
        }
        return true;
      });
    }
  }

  /** ListOffsets: -2 earliest, -1 latest, -3 max timestamp, -4 earliest local, else by timestamp. */
  offsetForTimestamp(timestamp: number): Promise<TimestampOffset | null> {
    return offsetForTimestamp(this.snapshot(), timestamp);
  }

  /**
   * Removes everything at and after `offset` (a follower diverged from its leader). Below the
   * log start offset, the log is emptied and restarts at `offset`.
   */
  truncateTo(offset: number): Promise<void> {
    return this.enqueue(() => this.doTruncate(offset));
  }

  private async doTruncate(offset: number): Promise<void> {
    if (offset >= this._logEndOffset) return;
    this._truncations++;
    if (offset < this._logStartOffset) return this.restartAt(offset);
    const keep = this.segments.filter((s) => s.baseOffset <= offset);
    const drop = this.segments.filter((s) => s.baseOffset > offset);
    this.segments = keep;
    await this.deleteSegmentFiles(drop);
    const last = this.active;
    const removed = await last.truncateTo(offset);
    // A truncation must not come undone in a crash: the bytes it removed may be replaced by
    // different batches at the same offsets.
    await last.sync();
    this._logEndOffset = offset;
    this.flusher.truncatedTo(offset);
    this.logger.info('truncated log', {
      log: this.name,
      offset,
      removedBytes: removed,
      removedSegments: drop.length,
    });
    // Keep the log end offset across a restart even when it is not the end of the last batch.
    if (last.nextOffset !== offset) await this.rollAt(offset);
  }

  private async restartAt(offset: number): Promise<void> {
    const old = this.segments;
    const fresh = await LogSegment.create(this.fs, this.dir, {
      baseOffset: offset,
      settings: segmentSettings(this.config),
      nowMs: this.clock.nowMs(),
      rollJitterMs: jitter(this.config, this.random),
    });
    this.segments = [fresh];
    await this.deleteSegmentFiles(old.filter((s) => s !== fresh && s.baseOffset !== offset));
    this._logStartOffset = offset;
    this._logEndOffset = offset;
    this.flusher.restartedAt(offset);
  }

  /**
   * Empties the log and restarts it at `offset` (Kafka's truncateFullyAndStartAt): a follower
   * whose log ends before its leader's log start (retention or DeleteRecords moved it on while
   * the follower was away) can only continue from there.
   */
  truncateFullyAndStartAt(offset: number): Promise<void> {
    return this.enqueue(async () => {
      this._truncations++;
      await this.restartAt(offset);
      this.logger.info('emptied log', { log: this.name, startOffset: offset });
    });
  }

  /** DeleteRecords: raises the log start offset; whole segments below it go at once. */
  deleteRecordsBefore(offset: number): Promise<DeleteRecordsResult> {
    return this.enqueue(async () => {
      if (offset > this._logEndOffset || offset < 0) {
        return { error: 'OFFSET_OUT_OF_RANGE' as const, logStartOffset: this._logStartOffset };
      }
      if (offset > this._logStartOffset) this._logStartOffset = offset;
      const below = segmentsBelowLogStart(this.segments, this._logStartOffset);
      await this.deleteOldest(below, 'log-start-offset');
      return { error: null, logStartOffset: this._logStartOffset };
    });
  }

  /**
   * Applies retention.ms, retention.bytes and the log start offset by deleting whole closed
   * segments, oldest first (see retentionSteps). Returns the number of segments deleted.
   */
  deleteOldSegments(): Promise<number> {
    return this.enqueue(async () => {
      const steps = retentionSteps(this.segments, {
        config: this.config,
        logStartOffset: this._logStartOffset,
        nowMs: this.clock.nowMs(),
      });
      let deleted = 0;
      for (const { count, reason } of steps) deleted += await this.deleteOldest(count, reason);
      return deleted;
    });
  }

  /** Deletes the `n` oldest segments (never the active one); the log start offset follows. */
  private async deleteOldest(n: number, reason: RetentionReason): Promise<number> {
    if (n === 0) return 0;
    const segments = this.segments;
    assert(n < segments.length, 'the active segment is never deleted');
    const drop = segments.slice(0, n);
    this.segments = segments.slice(n);
    this._logStartOffset = Math.max(this._logStartOffset, this.segments[0]!.baseOffset);
    await this.deleteSegmentFiles(drop);
    this.logger.debug('deleted segments', {
      log: this.name,
      reason,
      segments: n,
      logStartOffset: this._logStartOffset,
    });
    return n;
  }

  /** Renames the segments' files to `.deleted` now; they are unlinked after file.delete.delay.ms. */
  private async deleteSegmentFiles(segments: readonly LogSegment[]): Promise<void> {
    await this.deleter.delete(segments, this.config.fileDeleteDelayMs);
    if (segments.length > 0) this.flusher.folderChanged();
  }

  /**
   * Replaces `segments` (consecutive, closed) by the cleaned segment at `cleanedPath`, whose
   * base offset is the first one's. Crash-safe: the rename to `.swap` commits the swap (a
   * restart finishes it); the old files go through the usual `.deleted` delay so reads under
   * way finish. Returns false, changing nothing, if the segments are no longer in the log
   * (truncated or deleted meanwhile).
   */
  swapCleaned(
    segments: readonly LogSegment[],
    options: { cleanedPath: string; lastCoveredOffset: number },
  ): Promise<boolean> {
    return this.enqueue(async () => {
      const at = this.segments.indexOf(segments[0]!);
      const stillThere =
        at >= 0 &&
        at + segments.length < this.segments.length &&
        segments.every((s, i) => this.segments[at + i] === s);
      if (!stillThere) return false;
      const base = segments[0]!.baseOffset;
      const swapPath = joinPath(
        this.dir,
        `${offsetFileName(base, '')}.${offsetFileName(options.lastCoveredOffset, LOG_FILE_SUFFIX)}${SWAP_FILE_SUFFIX}`,
      );
      await this.fs.rename(options.cleanedPath, swapPath);
      await this.fs.syncDir(this.dir);
      await this.deleteSegmentFiles(segments);
      await this.fs.rename(swapPath, joinPath(this.dir, offsetFileName(base, LOG_FILE_SUFFIX)));
      const { segment } = await LogSegment.load(this.fs, this.dir, {
        baseOffset: base,
        settings: segmentSettings(this.config),
        nowMs: this.clock.nowMs(),
        rollJitterMs: 0,
        recover: false,
        minOffset: 0,
      });
      await segment.persistIndexes({ final: true });
      await this.fs.syncDir(this.dir);
      const next = [...this.segments];
      next.splice(at, segments.length, segment);
      this.segments = next;
      return true;
    });
  }

  /**
   * Makes everything appended so far durable. Concurrent callers share fsyncs (group commit):
   * while one flush runs, later callers wait for the single next one.
   */
  flush(): Promise<void> {
    return this.flusher.flush();
  }

  /** flush.ms: flushes when unflushed data has waited that long. Called by the scheduler. */
  flushIfDue(): Promise<void> {
    return this.flusher.flushIfDue();
  }

  private inBackground(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) => {
      // A failing disk was reported once by the health record; do not repeat it per flush.
      if (isStorageFailure(err)) return;
      this.logger.error('background log task failed', { log: this.name, err });
    });
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  updateConfig(config: LogConfig): void {
    this.config = config;
  }

  get name(): string {
    return `${this.topic}-${this.partition}`;
  }

  /**
   * Flushes, writes the index files and closes every file. Pending deletions are completed.
   * Every file is closed even when a write fails (a full disk); then it throws a
   * LogStorageError, and the caller must not call the log cleanly shut down.
   */
  async close(): Promise<void> {
    await this.queue.idle();
    this.closed = true;
    await Promise.all([...this.background]);
    let failure: unknown = null;
    const note = (err: unknown): void => {
      if (!isStorageFailure(err)) throw err;
      failure ??= err;
    };
    await this.cutFailedWrite().catch(note);
    // A log that holds no bytes has nothing to make durable: a crash that loses its new
    // folder's entries loses nothing a restart does not recreate.
    if (this.size > 0) await this.flush().catch(note);
    for (const s of this.segments) {
      await s.persistIndexes({ final: true }).catch((err: unknown) => {
        note(err);
        this.health.failed('index write', err);
      });
    }
    for (const s of this.segments) await s.close();
    await this.deleter.finishAll();
    if (failure !== null) {
      throw new LogStorageError(`closing ${this.name} failed`, { cause: failure });
    }
  }

  /** Closes without flushing or deleting (the log dir is being removed). */
  async abandon(): Promise<void> {
    await this.queue.idle();
    this.closed = true;
    await Promise.all([...this.background]);
    this.deleter.cancelAll();
    for (const s of this.segments) await s.close().catch(() => undefined);
  }
}

function segmentSettings(config: LogConfig): SegmentSettings {
  return {
    indexIntervalBytes: config.indexIntervalBytes,
    segmentIndexBytes: config.segmentIndexBytes,
  };
}

function jitter(config: LogConfig, random: () => number): number {
  return config.segmentJitterMs > 0
    ? Math.floor(random() * Math.min(config.segmentJitterMs, config.segmentMs))
    : 0;
}

/** Writes a non-negative safe-integer offset as the batch's int64 base offset, without BigInt. */
function writeOffset(buf: Buffer, pos: number, offset: number): void {
  buf.writeUInt32BE(Math.floor(offset / 2 ** 32), pos);
  buf.writeUInt32BE(offset >>> 0, pos + 4);
}

/** LogAppendTime: the broker's time becomes the batch's max timestamp (and the CRC changes). */
function stampLogAppendTime(h: BatchHeader, timeMs: number): void {
  h.buf.writeInt16BE(
    h.attributes | BatchAttribute.TimestampTypeLogAppend,
    h.pos + BatchField.Attributes,
  );
  h.buf.writeBigInt64BE(BigInt(timeMs), h.pos + BatchField.MaxTimestamp);
  h.updateCrc();
}
