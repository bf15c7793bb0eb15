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
  close(): void | Promise<void>;
}

/** A sorted array: a binary search per lookup, a splice per insert. */
export class InMemoryOrderedBytes implements OrderedBytes {
  private readonly entries: [Buffer, Buffer][] = [];

  get(key: Buffer): Buffer | undefined {
    const i = this.search(key);
    const e = this.entries[i];
    return e !== undefined && e[0].equals(key) ? e[1] : undefined;
  }

  put(key: Buffer, value: Buffer): void {
    const i = this.search(key);
    const e = this.entries[i];
    if (e !== undefined && e[0].equals(key)) e[1] = value;
    else this.entries.splice(i, 0, [Buffer.from(key), value]);
  }

  delete(key: Buffer): void {
    const i = this.search(key);
    const e = this.entries[i];
    if (e !== undefined && e[0].equals(key)) this.entries.splice(i, 1);
  }

  range(lo: Buffer, hi: Buffer | null): [Buffer, Buffer][] {
    const out: [Buffer, Buffer][] = [];
    for (let i = this.search(lo); i < this.entries.length; i++) {
      const e = this.entries[i]!;
      if (hi !== null && Buffer.compare(e[0], hi) >= 0) break;
      out.push([e[0], e[1]]);
    }
    return out;
  }

  count(): number {
    return this.entries.length;
  }

  close(): void {}

  /** The first index whose key is >= key. */
  private search(key: Buffer): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (Buffer.compare(this.entries[mid]![0], key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * An LMDB database under `<dir>/lmdb/<name>`. It starts empty (the store is restored from its
 * changelog on every start, which is what makes it durable), so it is opened without fsync.
 */
export class LmdbOrderedBytes implements OrderedBytes {
  private db: RootDatabase<Buffer, Buffer> | null;

  constructor(dir: string, name: string) {
    const path = join(dir, 'lmdb', name);
    rmSync(path, { recursive: true, force: true });
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

/** Opens the backend of a store given its context's directory (null: in memory). */
export type OrderedBytesFactory = (stateDir: string | null, name: string) => OrderedBytes;

export const inMemoryBytes: OrderedBytesFactory = () => new InMemoryOrderedBytes();

export const lmdbBytes: OrderedBytesFactory = (stateDir, name) => {
  if (stateDir === null) throw new Error(`persistent store ${name} needs a state directory`);
  return new LmdbOrderedBytes(stateDir, name);
};
