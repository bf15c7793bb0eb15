// A persistent key-value store on LMDB (the `lmdb` package, which ships prebuilt binaries in
// npm packages), Kafka's Stores.persistentKeyValueStore in role: state lives on disk under
// `<state.dir>/<application.id>/<task id>/lmdb/<store>`, not in the heap, so a store may hold
// more than memory. Reads and writes are synchronous (LMDB reads are memory-mapped), as a
// processor expects. The task's `.checkpoint` file says how much of its changelog the copy on
// disk holds: with one the store keeps its files and only the tail is restored; without one
// (first start, or after a crash under exactly-once) it starts empty and is restored in full.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Serde } from '../serdes.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import type { StateStoreContext } from './state-store.js';

export class LmdbKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly persistent = true;
  private db: RootDatabase<Buffer, Buffer> | null = null;
  private context: StateStoreContext | null = null;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  init(context: StateStoreContext): void {
    if (context.stateDir === null || context.stateDir === undefined)
      throw new Error(`persistent store ${this.name} needs a state directory`);
    this.context = context;
    const path = join(context.stateDir, 'lmdb', this.name);
    if (context.localStateValid !== true) rmSync(path, { recursive: true, force: true });
    // No fsync: the changelog is what makes the store durable, and a sync per write would cost
    // most of its speed. A checkpoint therefore survives a process crash (the writes are in the
    // page cache) but not a machine crash that loses them, as with Kafka's RocksDB stores.
    this.db = open<Buffer, Buffer>({
      path,
      keyEncoding: 'binary',
      encoding: 'binary',
      noSync: true,
      noMetaSync: true,
    });
  }

  get(key: K): V | null {
    const v = this.open().get(this.keyBytes(key));
    return v === undefined ? null : this.valueSerde.deserialize(this.name, v);
  }

  put(key: K, value: V | null): void {
    const k = this.keyBytes(key);
    const v = value === null ? null : this.valueSerde.serialize(this.name, value);
    this.restore(k, v);
    this.context?.changeLogger?.log(k, v);
  }

  putIfAbsent(key: K, value: V): V | null {
    const old = this.get(key);
    if (old === null) this.put(key, value);
    return old;
  }

  delete(key: K): V | null {
    const old = this.get(key);
    this.put(key, null);
    return old;
  }

  range(from: K, to: K): KeyValue<K, V>[] {
    const end = this.keyBytes(to);
    const out: KeyValue<K, V>[] = [];
    for (const e of this.open().getRange({ start: this.keyBytes(from) })) {
      if (Buffer.compare(e.key, end) > 0) break;
      out.push(this.typed(e.key, e.value));
    }
    return out;
  }

  all(): KeyValue<K, V>[] {
    return [...this.open().getRange({})].map((e) => this.typed(e.key, e.value));
  }

  approximateNumEntries(): number {
    return this.open().getCount();
  }

  restore(key: Buffer, value: Buffer | null): void {
    if (value === null) this.open().removeSync(key);
    else this.open().putSync(key, value);
  }

  flush(): void {}

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    await db?.close();
  }

  private open(): Database<Buffer, Buffer> {
    if (this.db === null) throw new Error(`store ${this.name} is not open`);
    return this.db;
  }

  private keyBytes(key: K): Buffer {
    const k = this.keySerde.serialize(this.name, key);
    if (k === null) throw new Error(`store ${this.name} cannot hold a null key`);
    return k;
  }

  private typed(key: Buffer, value: Buffer): KeyValue<K, V> {
    return {
      key: this.keySerde.deserialize(this.name, key) as K,
      value: this.valueSerde.deserialize(this.name, value) as V,
    };
  }
}
