// Opening a partition's folder: clean up leftovers of interrupted operations, finish an
// interrupted compaction swap, load every segment, and after an unclean shutdown check every
// segment from the recovery point on, batch by batch (Kafka's LogLoader).
import type { StorageLogger } from './environment.js';
import { joinPath, type FileSystem } from './fs/file-system.js';
import {
  CLEANED_FILE_SUFFIX,
  DELETED_FILE_SUFFIX,
  INDEX_FILE_SUFFIX,
  LOG_FILE_SUFFIX,
  LogSegment,
  SWAP_FILE_SUFFIX,
  TIME_INDEX_FILE_SUFFIX,
  offsetFileName,
  type SegmentSettings,
} from './log-segment.js';
import { isStorageFailure, type DirHealth } from './storage-health.js';

export interface LoadOptions {
  fs: FileSystem;
  dir: string;
  settings: SegmentSettings;
  nowMs: number;
  rollJitterMs: () => number;
  logStartOffset: number;
  recoveryPoint: number;
  cleanShutdown: boolean;
  logger: StorageLogger;
  name: string;
  health: DirHealth;
}

const SEGMENT_FILE = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)$/;

export interface LoadedSegments {
  segments: LogSegment[];
  recoveryPoint: number;
  /**
   * The folder's file names once loaded, so later loaders need not list or probe it; null
   * after a recovery, which may have deleted or rewritten files.
   */
  files: ReadonlySet<string> | null;
}

export async function loadSegments(o: LoadOptions): Promise<LoadedSegments> {
  let names = await o.fs.readdir(o.dir);
  let changed = false;
  for (const name of names) {
    if (
      name.endsWith(DELETED_FILE_SUFFIX) ||
      name.endsWith(CLEANED_FILE_SUFFIX) ||
      name.endsWith('.tmp')
    ) {
      await o.fs.unlink(joinPath(o.dir, name));
      changed = true;
    }
  }
  const swaps = names.filter((n) => n.endsWith(SWAP_FILE_SUFFIX));
  await completeSwaps(o, swaps);
  // Listing the folder again only when something was removed or renamed: with thousands of
  // partitions, every system call per log shows in the start-up time.
  if (changed || swaps.length > 0) names = await o.fs.readdir(o.dir);
  const bases = names
    .map((n) => SEGMENT_FILE.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && m[2] === LOG_FILE_SUFFIX)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  await removeOrphanIndexes(o, names, new Set(bases));
  if (bases.length === 0) {
    const start = Math.max(0, o.logStartOffset);
    const segment = await LogSegment.create(o.fs, o.dir, {
      baseOffset: start,
      settings: o.settings,
      nowMs: o.nowMs,
      rollJitterMs: o.rollJitterMs(),
    });
    const files = new Set([...names, offsetFileName(start, LOG_FILE_SUFFIX)]);
    return { segments: [segment], recoveryPoint: start, files };
  }
  const loaded = await loadExisting(o, bases, new Set(names));
  // A recovery may delete or rewrite files: then nothing is known about the folder.
  return { ...loaded, files: loaded.recovered ? null : new Set(names) };
}

async function loadExisting(
  o: LoadOptions,
  bases: number[],
  files: ReadonlySet<string>,
): Promise<{ segments: LogSegment[]; recoveryPoint: number; recovered: boolean }> {
  const segments: LogSegment[] = [];
  let recovered = false;
  let truncatedBytes = 0;
  for (let i = 0; i < bases.length; i++) {
    const baseOffset = bases[i]!;
    const nextBase = bases[i + 1] ?? Infinity;
    const recover = !o.cleanShutdown && nextBase > o.recoveryPoint;
    const previous = segments[segments.length - 1];
    const { segment, recovery } = await LogSegment.load(o.fs, o.dir, {
      baseOffset,
      settings: o.settings,
      nowMs: o.nowMs,
      rollJitterMs: i === bases.length - 1 ? o.rollJitterMs() : 0,
      recover,
      minOffset: previous ? previous.nextOffset : 0,
      maxOffset: nextBase,
      files,
    });
    segments.push(segment);
    if (!recovery) continue;
    recovered = true;
    // Index files only save a rebuild at the next start; a full disk must not stop this one.
    await segment.persistIndexes().catch((err: unknown) => {
      if (!isStorageFailure(err)) throw err;
      o.health.failed('index write', err);
    });
    if (recovery.truncatedBytes === 0) continue;
    truncatedBytes += recovery.truncatedBytes;
    const dropped = bases.slice(i + 1);
    o.logger.warn('recovery truncated log', {
      log: o.name,
      segment: baseOffset,
      problem: recovery.problem,
      validBytes: recovery.validBytes,
      truncatedBytes: recovery.truncatedBytes,
      deletedSegments: dropped.length,
    });
    // Nothing after the first bad byte can be trusted to continue the log.
    for (const base of dropped) await deleteSegmentFilesByName(o, base);
    break;
  }
  const logEnd = segments[segments.length - 1]!.nextOffset;
  if (recovered) {
    // The recovered bytes may have been only in the page cache (a process crash): make them
    // durable before calling them recovered.
    await Promise.all(segments.filter((s) => s.nextOffset > o.recoveryPoint).map((s) => s.sync()));
    await o.fs.syncDir(o.dir);
    o.logger.info('recovered log', {
      log: o.name,
      logEndOffset: logEnd,
      truncatedBytes,
      segments: segments.length,
    });
  }
  return {
    segments,
    recoveryPoint: o.cleanShutdown || recovered ? logEnd : Math.min(o.recoveryPoint, logEnd),
    recovered,
  };
}

async function deleteSegmentFilesByName(o: LoadOptions, base: number): Promise<void> {
  for (const suffix of [LOG_FILE_SUFFIX, INDEX_FILE_SUFFIX, TIME_INDEX_FILE_SUFFIX, '.txnindex']) {
    await o.fs.unlink(joinPath(o.dir, offsetFileName(base, suffix)));
  }
}

async function removeOrphanIndexes(
  o: LoadOptions,
  names: readonly string[],
  bases: Set<number>,
): Promise<void> {
  for (const name of names) {
    const m = SEGMENT_FILE.exec(name);
    if (m && m[2] !== LOG_FILE_SUFFIX && !bases.has(Number(m[1])))
      await o.fs.unlink(joinPath(o.dir, name));
  }
}

/**
 * A `.swap` file is a cleaned segment whose swap was committed but not finished: it replaces
 * the old segments whose base offsets fall within its offset range. Finish the job.
 */
async function completeSwaps(o: LoadOptions, swapNames: string[]): Promise<void> {
  const logSwaps = swapNames.filter((n) => n.endsWith(LOG_FILE_SUFFIX + SWAP_FILE_SUFFIX));
  for (const name of logSwaps) {
    const base = Number(name.slice(0, 20));
    const lastOffset = Number(name.slice(21, 41));
    for (const existing of await o.fs.readdir(o.dir)) {
      const m = SEGMENT_FILE.exec(existing);
      if (m && Number(m[1]) >= base && Number(m[1]) <= lastOffset)
        await o.fs.unlink(joinPath(o.dir, existing));
    }
    await o.fs.rename(
      joinPath(o.dir, name),
      joinPath(o.dir, offsetFileName(base, LOG_FILE_SUFFIX)),
    );
  }
  // Index swaps are rebuilt from the log rather than trusted.
  for (const name of swapNames)
    if (!logSwaps.includes(name)) await o.fs.unlink(joinPath(o.dir, name));
}
