// Window stores (Kafka's Stores.inMemoryWindowStore and persistentWindowStore): values per
// (key, window start), kept for the retention period behind the newest window start. The in-memory and
// the persistent (LMDB) store share this code and differ only in the byte map under them.
// Changelog keys use Kafka's window key layout (key bytes, 8-byte window start, 4-byte
// sequence number), so the changelog of a Java application and ours look alike.
import type { Serde } from '../serdes.js';
import {
  inMemoryBytes,
  lmdbBytes,
  type OrderedBytes,
  type OrderedBytesFactory,
} from './ordered-bytes.js';
import type { StateStore, StateStoreContext } from './state-store.js';
import { decodeTime, encodeTime, keyPrefix } from './time-keys.js';

export interface Windowed<K> {
  key: K;
  window: { startMs: number; endMs: number };
}

export interface WindowEntry<K, V> {
  key: K;
  windowStartMs: number;
  value: V;
}

export interface ReadOnlyWindowStore<K, V> {
  fetch(key: K, windowStartMs: number): V | null;
  /** The windows of a key that start between fromMs and toMs (inclusive), oldest first. */
  fetchRange(key: K, fromMs: number, toMs: number): { windowStartMs: number; value: V }[];
  /** The windows of keys keyFrom..keyTo (key-byte order) starting between fromMs and toMs. */
  fetchKeyRange(keyFrom: K, keyTo: K, fromMs: number, toMs: number): WindowEntry<K, V>[];
  /** Every window starting between fromMs and toMs, by key then start. */
  fetchAll(fromMs: number, toMs: number): WindowEntry<K, V>[];
  all(): WindowEntry<K, V>[];
}

export interface WindowStore<K, V> extends ReadOnlyWindowStore<K, V>, StateStore {
  put(key: K, value: V | null, windowStartMs: number): void;
}

// In the byte map, data entries are [0][key length][key][start] → value, so one key's windows
// are adjacent and ordered by start; [1][start][key length][key] → empty is the time index
// that finds expired windows from the front.
const DATA = 0;
const TIME = 1;

export class BytesWindowStore<K, V> implements WindowStore<K, V> {
  private db: OrderedBytes | null = null;
  private observedMs = -1;
  private context: StateStoreContext | null = null;

  constructor(
    readonly name: string,
    readonly retentionMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly backend: OrderedBytesFactory,
    readonly persistent: boolean,
  ) {}

  init(context: StateStoreContext): void {
    this.context = context;
    this.db = this.backend(context.stateDir ?? null, this.name, context.localStateValid === true);
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    const k = this.keyBytes(key);
    const v = value === null ? null : this.valueSerde.serialize(this.name, value);
    this.open().batch(() => this.apply(k, windowStartMs, v));
    this.context?.changeLogger?.log(changelogKey(k, windowStartMs), v);
  }

  fetch(key: K, windowStartMs: number): V | null {
    const v = this.open().get(dataKey(this.keyBytes(key), windowStartMs));
    return v === undefined ? null : this.valueSerde.deserialize(this.name, v);
  }

  fetchRange(key: K, fromMs: number, toMs: number): { windowStartMs: number; value: V }[] {
    if (toMs < fromMs) return [];
    const k = this.keyBytes(key);
    return this.open()
      .range(dataKey(k, Math.max(fromMs, 0)), dataKey(k, toMs + 1))
      .map(([sk, v]) => ({
        windowStartMs: decodeTime(sk, sk.length - 8),
        value: this.valueSerde.deserialize(this.name, v) as V,
      }));
  }

  fetchKeyRange(keyFrom: K, keyTo: K, fromMs: number, toMs: number): WindowEntry<K, V>[] {
    const lo = this.keyBytes(keyFrom);
    const hi = this.keyBytes(keyTo);
    return this.entries().filter(
      (e) =>
        Buffer.compare(e.k, lo) >= 0 &&
        Buffer.compare(e.k, hi) <= 0 &&
        e.windowStartMs >= fromMs &&
        e.windowStartMs <= toMs,
    );
  }

