// The byte-ordered maps under the window and session stores: one in memory, one on disk
// (LMDB). The stores lay out their keys so that the entries they look up together are
// adjacent in byte order, and need nothing more than get, put, delete and a range scan.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';

export interface OrderedBytes {
  get(key: Buffer): Buffer | undefined;
  put(key: Buffer, value: Buffer): void;
  delete(key: Buffer): void;
  /** Entries with lo <= key < hi (hi null: to the end), in byte order. */
  range(lo: Buffer, hi: Buffer | null): [Buffer, Buffer][];
  count(): number;
  /** Runs fn's writes as one unit (one LMDB transaction instead of one per write). */
  batch(fn: () => void): void;
  close(): void | Promise<void>;
}

/**
 * Sorted keys beside a Map of values. Keys are held as latin1 strings (one char per byte),
 * which compare in JavaScript exactly as the bytes do and much faster than Buffers. The sorted
 * keys are kept in blocks of at most BLOCK_MAX, so an insert moves a block, not the whole list.
 */
const BLOCK_MAX = 512;

export class InMemoryOrderedBytes implements OrderedBytes {
  private readonly blocks: string[][] = [[]];
  private readonly values = new Map<string, Buffer>();

  get(key: Buffer): Buffer | undefined {
    return this.values.get(key.toString('latin1'));
  }

  put(key: Buffer, value: Buffer): void {
    const k = key.toString('latin1');
    if (!this.values.has(k)) {
      const [b, i] = this.search(k);
      const block = this.blocks[b]!;
      block.splice(i, 0, k);
      if (block.length > BLOCK_MAX) this.blocks.splice(b + 1, 0, block.splice(BLOCK_MAX / 2));
    }
    this.values.set(k, value);
  }

  delete(key: Buffer): void {
    const k = key.toString('latin1');
    if (!this.values.delete(k)) return;
    const [b, i] = this.search(k);
    const block = this.blocks[b]!;
    block.splice(i, 1);
    if (block.length === 0 && this.blocks.length > 1) this.blocks.splice(b, 1);
  }

  range(lo: Buffer, hi: Buffer | null): [Buffer, Buffer][] {
    const h = hi === null ? null : hi.toString('latin1');
    const out: [Buffer, Buffer][] = [];
    let [b, i] = this.search(lo.toString('latin1'));
    for (; b < this.blocks.length; b++, i = 0) {
      const block = this.blocks[b]!;
      for (; i < block.length; i++) {
        const k = block[i]!;
        if (h !== null && k >= h) return out;
        out.push([Buffer.from(k, 'latin1'), this.values.get(k)!]);
      }
    }
    return out;
  }

  count(): number {
    return this.values.size;
  }

  batch(fn: () => void): void {
    fn();
  }

  close(): void {}

  /** The block and the index in it of the first key >= key. */
  private search(key: string): [number, number] {
    // The last block whose first key is <= key (or the first block).
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const first = this.blocks[mid]![0];
      if (first !== undefined && first <= key) lo = mid;
      else hi = mid - 1;
    }
    const block = this.blocks[lo]!;
    let a = 0;
    let z = block.length;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (block[mid]! < key) a = mid + 1;
      else z = mid;
    }
    return [lo, a];
  }
}

/**
 * An LMDB database under `<dir>/lmdb/<name>`. It starts empty unless `keep` says its files
 * match the task's checkpoint (then only the changelog's tail is restored); the changelog is
 * what makes it durable, so it is opened without fsync.
 */
export class LmdbOrderedBytes implements OrderedBytes {
  private db: RootDatabase<Buffer, Buffer> | null;

  constructor(dir: string, name: string, keep = false) {
    const path = join(dir, 'lmdb', name);
    if (!keep) rmSync(path, { recursive: true, force: true });
    this.db = open<Buffer, Buffer>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      noSync: true,
      noMetaSync: true,
    });
  }

  get(key: Buffer): Buffer | undefined {
    return this.open().get(key);
  }

  put(key: Buffer, value: Buffer): void {
    this.open().putSync(key, value);
  }

  delete(key: Buffer): void {
    this.open().removeSync(key);
  }

  range(lo: Buffer, hi: Buffer | null): [Buffer, Buffer][] {
    const opts = hi === null ? { start: lo } : { start: lo, end: hi };
    return [...this.open().getRange(opts)].map((e) => [e.key, e.value]);
  }

  count(): number {
    return this.open().getCount();
  }

  batch(fn: () => void): void {
    this.open().transactionSync(fn);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    await db?.close();
  }

  private open(): RootDatabase<Buffer, Buffer> {
    if (this.db === null) throw new Error('the store is closed');
    return this.db;
  }
}

/**
 * Opens the backend of a store given its context's directory (null: in memory); `keep`: the
 * files left by the last run are valid (a checkpoint speaks for them).
 */
export type OrderedBytesFactory = (
  stateDir: string | null,
  name: string,
  keep?: boolean,
) => OrderedBytes;

export const inMemoryBytes: OrderedBytesFactory = () => new InMemoryOrderedBytes();

export const lmdbBytes: OrderedBytesFactory = (stateDir, name, keep) => {
  if (stateDir === null) throw new Error(`persistent store ${name} needs a state directory`);
  return new LmdbOrderedBytes(stateDir, name, keep);
};
