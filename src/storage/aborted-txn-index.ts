// The aborted transactions of a partition, for read_committed fetches: which producer's
// records between which offsets a consumer must drop. Kept in memory and persisted per segment
// in `<base>.txnindex`, Kafka's format (TransactionIndex): 34-byte entries of int16 version (0),
// int64 producer id, int64 first offset, int64 last offset (the ABORT marker's), int64 last
// stable offset when the marker was written. The entry goes in the file of the segment that
// holds its marker, so it is removed together with that segment.
import { joinPath, writeFileAtomic, type FileSystem } from './fs/file-system.js';
import { TXN_INDEX_FILE_SUFFIX, offsetFileName } from './log-segment.js';

const ENTRY_BYTES = 34;
const ENTRY_VERSION = 0;

export interface AbortedTxn {
  producerId: bigint;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export function encodeTxnIndex(entries: readonly AbortedTxn[]): Buffer {
  const buf = Buffer.alloc(entries.length * ENTRY_BYTES);
  entries.forEach((e, i) => {
    const pos = i * ENTRY_BYTES;
    buf.writeInt16BE(ENTRY_VERSION, pos);
    buf.writeBigInt64BE(e.producerId, pos + 2);
    buf.writeBigInt64BE(BigInt(e.firstOffset), pos + 10);
    buf.writeBigInt64BE(BigInt(e.lastOffset), pos + 18);
    buf.writeBigInt64BE(BigInt(e.lastStableOffset), pos + 26);
  });
  return buf;
}

/** Entries of a `.txnindex` file; a torn last entry or an unknown version ends the list. */
export function decodeTxnIndex(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = [];
  for (let pos = 0; pos + ENTRY_BYTES <= buf.length; pos += ENTRY_BYTES) {
    if (buf.readInt16BE(pos) !== ENTRY_VERSION) break;
    out.push({
      producerId: buf.readBigInt64BE(pos + 2),
      firstOffset: Number(buf.readBigInt64BE(pos + 10)),
      lastOffset: Number(buf.readBigInt64BE(pos + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(pos + 26)),
    });
  }
  return out;
}

export class AbortedTxnIndex {
  /** Ordered by last offset (markers are appended in log order). */
  private entries: AbortedTxn[] = [];

  constructor(
    private readonly fs: FileSystem,
    private readonly dir: string,
  ) {}

  /** Loads the `.txnindex` files of the given segments, dropping entries at or past `endOffset`. */
  static async load(
    fs: FileSystem,
    dir: string,
    options: {
      segmentBaseOffsets: readonly number[];
      endOffset: number;
      /** The folder's file names when known: segments without a `.txnindex` are not read. */
      files?: ReadonlySet<string> | null;
    },
  ): Promise<AbortedTxnIndex> {
    const index = new AbortedTxnIndex(fs, dir);
    for (const base of options.segmentBaseOffsets) {
      const name = offsetFileName(base, TXN_INDEX_FILE_SUFFIX);
      if (options.files != null && !options.files.has(name)) continue;
      const buf = await fs.readFile(joinPath(dir, name));
      if (buf === null) continue;
      for (const e of decodeTxnIndex(buf)) {
        if (e.lastOffset < options.endOffset) index.entries.push(e);
      }
    }
    index.entries.sort((a, b) => a.lastOffset - b.lastOffset);
    return index;
  }

  get size(): number {
    return this.entries.length;
  }

  has(producerId: bigint, lastOffset: number): boolean {
    return this.entries.some((e) => e.producerId === producerId && e.lastOffset === lastOffset);
  }

  /** Adds an entry and rewrites the `.txnindex` of the segment holding its marker. */
  async add(entry: AbortedTxn, segmentBaseOffset: number): Promise<void> {
    this.entries.push(entry);
    const inSegment = this.entries.filter((e) => e.lastOffset >= segmentBaseOffset);
    const path = joinPath(this.dir, offsetFileName(segmentBaseOffset, TXN_INDEX_FILE_SUFFIX));
    await writeFileAtomic(this.fs, path, encodeTxnIndex(inSegment));
  }

  /**
   * The aborted transactions a read_committed fetch from `fetchOffset` up to `upperOffset`
   * (exclusive) must know of: those whose marker is at or after the fetch offset and whose
   * first record is before the upper bound.
   */
  collect(fetchOffset: number, upperOffset: number): AbortedTxn[] {
    return this.entries.filter((e) => e.lastOffset >= fetchOffset && e.firstOffset < upperOffset);
  }

  /**
   * A follower cut its log at `offset`: entries whose marker is at or past it are gone, and
   * the `.txnindex` of the segment now holding the log end (based at `segmentBaseOffset`) is
   * rewritten without them (later segments were deleted with their files).
   */
  async truncateFrom(offset: number, segmentBaseOffset: number): Promise<void> {
    const kept = this.entries.filter((e) => e.lastOffset < offset);
    if (kept.length === this.entries.length) return;
    this.entries = kept;
    const inSegment = kept.filter((e) => e.lastOffset >= segmentBaseOffset);
    const path = joinPath(this.dir, offsetFileName(segmentBaseOffset, TXN_INDEX_FILE_SUFFIX));
    await writeFileAtomic(this.fs, path, encodeTxnIndex(inSegment));
  }

  /** Forgets entries whose marker is below the log start offset (their records are gone). */
  trimBefore(logStartOffset: number): void {
    if (this.entries.length > 0 && this.entries[0]!.lastOffset < logStartOffset) {
      this.entries = this.entries.filter((e) => e.lastOffset >= logStartOffset);
    }
  }
}
