// Kafka's CachingKeyValueStore: a record cache in front of a key-value store. Puts land in the
// cache as bytes (so the store's semantics stay those of its serdes); only the last value of a
// key between two commits is written to the store below and its changelog, and — when a
// processor registered a flush listener, as the DSL's aggregations do — forwarded downstream.
// That happens on commit (flush) or when the thread's cache budget is exceeded (eviction).
// Without a thread cache (the test driver, statestore.cache.max.bytes=0) every call goes
// straight through and the processor forwards by itself.
import type { Serde } from '../serdes.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import type { StateStoreContext } from './state-store.js';
import { CACHE_ENTRY_OVERHEAD_BYTES, type ThreadCache } from './thread-cache.js';

/** Receives each flushed entry: its key, new and previous (flushed) values, and timestamp. */
export type CacheFlushListener<K, V> = (
  key: K,
  newValue: V | null,
  oldValue: V | null,
  timestampMs: number,
) => void;

interface Entry {
  key: Buffer;
  value: Buffer | null;
  dirty: boolean;
  timestampMs: number;
  sizeBytes: number;
}

export class CachingKeyValueStore<K, V> implements KeyValueStore<K, V> {
  /** Keys as latin1 strings: one char per byte, so string order is key-byte order. */
  private readonly entries = new Map<string, Entry>();
  private dirtyCount = 0;
  private cache: ThreadCache | null = null;
  private context: StateStoreContext | null = null;
  private listener: CacheFlushListener<K, V> | null = null;

  constructor(
    readonly inner: KeyValueStore<K, V>,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  init(context: StateStoreContext): void {
    this.context = context;
    this.cache = context.cache ?? null;
    this.inner.init(context);
  }

  /**
   * Registers who forwards flushed entries; true when the cache is on, so the processor
   * leaves forwarding to the flush (Kafka's TimestampedTupleForwarder).
   */
  setFlushListener(listener: CacheFlushListener<K, V>): boolean {
    this.listener = listener;
    return this.cache !== null && this.cache.maxBytes > 0;
  }

  get hasDirtyEntries(): boolean {
    return this.dirtyCount > 0;
  }

  get(key: K): V | null {
    if (!this.caching) return this.inner.get(key);
    const e = this.entries.get(this.keyBytes(key).toString('latin1'));
    if (e === undefined) return this.inner.get(key);
    return e.value === null ? null : this.valueSerde.deserialize(this.name, e.value);
  }

  put(key: K, value: V | null): void {
    if (!this.caching) return this.inner.put(key, value);
    const k = this.keyBytes(key);
    const v = value === null ? null : this.valueSerde.serialize(this.name, value);
    const id = k.toString('latin1');
    const sizeBytes = k.length + (v?.length ?? 0) + CACHE_ENTRY_OVERHEAD_BYTES;
    const timestampMs = this.context?.recordTimestamp?.get() ?? 0;
    let e = this.entries.get(id);
    if (e === undefined) {
      e = { key: k, value: v, dirty: true, timestampMs, sizeBytes };
      this.dirtyCount++;
      this.cache!.adjust(sizeBytes);
    } else {
      // Deleting first moves the key to the end: Map order is least recently written first.
      this.entries.delete(id);
      if (!e.dirty) this.dirtyCount++;
      this.cache!.adjust(sizeBytes - e.sizeBytes);
      e.value = v;
      e.dirty = true;
      e.timestampMs = timestampMs;
      e.sizeBytes = sizeBytes;
    }
    this.entries.set(id, e);
    this.evict();
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
    const lo = this.keyBytes(from).toString('latin1');
    const hi = this.keyBytes(to).toString('latin1');
    return this.merged(this.inner.range(from, to), (id) => id >= lo && id <= hi);
  }

  all(): KeyValue<K, V>[] {
    return this.merged(this.inner.all(), () => true);
  }

  approximateNumEntries(): number {
    return this.inner.approximateNumEntries() + this.dirtyCount;
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.inner.restore(key, value);
  }

  /** Writes the dirty entries through (forwarding them), then flushes the store below. */
  async flush(): Promise<void> {
    this.flushCache();
    await this.inner.flush();
  }

  /** Writes every dirty entry through, least recently written first; they stay cached, clean. */
  flushCache(): void {
    if (this.dirtyCount === 0) return;
    for (const e of [...this.entries.values()]) if (e.dirty) this.writeThrough(e);
  }

  async close(): Promise<void> {
    // Whatever is still dirty was not committed: a clean close has flushed it already.
    let sizeBytes = 0;
    for (const e of this.entries.values()) sizeBytes += e.sizeBytes;
    this.cache?.adjust(-sizeBytes);
    this.entries.clear();
    this.dirtyCount = 0;
    await this.inner.close();
  }

  private get caching(): boolean {
    return this.cache !== null && this.cache.maxBytes > 0;
  }

  private evict(): void {
    const cache = this.cache!;
    while (cache.overLimit && this.entries.size > 0) {
      const [id, e] = this.entries.entries().next().value as [string, Entry];
      if (e.dirty) this.writeThrough(e);
      this.entries.delete(id);
      cache.adjust(-e.sizeBytes);
    }
  }

  private writeThrough(e: Entry): void {
    e.dirty = false;
    this.dirtyCount--;
    const key = this.keySerde.deserialize(this.name, e.key) as K;
    const newValue = e.value === null ? null : this.valueSerde.deserialize(this.name, e.value);
    const clock = this.context?.recordTimestamp;
    const before = clock?.get() ?? 0;
    // The changelog record and the forwarded one carry the entry's timestamp.
    clock?.set(e.timestampMs);
    try {
      const oldValue = this.listener === null ? null : this.inner.get(key);
      this.inner.put(key, newValue);
      this.listener?.(key, newValue, oldValue, e.timestampMs);
    } finally {
      clock?.set(before);
    }
  }

  /** The store's entries with the dirty cached ones laid over them, in key-byte order. */
  private merged(stored: KeyValue<K, V>[], inRange: (id: string) => boolean): KeyValue<K, V>[] {
    const byId = new Map<string, KeyValue<K, V> | null>();
    for (const kv of stored) byId.set(this.keyBytes(kv.key).toString('latin1'), kv);
    for (const [id, e] of this.entries) {
      if (!e.dirty || !inRange(id)) continue;
      byId.set(
        id,
        e.value === null
          ? null
          : {
              key: this.keySerde.deserialize(this.name, e.key) as K,
              value: this.valueSerde.deserialize(this.name, e.value) as V,
            },
      );
    }
    return [...byId]
      .filter((x): x is [string, KeyValue<K, V>] => x[1] !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, kv]) => kv);
  }

  private keyBytes(key: K): Buffer {
    const k = this.keySerde.serialize(this.name, key);
    if (k === null) throw new Error(`store ${this.name} cannot hold a null key`);
    return k;
  }
}