  fetchAll(fromMs: number, toMs: number): WindowEntry<K, V>[] {
    return this.entries().filter((e) => e.windowStartMs >= fromMs && e.windowStartMs <= toMs);
  }

  all(): WindowEntry<K, V>[] {
    return this.entries().map(({ key, windowStartMs, value }) => ({ key, windowStartMs, value }));
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.subarray(0, key.length - 12);
    this.apply(k, decodeSigned(key, key.length - 12), value);
  }

  flush(): void {}

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    await db?.close();
  }

  private apply(k: Buffer, startMs: number, value: Buffer | null): void {
    const db = this.open();
    // As Kafka's window stores: time is the largest window start put so far, and a window
    // that starts a retention period or more before it is gone (and not stored again).
    this.observedMs = Math.max(this.observedMs, startMs);
    if (startMs <= this.observedMs - this.retentionMs) return;
    if (value === null) {
      db.delete(dataKey(k, startMs));
      db.delete(timeKey(k, startMs));
    } else {
      db.put(dataKey(k, startMs), value);
      db.put(timeKey(k, startMs), Buffer.alloc(0));
    }
    this.expire();
  }

  /** Drops windows that fell out of retention (start <= observed time - retention). */
  private expire(): void {
    const db = this.open();
    const limit = Buffer.concat([
      Buffer.of(TIME),
      encodeTime(this.observedMs - this.retentionMs + 1),
    ]);
    for (const [tk] of db.range(Buffer.of(TIME), limit)) {
      const startMs = decodeTime(tk, 1);
      const k = tk.subarray(13);
      db.delete(tk);
      db.delete(dataKey(k, startMs));
    }
  }

  /** Data entries in key-byte order, then by start. */
  private entries(): (WindowEntry<K, V> & { k: Buffer })[] {
    return this.open()
      .range(Buffer.of(DATA), Buffer.of(DATA + 1))
      .map(([sk, v]) => {
        const k = sk.subarray(5, sk.length - 8);
        return {
          k,
          key: this.keySerde.deserialize(this.name, k) as K,
          windowStartMs: decodeTime(sk, sk.length - 8),
          value: this.valueSerde.deserialize(this.name, v) as V,
        };
      })
      .sort((a, b) => Buffer.compare(a.k, b.k) || a.windowStartMs - b.windowStartMs);
  }

  private keyBytes(key: K): Buffer {
    const k = this.keySerde.serialize(this.name, key);
    if (k === null) throw new Error(`store ${this.name} cannot hold a null key`);
    return k;
  }

  private open(): OrderedBytes {
    if (this.db === null) throw new Error(`store ${this.name} is not open`);
    return this.db;
  }
}

export class InMemoryWindowStore<K, V> extends BytesWindowStore<K, V> {
  constructor(name: string, retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(name, retentionMs, keySerde, valueSerde, inMemoryBytes, false);
  }
}

/** On disk under `<state.dir>/<application.id>/<task id>/lmdb/<store>`. */
export class LmdbWindowStore<K, V> extends BytesWindowStore<K, V> {
  constructor(name: string, retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(name, retentionMs, keySerde, valueSerde, lmdbBytes, true);
  }
}

function dataKey(k: Buffer, startMs: number): Buffer {
  return Buffer.concat([Buffer.of(DATA), keyPrefix(k), encodeTime(startMs)]);
}

function timeKey(k: Buffer, startMs: number): Buffer {
  return Buffer.concat([Buffer.of(TIME), encodeTime(startMs), keyPrefix(k)]);
}

/** Kafka's WindowKeySchema: key, 8-byte start, 4-byte sequence number (0: no duplicates). */
function changelogKey(k: Buffer, startMs: number): Buffer {
  const b = Buffer.alloc(k.length + 12);
  k.copy(b);
  b.writeBigInt64BE(BigInt(startMs), k.length);
  return b;
}

function decodeSigned(b: Buffer, offset: number): number {
  return Number(b.readBigInt64BE(offset));
}
