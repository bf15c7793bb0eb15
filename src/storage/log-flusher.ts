// When and how a partition log is made durable: the flush.messages policy (decided here for
// the log and for the broker's produce path alike), flush.ms, the group commit of flushes, and
// the recovery point (offsets known durable) that flushes, rolls and truncations move. The
// log-start and recovery-point checkpoints read the recovery point through the log.
import type { Clock, StorageLogger } from './environment.js';
import type { FileSystem } from './fs/file-system.js';
import type { LogConfig } from './log-config.js';
import type { LogSegment } from './log-segment.js';
import { LogStorageError } from './results.js';
import type { DirHealth } from './storage-health.js';

/**
 * flush.messages, measured as Kafka's UnifiedLog measures it: an append must be followed by a
 * flush once the offsets not yet known durable (the log end offset minus the recovery point)
 * reach flush.messages. The log then starts that flush in the background; a produce with
 * acks=all waits for a flush before it is answered.
 */
export function flushAfterAppend(
  log: { readonly logEndOffset: number; readonly recoveryPoint: number },
  config: Pick<LogConfig, 'flushMessages'>,
): boolean {
  return log.logEndOffset - log.recoveryPoint >= config.flushMessages;
}

/** What the flusher reads of its log. */
export interface FlushedLog {
  readonly name: string;
  readonly config: LogConfig;
  readonly logEndOffset: number;
  /** Oldest first; the last one is active. */
  readonly segmentList: readonly LogSegment[];
}

export interface LogFlusherOptions {
  fs: FileSystem;
  /** The partition's folder. */
  dir: string;
  clock: Clock;
  logger: StorageLogger;
  health: DirHealth;
  /** Offsets below it are durable (already capped at the log end offset). */
  recoveryPoint: number;
  /** The folder's entries were never fsynced (a new log): the first flush does it. */
  unsyncedDir: boolean;
  /** Told how long each successful flush took (Kafka's LogFlushRateAndTimeMs). */
  onFlushed?: (durationMs: number) => void;
}

export class LogFlusher {
  private _recoveryPoint: number;
  /** The folder has entries (a new segment, a rename) not yet fsynced. */
  private dirDirty: boolean;
  private lastFlushMs: number;
  private flushing: Promise<void> | null = null;
  private nextFlush: Promise<void> | null = null;
  /**
   * The lowest offset the log was truncated to while a flush's fsyncs ran (null: none). The
   * flush took its target (the log end) before the truncation, so it must not move the
   * recovery point past the cut: offsets there may be rewritten by different, unsynced batches
   * (a follower truncating its divergent suffix while a background flush runs).
   */
  private cutDuringFlush: number | null = null;

  constructor(
    private readonly log: FlushedLog,
    private readonly o: LogFlusherOptions,
  ) {
    this._recoveryPoint = o.recoveryPoint;
    this.dirDirty = o.unsyncedDir;
    this.lastFlushMs = o.clock.nowMs();
  }

  /** Offsets below this are durable (fsynced). */
  get recoveryPoint(): number {
    return this._recoveryPoint;
  }

  /** A file of the folder was created, renamed or removed: the next flush fsyncs the folder. */
  folderChanged(): void {
    this.dirDirty = true;
  }

  /**
   * Makes everything appended so far durable. Concurrent callers share fsyncs (group commit):
   * while one flush runs, later callers wait for the single next one.
   */
  flush(): Promise<void> {
    if (this._recoveryPoint >= this.log.logEndOffset && !this.dirDirty) return Promise.resolve();
    if (!this.flushing) {
      this.flushing = this.doFlush().finally(() => {
        this.flushing = null;
      });
      return this.flushing;
    }
    this.nextFlush ??= this.flushing.then(
      () => {
        this.nextFlush = null;
        return this.flush();
      },
      () => {
        this.nextFlush = null;
        return this.flush();
      },
    );
    return this.nextFlush;
  }

  private async doFlush(): Promise<void> {
    let target = this.log.logEndOffset;
    this.cutDuringFlush = null;
    const segments = this.log.segmentList;
    const active = segments[segments.length - 1];
    const dirty = segments.filter((s) => s.nextOffset > this._recoveryPoint || s === active);
    const started = this.o.clock.monotonicMs();
    try {
      await Promise.all(dirty.map((s) => s.sync()));
      if (this.dirDirty) {
        // Cleared before the fsync, so a roll during it marks the folder dirty again.
        this.dirDirty = false;
        await this.o.fs.syncDir(this.o.dir).catch((err: unknown) => {
          this.dirDirty = true;
          throw err;
        });
      }
    } catch (err) {
      this.o.health.failed('flush', err);
      throw new LogStorageError(`flushing ${this.log.name} failed`, { cause: err });
    }
    if (this.cutDuringFlush !== null) target = Math.min(target, this.cutDuringFlush);
    this.cutDuringFlush = null;
    this._recoveryPoint = Math.max(this._recoveryPoint, target);
    this.lastFlushMs = this.o.clock.nowMs();
    this.o.onFlushed?.(this.o.clock.monotonicMs() - started);
  }

  /** flush.ms: flushes when unflushed data has waited that long. Called by the scheduler. */
  flushIfDue(): Promise<void> {
    const due = this.o.clock.nowMs() - this.lastFlushMs >= this.log.config.flushMs;
    return due && this.log.logEndOffset > this._recoveryPoint ? this.flush() : Promise.resolve();
  }

  /**
   * After a roll to `baseOffset`: every closed segment has been fsynced at its roll (or by
   * recovery, a truncation or the cleaner's swap), so once the folder's entries are durable
   * too, every offset below the new segment's base is. The recovery point moves there, as
   * Kafka's does after the flush it schedules on roll; the next checkpoint records it, and a
   * restart after a crash then scans only the segments from here on. One folder fsync per
   * segment.bytes. The batches themselves are written, so a failure here only leaves the
   * recovery point where it was; the next flush tries the folder again.
   */
  async rolled(baseOffset: number): Promise<void> {
    if (this.dirDirty) {
      this.dirDirty = false;
      try {
        await this.o.fs.syncDir(this.o.dir);
      } catch (err) {
        this.dirDirty = true;
        this.o.logger.warn('fsync of the log folder after a roll failed', {
          log: this.log.name,
          err,
        });
        return;
      }
    }
    this._recoveryPoint = Math.max(this._recoveryPoint, baseOffset);
  }

  /** The log was cut at `offset` (its segment fsynced): nothing at or past it is durable. */
  truncatedTo(offset: number): void {
    this._recoveryPoint = Math.min(this._recoveryPoint, offset);
    if (this.flushing !== null)
      this.cutDuringFlush = Math.min(this.cutDuringFlush ?? offset, offset);
  }

  /** The log was emptied and restarts at `offset` in a new segment. */
  restartedAt(offset: number): void {
    this.dirDirty = true;
    this._recoveryPoint = offset;
    if (this.flushing !== null)
      this.cutDuringFlush = Math.min(this.cutDuringFlush ?? offset, offset);
  }
}
