// A partition's leader epochs and the offset each began at, kept in `leader-epoch-checkpoint`
// in Kafka's text format (a version line `0`, a count, then `epoch startOffset` lines). It
// answers OffsetForLeaderEpoch: where did epoch E end?
import { joinPath, writeFileAtomic, writeNewFile, type FileSystem } from './fs/file-system.js';
import { LEADER_EPOCH_CHECKPOINT_FILE } from './checkpoint-file.js';

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export class LeaderEpochCache {
  private entries: EpochEntry[];

  private constructor(
    private readonly fs: FileSystem,
    private readonly path: string,
    entries: EpochEntry[],
  ) {
    this.entries = entries;
  }

  /** The cache of a new log, whose folder holds no checkpoint yet (nothing to read). */
  static empty(fs: FileSystem, dir: string): LeaderEpochCache {
    return new LeaderEpochCache(fs, joinPath(dir, LEADER_EPOCH_CHECKPOINT_FILE), []);
  }

  /** Loads the partition's checkpoint, dropping epochs that start past the log end. */
  static async load(
    fs: FileSystem,
    dir: string,
    logEndOffset: number,
    /** The folder's file names when known: no checkpoint among them means none to read. */
    files?: ReadonlySet<string> | null,
  ): Promise<LeaderEpochCache> {
    const path = joinPath(dir, LEADER_EPOCH_CHECKPOINT_FILE);
    const absent = files != null && !files.has(LEADER_EPOCH_CHECKPOINT_FILE);
    const buf = absent ? null : await fs.readFile(path);
    const parsed = buf === null ? [] : parse(buf.toString('utf8'));
    return new LeaderEpochCache(
      fs,
      path,
      parsed.filter((e) => e.startOffset <= logEndOffset),
    );
  }

  get latestEpoch(): number {
    return this.entries[this.entries.length - 1]?.epoch ?? -1;
  }

  list(): readonly EpochEntry[] {
    return this.entries;
  }

  /**
   * Records that `epoch` starts at `startOffset` if it is newer than the latest one. With
   * `sync: false` the checkpoint is replaced without fsync: for the first epoch of an empty
   * log, which the partition assigns again when it is opened after a crash. `newFile` says the
   * file does not exist yet (a new log's folder), so it is written in place.
   */
  async assign(
    epoch: number,
    startOffset: number,
    options: { sync?: boolean; newFile?: boolean } = {},
  ): Promise<void> {
    if (epoch <= this.latestEpoch) return;
    this.entries = [...this.entries, { epoch, startOffset }];
    const data = this.encode();
    if (options.newFile === true) await writeNewFile(this.fs, this.path, data);
    else await writeFileAtomic(this.fs, this.path, data, { sync: options.sync ?? true });
  }

  /**
   * A follower cut its log at `offset`: epochs starting at or past it are gone with their
   * records (Kafka's truncateFromEnd). Written with fsync, as the truncation itself is.
   */
  async truncateFromEnd(offset: number): Promise<void> {
    const kept = this.entries.filter((e) => e.startOffset < offset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    await writeFileAtomic(this.fs, this.path, this.encode(), { sync: true });
  }

  /**
   * Kafka's endOffsetFor: the largest epoch <= `epoch` and the offset where it ended (the next
   * epoch's start, or the log end for the latest epoch). An epoch newer than every known one
   * gives (-1, -1); one older than every known one gives itself with the first epoch's start
   * (its records are gone; a follower continues from there).
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (epoch < 0) return { epoch: -1, endOffset: -1 };
    if (epoch === this.latestEpoch) return { epoch, endOffset: logEndOffset };
    const higher = this.entries.findIndex((e) => e.epoch > epoch);
    if (higher < 0) return { epoch: -1, endOffset: -1 };
    const start = this.entries[higher]!.startOffset;
    if (higher === 0) return { epoch, endOffset: start };
    return { epoch: this.entries[higher - 1]!.epoch, endOffset: start };
  }

  private encode(): Buffer {
    const lines = ['0', String(this.entries.length)];
    for (const e of this.entries) lines.push(`${e.epoch} ${e.startOffset}`);
    return Buffer.from(lines.join('\n') + '\n');
  }
}

function parse(text: string): EpochEntry[] {
  const lines = text.split('\n');
  const count = Number(lines[1]);
  if (lines[0] !== '0' || !Number.isSafeInteger(count) || count < 0) return [];
  const out: EpochEntry[] = [];
  for (let i = 0; i < count; i++) {
    const [epoch, start] = (lines[i + 2] ?? '').split(' ').map(Number);
    if (!Number.isSafeInteger(epoch) || !Number.isSafeInteger(start)) return [];
    out.push({ epoch: epoch!, startOffset: start! });
  }
  return out;
}
