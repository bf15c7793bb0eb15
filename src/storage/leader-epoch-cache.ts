// A partition's leader epochs and the offset each began at, kept in `leader-epoch-checkpoint`
// in Kafka's text format (a version line `0`, a count, then `epoch startOffset` lines). It
// answers OffsetForLeaderEpoch: where did epoch E end?
import { joinPath, writeFileAtomic, type FileSystem } from './fs/file-system.js';
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

  /** Loads the partition's checkpoint, dropping epochs that start past the log end. */
  static async load(fs: FileSystem, dir: string, logEndOffset: number): Promise<LeaderEpochCache> {
    const path = joinPath(dir, LEADER_EPOCH_CHECKPOINT_FILE);
    const buf = await fs.readFile(path);
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

  /** Records that `epoch` starts at `startOffset` if it is newer than the latest one. */
  async assign(epoch: number, startOffset: number): Promise<void> {
    if (epoch <= this.latestEpoch) return;
    this.entries = [...this.entries, { epoch, startOffset }];
    await this.write();
  }

  /**
   * Kafka's endOffsetFor: the largest epoch <= `epoch` and the offset where it ended (the next
   * epoch's start, or the log end for the latest); (-1, -1) when `epoch` precedes them all.
   */
  endOffsetFor(epoch: number, logEndOffset: number): { epoch: number; endOffset: number } {
    if (epoch === this.latestEpoch) return { epoch, endOffset: logEndOffset };
    let found = -1;
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i]!.epoch <= epoch) found = i;
    if (found < 0) return { epoch: -1, endOffset: -1 };
    const next = this.entries[found + 1];
    return { epoch: this.entries[found]!.epoch, endOffset: next?.startOffset ?? logEndOffset };
  }

  private write(): Promise<void> {
    const lines = ['0', String(this.entries.length)];
    for (const e of this.entries) lines.push(`${e.epoch} ${e.startOffset}`);
    return writeFileAtomic(this.fs, this.path, Buffer.from(lines.join('\n') + '\n'));
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
