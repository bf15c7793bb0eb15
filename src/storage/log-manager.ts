// All partition logs of a broker, across its log dirs (Kafka's LogManager): loading and
// recovery at startup, creation and deletion of logs, checkpoints, and the scheduled
// retention, flush and cleaner jobs.
import type { CleanerCodec } from './cleaner/cleaner-codec.js';
import { protocolCleanerCodec } from './cleaner/protocol-cleaner-codec.js';
import type { CleanResult } from './cleaner/log-cleaner.js';
import { LogCleanerManager } from './cleaner/log-cleaner-manager.js';
import {
  CLEANER_OFFSET_CHECKPOINT_FILE,
  CLEAN_SHUTDOWN_FILE,
  LOG_START_OFFSET_CHECKPOINT_FILE,
  PARTITION_METADATA_FILE,
  RECOVERY_POINT_CHECKPOINT_FILE,
  partitionKey,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint-file.js';
import {
  silentLogger,
  systemClock,
  systemRandom,
  systemTimers,
  type Clock,
  type Timers,
  type StorageLogger,
} from './environment.js';
import { joinPath, writeFileAtomic, writeNewFile, type FileSystem } from './fs/file-system.js';
import { NodeFileSystem } from '../util/fs/node-file-system.js';
import {
  DEFAULT_LOG_CONFIG,
  DEFAULT_LOG_MANAGER_CONFIG,
  resolveLogConfig,
  type LogConfig,
  type LogManagerConfig,
} from './log-config.js';
import { PartitionLog } from './partition-log.js';
import { StorageHealth, isStorageFailure } from './storage-health.js';
import { forEachConcurrently } from '../util/concurrency.js';

export interface LogManagerOptions {
  /** log.dirs */
  logDirs: readonly string[];
  fs?: FileSystem;
  clock?: Clock;
  /** Broker-level log defaults (log.segment.bytes, log.retention.ms, ...) over Kafka's. */
  defaults?: Partial<LogConfig>;
  /** Topic-level overrides known at startup (the metadata image's topic configs). */
  topicConfigs?: ReadonlyMap<string, Partial<LogConfig>>;
  manager?: Partial<LogManagerConfig>;
  logger?: StorageLogger;
  scheduler?: Timers;
  random?: () => number;
  /** How the cleaner reads and rebuilds batches (default: the protocol's record codec). */
  cleanerCodec?: CleanerCodec;
  /** Partition folders some other owner keeps (the metadata log), never loaded here. */
  excludeDirs?: readonly string[];
  /** Told how long each flush of a partition log took (the broker's flush-time metric). */
  onLogFlushed?: (durationMs: number) => void;
}

interface Entry {
  log: PartitionLog;
  logDir: string;
}

const PARTITION_DIR = /^(.+)-(\d+)$/;
/** Logs loaded at once after a clean shutdown (no recovery scan). */
const CLEAN_LOAD_CONCURRENCY = 32;
/** Logs closed at once at shutdown. */
const CLOSE_CONCURRENCY = 32;
const DELETE_DIR_SUFFIX = '-delete';

export class LogManager {
  private readonly entries = new Map<string, Entry>();
  /** Creations under way, so concurrent createLog calls for one partition share one log. */
  private readonly creating = new Map<string, Promise<PartitionLog>>();
  private readonly topicOverrides = new Map<string, Partial<LogConfig>>();
  /** Cleaner checkpoints: where each compacted log's dirty part starts. */
  private readonly cleanerCheckpoints = new Map<string, number>();
  private readonly cleanerCodec: CleanerCodec;
  /** The cleaner's state: which partitions failed and are skipped (uncleanable). */
  readonly cleaner: LogCleanerManager;
  private readonly excludeDirs: ReadonlySet<string>;
  private readonly onLogFlushed: ((durationMs: number) => void) | undefined;
  private readonly defaults: LogConfig;
  readonly managerConfig: LogManagerConfig;
  private readonly stopJobs: (() => void)[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly dirSyncs = new Map<
    string,
    { running: Promise<void> | null; next: Promise<void> | null }
  >();
  private closed = false;
  /** Which log dirs' writes fail (a full disk), reported once per episode. */
  readonly health: StorageHealth;

  private constructor(
    readonly logDirs: readonly string[],
    readonly fs: FileSystem,
    private readonly clock: Clock,
    private readonly logger: StorageLogger,
    private readonly scheduler: Timers,
    private readonly random: () => number,
    options: LogManagerOptions,
  ) {
    this.defaults = resolveLogConfig(DEFAULT_LOG_CONFIG, options.defaults);
    this.managerConfig = { ...DEFAULT_LOG_MANAGER_CONFIG, ...options.manager };
    for (const [topic, c] of options.topicConfigs ?? []) this.topicOverrides.set(topic, c);
    this.cleanerCodec = options.cleanerCodec ?? protocolCleanerCodec();
    this.cleaner = new LogCleanerManager(logger);
    this.excludeDirs = new Set(options.excludeDirs ?? []);
    this.health = new StorageHealth(logger, clock);
    this.onLogFlushed = options.onLogFlushed;
  }

  /** Loads every `<topic>-<partition>` folder of every log dir, recovering after a crash. */
  static async open(options: LogManagerOptions): Promise<LogManager> {
    const manager = new LogManager(
      options.logDirs,
      options.fs ?? new NodeFileSystem(),
      options.clock ?? systemClock,
      options.logger ?? silentLogger,
      options.scheduler ?? systemTimers,
      options.random ?? systemRandom.next,
      options,
    );
    for (const dir of options.logDirs) await manager.loadDir(dir);
    await manager.checkpoint();
    return manager;
  }

  private async loadDir(logDir: string): Promise<void> {
    const fs = this.fs;
    await fs.mkdir(logDir);
    const marker = joinPath(logDir, CLEAN_SHUTDOWN_FILE);
    const cleanShutdown = (await fs.stat(marker)) !== null;
    const recoveryPoints = await readCheckpoint(
      fs,
      joinPath(logDir, RECOVERY_POINT_CHECKPOINT_FILE),
    );
    const logStartOffsets = await readCheckpoint(
      fs,
      joinPath(logDir, LOG_START_OFFSET_CHECKPOINT_FILE),
    );
    const cleanerOffsets = await readCheckpoint(
      fs,
      joinPath(logDir, CLEANER_OFFSET_CHECKPOINT_FILE),
    );
    for (const [key, offset] of cleanerOffsets) this.cleanerCheckpoints.set(key, offset);
    const toLoad: { name: string; topic: string; partition: number }[] = [];
    const candidates: (typeof toLoad)[number][] = [];
    for (const name of await fs.readdir(logDir)) {
      const path = joinPath(logDir, name);
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        await fs.rmdir(path);
        continue;
      }
      const m = PARTITION_DIR.exec(name);
      if (this.excludeDirs.has(name)) continue;
      if (m) candidates.push({ name, topic: m[1]!, partition: Number(m[2]) });
    }
    // Only folders are logs; thousands of stats overlap rather than run one after another.
    const isDir = new Array<boolean>(candidates.length);
    await forEachConcurrently(candidates, CLEAN_LOAD_CONCURRENCY, async (c, i) => {
      isDir[i] = (await fs.stat(joinPath(logDir, c.name)))?.isDirectory === true;
    });
    toLoad.push(...candidates.filter((_, i) => isDir[i]));
    // A new, empty log dir has no marker either; only logs to recover are worth a warning.
    if (!cleanShutdown && toLoad.length > 0) {
      this.logger.warn('no clean shutdown marker: recovering logs', { logDir });
    }
    const load = async ({ name, topic, partition }: (typeof toLoad)[number]): Promise<void> => {
      const log = await PartitionLog.open({
        fs,
        dir: joinPath(logDir, name),
        topic,
        partition,
        config: this.configFor(topic),
        clock: this.clock,
        logger: this.logger,
        scheduler: this.scheduler,
        random: this.random,
        logStartOffset: logStartOffsets.get(name) ?? 0,
        recoveryPoint: recoveryPoints.get(name) ?? 0,
        cleanShutdown,
        health: this.health.forDir(logDir),
        onFlushed: this.onLogFlushed,
        dirExists: true,
      });
      this.entries.set(name, { log, logDir });
    };
    // num.recovery.threads.per.data.dir: logs of one dir recover this many at a time. After a
    // clean shutdown nothing is scanned, and loading is a few small reads per log that are
    // worth overlapping much more (the thread pool and the disk queue do the rest).
    const workers = cleanShutdown
      ? Math.max(CLEAN_LOAD_CONCURRENCY, this.managerConfig.recoveryThreadsPerDataDir)
      : Math.max(1, this.managerConfig.recoveryThreadsPerDataDir);
    // A log whose files cannot be read (a system error: EMFILE, EIO, EACCES, ...) does not stop
    // the others from loading or the broker from starting: it is left out and logged, and
    // whoever opens its partition meets the same error and keeps that partition offline.
    const loadOrSkip = async (entry: (typeof toLoad)[number]): Promise<void> => {
      try {
        await load(entry);
      } catch (err) {
        if (typeof (err as NodeJS.ErrnoException).syscall !== 'string') throw err;
        this.logger.error('cannot load log', { log: entry.name, err });
      }
    };
    await forEachConcurrently(toLoad, workers, loadOrSkip);
    // From now on a crash must be noticed at the next start.
    if (cleanShutdown) {
      await fs.unlink(marker);
      await fs.syncDir(logDir);
    }
  }

  /** The effective config of `topic`: Kafka defaults < broker defaults < topic overrides. */
  configFor(topic: string): LogConfig {
    return resolveLogConfig(this.defaults, this.topicOverrides.get(topic));
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.entries.get(partitionKey(topic, partition))?.log;
  }

  /** Every open log. */
  allLogs(): PartitionLog[] {
    return [...this.entries.values()].map((e) => e.log);
  }

  /** The log dir that holds a partition, or undefined. */
  logDirOf(topic: string, partition: number): string | undefined {
    return this.entries.get(partitionKey(topic, partition))?.logDir;
  }

  /**
   * Creates (or returns the existing) log for a partition, in the log dir with the fewest
   * partitions. `config` overrides apply to the whole topic.
   */
  async createLog(
    topic: string,
    partition: number,
    config?: Partial<LogConfig>,
    options: { topicId?: string } = {},
  ): Promise<PartitionLog> {
    const key = partitionKey(topic, partition);
    if (config) this.topicOverrides.set(topic, { ...this.topicOverrides.get(topic), ...config });
    const existing = this.entries.get(key);
    if (existing) return existing.log;
    // Two logs over the same files would each track their own size and overwrite each other's
    // appends (and the losing one's file handles would never be closed): callers that arrive
    // while the log is being created wait for that creation.
    let pending = this.creating.get(key);
    if (pending === undefined) {
      pending = this.doCreateLog(topic, partition, options).finally(() => {
        this.creating.delete(key);
      });
      this.creating.set(key, pending);
    }
    return pending;
  }

  private async doCreateLog(
    topic: string,
    partition: number,
    options: { topicId?: string },
  ): Promise<PartitionLog> {
    const key = partitionKey(topic, partition);
    const logDir = this.leastLoadedDir();
    const dir = joinPath(logDir, key);
    await this.fs.mkdir(dir);
    // A folder left by an interrupted creation (or a log dir that lost track of it) is loaded
    // like any other; a new, empty one needs no loading at all.
    const fresh = (await this.fs.readdir(dir)).length === 0;
    try {
      return await this.makeLog(topic, partition, { ...options, logDir, dir, fresh });
    } catch (err) {
      // A half-made new folder (out of space or file descriptors) is removed, so it neither
      // lingers nor loads as a log at the next start. Should that fail too, the next start
      // finds it as a stray log and deletes it.
      if (fresh) await this.fs.rmdir(dir).catch(() => undefined);
      throw err;
    }
  }

  private async makeLog(
    topic: string,
    partition: number,
    options: { topicId?: string; logDir: string; dir: string; fresh: boolean },
  ): Promise<PartitionLog> {
    const { logDir, dir, fresh } = options;
    const key = partitionKey(topic, partition);
    // No fsync per file: the metadata log is what says the partition exists, and a restart
    // recreates whatever of a new, empty log a crash lost (see docs/storage.md, "Creating
    // logs"). The folder's own entries are fsynced by the log's first flush.
    if (options.topicId !== undefined) {
      const path = joinPath(dir, PARTITION_METADATA_FILE);
      const text = Buffer.from(`version: 0\ntopic_id: ${options.topicId}\n`);
      if (fresh) await writeNewFile(this.fs, path, text);
      else await writeFileAtomic(this.fs, path, text, { sync: false });
    }
    const log = await PartitionLog.open({
      fs: this.fs,
      dir,
      topic,
      partition,
      config: this.configFor(topic),
      clock: this.clock,
      logger: this.logger,
      scheduler: this.scheduler,
      random: this.random,
      cleanShutdown: true,
      health: this.health.forDir(logDir),
      onFlushed: this.onLogFlushed,
      unsyncedDir: true,
      fresh,
      dirExists: true,
    });
    try {
      await this.syncLogDir(logDir);
    } catch (err) {
      await log.abandon().catch(() => undefined);
      throw err;
    }
    this.entries.set(key, { log, logDir });
    return log;
  }

  /**
   * Makes a log dir's entries durable. A group commit: while one fsync of the folder runs,
   * every caller that arrives waits for the single next one, so creating thousands of
   * partitions at once costs a handful of fsyncs instead of one each.
   */
  private syncLogDir(logDir: string): Promise<void> {
    let state = this.dirSyncs.get(logDir);
    if (state === undefined) {
      state = { running: null, next: null };
      this.dirSyncs.set(logDir, state);
    }
    const s = state;
    const start = (): Promise<void> => {
      const run = this.fs.syncDir(logDir).finally(() => {
        if (s.running === run) s.running = null;
      });
      s.running = run;
      return run;
    };
    if (s.running === null) return start();
    s.next ??= s.running
      .catch(() => undefined)
      .then(() => {
        s.next = null;
        return start();
      });
    return s.next;
  }

  /** The topic id stored in a partition's `partition.metadata`, if any. */
  async topicIdOf(topic: string, partition: number): Promise<string | undefined> {
    const entry = this.entries.get(partitionKey(topic, partition));
    if (!entry) return undefined;
    const buf = await this.fs.readFile(joinPath(entry.log.dir, PARTITION_METADATA_FILE));
    const m = buf && /topic_id: (\S+)/.exec(buf.toString('utf8'));
    return m ? m[1] : undefined;
  }

  /**
   * Writes a partition's `partition.metadata` again (a machine crash right after the log was
   * created may have lost or torn it; the metadata log still knows the topic id).
   */
  async writeTopicId(topic: string, partition: number, topicId: string): Promise<void> {
    const entry = this.entries.get(partitionKey(topic, partition));
    if (!entry) return;
    const text = Buffer.from(`version: 0\ntopic_id: ${topicId}\n`);
    await writeFileAtomic(this.fs, joinPath(entry.log.dir, PARTITION_METADATA_FILE), text);
  }

  private leastLoadedDir(): string {
    if (this.logDirs.length === 1) return this.logDirs[0]!;
    const counts = new Map(this.logDirs.map((d) => [d, 0]));
    for (const e of this.entries.values()) counts.set(e.logDir, (counts.get(e.logDir) ?? 0) + 1);
    let best = this.logDirs[0]!;
    for (const d of this.logDirs) if (counts.get(d)! < counts.get(best)!) best = d;
    return best;
  }

  /**
   * Deletes a partition's log: the folder is renamed to `<name>.<id>-delete` at once (so a
   * restart never loads it) and removed in the background. Returns false if there was none.
   */
  async deleteLog(topic: string, partition: number): Promise<boolean> {
    const key = partitionKey(topic, partition);
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.cleanerCheckpoints.delete(key);
    await entry.log.abandon();
    const id = Math.floor(this.random() * 2 ** 48)
      .toString(16)
      .padStart(12, '0');
    const doomed = joinPath(entry.logDir, `${key}.${id}${DELETE_DIR_SUFFIX}`);
    await this.fs.rename(entry.log.dir, doomed);
    await this.fs.syncDir(entry.logDir);
    this.track(
      this.fs
        .rmdir(doomed)
        .catch((err: unknown) =>
          this.logger.error('failed to remove deleted log', { dir: doomed, err }),
        ),
    );
    return true;
  }

  /**
   * Changes a topic's overrides (replacing the previous ones) for all its partitions, or with
   * `partition` for that one's log only (a partition being opened: looking at every log of
   * the broker for each one would make opening n partitions cost n² steps).
   */
  updateConfig(
    topic: string,
    config: Partial<LogConfig>,
    options: { partition?: number } = {},
  ): void {
    this.topicOverrides.set(topic, { ...config });
    const effective = this.configFor(topic);
    if (options.partition !== undefined) {
      this.getLog(topic, options.partition)?.updateConfig(effective);
      return;
    }
    for (const e of this.entries.values()) if (e.log.topic === topic) e.log.updateConfig(effective);
  }

  /**
   * Writes the recovery-point and log-start-offset checkpoints of every log dir. A log dir
   * whose disk fails keeps its previous files (a crash then recovers from older recovery
   * points, which is safe) and is reported; the result says whether every dir was written.
   */
  async checkpoint(): Promise<boolean> {
    let ok = true;
    for (const logDir of this.logDirs) ok = (await this.checkpointDir(logDir)) && ok;
    return ok;
  }

  private async checkpointDir(logDir: string): Promise<boolean> {
    try {
      await this.writeCheckpoints([logDir]);
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      this.health.failed(logDir, 'checkpoint', err);
      return false;
    }
    this.health.succeeded(logDir);
    return true;
  }

  private async writeCheckpoints(logDirs: readonly string[]): Promise<void> {
    for (const logDir of logDirs) {
      const logs = [...this.entries.values()].filter((e) => e.logDir === logDir).map((e) => e.log);
      const at = (pick: (l: PartitionLog) => number) =>
        logs.map((l) => ({ topic: l.topic, partition: l.partition, offset: pick(l) }));
      await writeCheckpoint(
        this.fs,
        joinPath(logDir, RECOVERY_POINT_CHECKPOINT_FILE),
        at((l) => l.recoveryPoint),
      );
      await writeCheckpoint(
        this.fs,
        joinPath(logDir, LOG_START_OFFSET_CHECKPOINT_FILE),
        at((l) => l.logStartOffset),
      );
      const compacted = logs.filter((l) => this.cleanerCheckpoints.has(l.name));
      if (
        compacted.length > 0 ||
        (await this.fs.stat(joinPath(logDir, CLEANER_OFFSET_CHECKPOINT_FILE)))
      ) {
        await writeCheckpoint(
          this.fs,
          joinPath(logDir, CLEANER_OFFSET_CHECKPOINT_FILE),
          compacted.map((l) => ({
            topic: l.topic,
            partition: l.partition,
            offset: this.cleanerCheckpoint(l),
          })),
        );
      }
    }
  }

  /**
   * One cleaner pass: every compacted log whose dirty ratio reaches min.cleanable.dirty.ratio
   * (or whose dirty records waited past max.compaction.lag.ms) is cleaned, dirtiest first. A log
   * whose cleaning fails is marked uncleanable (see `cleaner`) and the others are still cleaned.
   */
  async runCleaner(): Promise<CleanResult[]> {
    if (!this.managerConfig.cleanerEnable) return [];
    const results = await this.cleaner.runPass({
      logs: [...this.entries.values()],
      isOpen: (log) => this.entries.get(log.name)?.log === log,
      checkpointOf: (log) => this.cleanerCheckpoint(log),
      setCheckpoint: (log, offset) => this.cleanerCheckpoints.set(log.name, offset),
      codec: this.cleanerCodec,
      nowMs: this.clock.nowMs(),
      dedupeBufferBytes: this.managerConfig.cleanerDedupeBufferSize,
    });
    if (results.length > 0) await this.checkpoint();
    return results;
  }

  private cleanerCheckpoint(log: PartitionLog): number {
    return this.cleanerCheckpoints.get(log.name) ?? 0;
  }

  /** One retention pass over every log; returns the number of segments deleted. */
  async runRetention(): Promise<number> {
    let deleted = 0;
    for (const log of this.allLogs()) deleted += await log.deleteOldSegments();
    return deleted;
  }

  /** One flush.ms pass over every log. */
  async runFlushes(): Promise<void> {
    await Promise.all(this.allLogs().map((log) => log.flushIfDue()));
  }

  /**
   * Starts the scheduled jobs: retention (log.retention.check.interval.ms), flush.ms checks
   * (log.flush.scheduler.interval.ms) and checkpoints (log.flush.offset.checkpoint.interval.ms).
   * Each job reschedules itself after it finishes, so runs never overlap. Timers are unref'd.
   */
  startBackgroundJobs(): void {
    if (this.stopJobs.length > 0) return;
    const c = this.managerConfig;
    this.every('retention', c.retentionCheckIntervalMs, () => this.runRetention());
    this.every('flush', c.flushSchedulerIntervalMs, () => this.runFlushes());
    this.every('checkpoint', c.flushOffsetCheckpointIntervalMs, () => this.checkpoint());
    if (this.cleanerCodec && c.cleanerEnable)
      this.every('cleaner', c.cleanerBackoffMs, () => this.runCleaner());
  }

  /** Registers a repeating job (also used by the cleaner). */
  every(name: string, intervalMs: number, job: () => Promise<unknown>): void {
    let cancel = (): void => {};
    let stopped = false;
    // A failing disk fails the job on every run: say so once, until a run succeeds.
    let failingDisk = false;
    const tick = (): void => {
      const run = job()
        .then(
          () => {
            failingDisk = false;
          },
          (err: unknown) => {
            if (isStorageFailure(err) && failingDisk) return;
            failingDisk = isStorageFailure(err);
            this.logger.error(`${name} job failed`, { err });
          },
        )
        .finally(() => {
          if (!stopped) cancel = this.scheduler.schedule(intervalMs, tick);
        });
      this.track(run);
    };
    cancel = this.scheduler.schedule(intervalMs, tick);
    this.stopJobs.push(() => {
      stopped = true;
      cancel();
    });
  }

  async stopBackgroundJobs(): Promise<void> {
    for (const stop of this.stopJobs.splice(0)) stop();
    await Promise.all([...this.running]);
  }

  private track(p: Promise<unknown>): void {
    this.running.add(p);
    void p.finally(() => this.running.delete(p));
  }

  /**
   * Stops the jobs, flushes and closes every log, writes checkpoints and the clean-shutdown
   * markers. A log dir where a write failed (a full disk) gets no marker, so the next start
   * checks its logs as after a crash; closing still completes, for every log.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stopBackgroundJobs();
    // A log still being created is closed with the others.
    await Promise.allSettled([...this.creating.values()]);
    const unclean = new Set<string>();
    const entries = [...this.entries.values()];
    await forEachConcurrently(entries, CLOSE_CONCURRENCY, ({ log, logDir }) =>
      log.close().catch((err: unknown) => {
        if (!isStorageFailure(err)) throw err;
        unclean.add(logDir);
      }),
    );
    for (const logDir of this.logDirs) {
      if (!(await this.checkpointDir(logDir))) unclean.add(logDir);
      if (!unclean.has(logDir)) {
        const marker = joinPath(logDir, CLEAN_SHUTDOWN_FILE);
        const written = await writeFileAtomic(this.fs, marker, Buffer.alloc(0)).then(
          () => true,
          (err: unknown) => {
            if (!isStorageFailure(err)) throw err;
            return false;
          },
        );
        if (written) continue;
      }
      this.logger.warn(
        `log dir ${logDir} closed without its clean-shutdown marker, as writes failed: ` +
          'the next start checks its logs as after a crash',
        { logDir },
      );
    }
  }
}
