// The in-memory window store (Kafka's Stores.inMemoryWindowStore): values per (key, window
// start), kept for the retention period behind stream time. Changelog keys use Kafka's window
// key layout (key bytes, 8-byte window start, 4-byte sequence number), so the changelog of a
// Java application and ours look alike.
import type { Serde } from '../serdes.js';
import type { StateStore, StateStoreContext } from './state-store.js';

export interface Windowed<K> {
  key: K;
  window: { startMs: number; endMs: number };
}

export interface ReadOnlyWindowStore<K, V> {
  fetch(key: K, windowStartMs: number): V | null;
  /** The windows of a key that start between fromMs and toMs, oldest first. */
  fetchRange(key: K, fromMs: number, toMs: number): { windowStartMs: number; value: V }[];
  all(): { key: K; windowStartMs: number; value: V }[];
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V>, StateStore {
  put(key: K, value: V | null, windowStartMs: number): void;
}

interface Entry {
  key: Buffer;
  startMs: number;
  value: Buffer;
}

export class InMemoryWindowStore<K, V> implements WindowStore<K, V> {
  readonly persistent = false;
  private readonly entries = new Map<string, Entry>();
  private context: StateStoreContext | null = null;

  constructor(
    readonly name: string,
    readonly retentionMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  init(context: StateStoreContext): void {
    this.context = context;
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    const k = this.keySerde.serialize(this.name, key);
    if (k === null) throw new Error(`store ${this.name} cannot hold a null key`);
    const v = value === null ? null : this.valueSerde.serialize(this.name, value);
    const storeKey = windowKey(k, windowStartMs);
    this.apply(storeKey, v);
    this.context?.changeLogger?.log(storeKey, v);
  }

  fetch(key: K, windowStartMs: number): V | null {
    const k = this.keySerde.serialize(this.name, key);
    const e =
      k === null ? undefined : this.entries.get(windowKey(k, windowStartMs).toString('hex'));
    return e === undefined ? null : this.valueSerde.deserialize(this.name, e.value);
  }

  fetchRange(key: K, fromMs: number, toMs: number): { windowStartMs: number; value: V }[] {
    const k = this.keySerde.serialize(this.name, key);
    if (k === null) return [];
    return this.live()
      .filter((e) => e.key.equals(k) && e.startMs >= fromMs && e.startMs <= toMs)
      .map((e) => ({
        windowStartMs: e.startMs,
        value: this.valueSerde.deserialize(this.name, e.value) as V,
      }));
  }

  all(): { key: K; windowStartMs: number; value: V }[] {
    return this.live().map((e) => ({
      key: this.keySerde.deserialize(this.name, e.key) as K,
      windowStartMs: e.startMs,
      value: this.valueSerde.deserialize(this.name, e.value) as V,
    }));
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.apply(key, value);
  }

  flush(): void {}

  close(): void {}

  private apply(storeKey: Buffer, value: Buffer | null): void {
    const h = storeKey.toString('hex');
    if (value === null) this.entries.delete(h);
    else {
      const key = storeKey.subarray(0, storeKey.length - 12);
      const startMs = Number(storeKey.readBigInt64BE(storeKey.length - 12));
      this.entries.set(h, { key, startMs, value });
    }
    this.expire();
  }

  /** Drops windows that fell out of retention behind stream time. */
  private expire(): void {
    const streamTimeMs = this.context?.streamTimeMs() ?? -1;
    if (streamTimeMs < 0) return;
    for (const [h, e] of this.entries) {
      if (e.startMs <= streamTimeMs - this.retentionMs) this.entries.delete(h);
    }
  }

  private live(): Entry[] {
    return [...this.entries.values()].sort((a, b) => {
      const c = Buffer.compare(a.key, b.key);
      return c !== 0 ? c : a.startMs - b.startMs;
    });
  }
}

function windowKey(key: Buffer, startMs: number): Buffer {
  const b = Buffer.alloc(key.length + 12);
  key.copy(b);
  b.writeBigInt64BE(BigInt(startMs), key.length);
  return b;
}
