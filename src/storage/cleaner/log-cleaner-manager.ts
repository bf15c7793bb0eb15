// Which compacted logs a cleaner pass works on, and what happens when one of them fails
// (Kafka's LogCleanerManager). A log whose cleaning throws (a corrupt segment, a batch the codec
// cannot decode, an I/O error) is marked uncleanable in its log dir, reported with the cause,
// and skipped by later passes until it is truncated or deleted or the broker restarts; the
// other logs, __consumer_offsets among them, go on being cleaned.
import type { StorageLogger } from '../environment.js';
import type { PartitionLog } from '../partition-log.js';
import type { CleanerCodec } from './cleaner-codec.js';
import { cleanLog, cleanableRange, needsCleaning, type CleanResult } from './log-cleaner.js';

/** A log as the log manager holds it. */
export interface CleanerLogEntry {
  log: PartitionLog;
  logDir: string;
}

export interface CleanerPassOptions {
  /** Every open log with its log dir. */
  logs: readonly CleanerLogEntry[];
  /** Whether `log` is still open under its name (not deleted or replaced meanwhile). */
  isOpen: (log: PartitionLog) => boolean;
  /** The log's cleaner checkpoint: where its dirty part starts. */
  checkpointOf: (log: PartitionLog) => number;
  /** Records a new cleaner checkpoint after a pass over `log`. */
  setCheckpoint: (log: PartitionLog, offset: number) => void;
  codec: CleanerCodec;
  nowMs: number;
  dedupeBufferBytes: number;
}

interface Uncleanable {
  log: PartitionLog;
  /** The log's truncation count when it failed: a truncation makes it worth another try. */
  truncations: number;
  cause: string;
}

export interface UncleanablePartition {
  logDir: string;
  /** `<topic>-<partition>` */
  partition: string;
  cause: string;
}

/** Disk full: not the partition's fault, so the next pass tries it again. */
const TRANSIENT_CODES = new Set(['ENOSPC', 'EDQUOT']);

export class LogCleanerManager {
  /** Per log dir: partition name -> why it cannot be cleaned. */
  private readonly uncleanable = new Map<string, Map<string, Uncleanable>>();

  constructor(private readonly logger: StorageLogger) {}

  /**
   * One pass: every compacted log that is not uncleanable and whose dirty ratio reaches
   * min.cleanable.dirty.ratio (or whose dirty records waited past max.compaction.lag.ms) is
   * cleaned, overdue ones first, then dirtiest first. A log that fails is marked uncleanable
   * and the pass goes on with the next one. Returns the results of the logs cleaned.
   */
  async runPass(o: CleanerPassOptions): Promise<CleanResult[]> {
    this.forgetStale(o.logs);
    const candidates: { entry: CleanerLogEntry; overdue: boolean; dirtyRatio: number }[] = [];
    for (const entry of o.logs) {
      const { log } = entry;
      if (!log.config.cleanupPolicy.includes('compact') || this.isUncleanable(entry)) continue;
      try {
        const range = cleanableRange(log, o.checkpointOf(log), o.nowMs);
        if (needsCleaning(log, range))
          candidates.push({ entry, overdue: range.overdue, dirtyRatio: range.dirtyRatio });
      } catch (err) {
        this.failed(entry, err, o);
      }
    }
    candidates.sort((a, b) => Number(b.overdue) - Number(a.overdue) || b.dirtyRatio - a.dirtyRatio);
    const results: CleanResult[] = [];
    for (const { entry } of candidates) {
      const { log } = entry;
      if (!o.isOpen(log)) continue;
      let result: CleanResult;
      try {
        result = await cleanLog(log, o.codec, {
          checkpoint: o.checkpointOf(log),
          nowMs: o.nowMs,
          dedupeBufferBytes: o.dedupeBufferBytes,
        });
      } catch (err) {
        this.failed(entry, err, o);
        continue;
      }
      o.setCheckpoint(log, result.firstDirtyOffset);
      this.logger.info('cleaned log', { log: log.name, ...result });
      results.push(result);
    }
    return results;
  }

  /** The partitions marked uncleanable, in one log dir or in all. */
  uncleanablePartitions(logDir?: string): UncleanablePartition[] {
    const out: UncleanablePartition[] = [];
    for (const [dir, partitions] of this.uncleanable) {
      if (logDir !== undefined && dir !== logDir) continue;
      for (const [partition, u] of partitions) out.push({ logDir: dir, partition, cause: u.cause });
    }
    return out;
  }

  /**
   * How many partitions are marked uncleanable, in one log dir or in all: Kafka's
   * `kafka.log:type=LogCleanerManager,name=uncleanable-partitions-count,logDirectory=<dir>`.
   */
  uncleanablePartitionsCount(logDir?: string): number {
    return this.uncleanablePartitions(logDir).length;
  }

  /**
   * Bytes of the uncleanable partitions' logs, in one log dir or in all. (Kafka's
   * `uncleanable-bytes` counts only their dirty part; the whole log is what sits uncompacted
   * here, as the cleaner checkpoint of a failed log may be anywhere.)
   */
  uncleanableBytes(logDir?: string): number {
    let total = 0;
    for (const [dir, partitions] of this.uncleanable) {
      if (logDir !== undefined && dir !== logDir) continue;
      for (const u of partitions.values()) total += u.log.size;
    }
    return total;
  }

  private failed(entry: CleanerLogEntry, err: unknown, o: CleanerPassOptions): void {
    const { log, logDir } = entry;
    const cause = describe(err);
    // Deleted or closed while it was being cleaned: the pass was aborted, nothing is wrong.
    if (!o.isOpen(log)) return;
    if (isTransient(err)) {
      this.logger.error(
        `cleaning of partition ${log.name} in ${logDir} failed, retrying on the next pass: ${cause}`,
        { log: log.name, logDir, err },
      );
      return;
    }
    let partitions = this.uncleanable.get(logDir);
    if (!partitions) this.uncleanable.set(logDir, (partitions = new Map()));
    partitions.set(log.name, { log, truncations: log.truncations, cause });
    this.logger.error(
      `marking partition ${log.name} in ${logDir} as uncleanable: cleaning it failed: ${cause}`,
      { log: log.name, logDir, err },
    );
  }

  private isUncleanable(entry: CleanerLogEntry): boolean {
    return this.uncleanable.get(entry.logDir)?.has(entry.log.name) === true;
  }

  /** Forgets partitions deleted (or recreated) and truncated since they failed. */
  private forgetStale(logs: readonly CleanerLogEntry[]): void {
    const open = new Map(logs.map((e) => [e.log, e.logDir]));
    for (const [dir, partitions] of this.uncleanable) {
      for (const [name, u] of partitions) {
        if (open.get(u.log) !== dir || u.log.truncations !== u.truncations) {
          partitions.delete(name);
          this.logger.info('partition is cleanable again', { log: name, logDir: dir });
        }
      }
      if (partitions.size === 0) this.uncleanable.delete(dir);
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause === undefined ? '' : ` (${describe(err.cause)})`;
  return `${err.name}: ${err.message}${cause}`;
}

function isTransient(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  }
  return false;
}
