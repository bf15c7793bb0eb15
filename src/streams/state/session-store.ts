// Session stores (Kafka's Stores.inMemorySessionStore and persistentSessionStore): one value
// per (key, session start, session end), kept until the newest session end put passes the
// session's end by the retention period. The in-memory and the persistent (LMDB) store share
// this code.
// Changelog keys use Kafka's SessionKeySchema (key bytes, 8-byte end, 8-byte start).
import type { Serde } from '../serdes.js';
import {
  inMemoryBytes,
  lmdbBytes,
  type OrderedBytes,
  type OrderedBytesFactory,
} from './ordered-bytes.js';
import type { StateStore, StateStoreContext } from './state-store.js';
import { decodeTime, encodeTime, keyPrefix } from './time-keys.js';
import type { Windowed } from './window-store.js';

export interface SessionEntry<K, V> {
  key: Windowed<K>;
  value: V;
}

export interface ReadOnlySessionStore<K, V> {
  /** Every session of a key, by end then start. */
  fetch(key: K): SessionEntry<K, V>[];
  /** The sessions of keys keyFrom..keyTo (key-byte order). */
  fetchKeyRange(keyFrom: K, keyTo: K): SessionEntry<K, V>[];
  /** The value of one session, or null. */
  fetchSession(key: K, startMs: number, endMs: number): V | null;
  /** Sessions of a key that end at or after earliestEndMs and start at or before latestStartMs. */
  findSessions(key: K, earliestEndMs: number, latestStartMs: number): SessionEntry<K, V>[];
  all(): SessionEntry<K, V>[];
}

export interface SessionStore<K, V> extends ReadOnlySessionStore<K, V>, StateStore {
  put(session: Windowed<K>, value: V | null): void;
  remove(session: Windowed<K>): void;
}

// Data entries are [0][key length][key][end][start] → value: one key's sessions are adjacent
// and ordered by end, which is what findSessions scans. [1][end][key length][key][start] is
// the time index that finds expired sessions from the front.
const DATA = 0;
const TIME = 1;

export class BytesSessionStore<K, V> implements SessionStore<K, V> {
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

  put(session: Windowed<K>, value: V | null): void {
    const k = this.keyBytes(session.key);
    const v = value === null ? null : this.valueSerde.serialize(this.name, value);
    const { startMs, endMs } = session.window;
    this.open().batch(() => this.apply(k, startMs, endMs, v));
    this.context?.changeLogger?.log(changelogKey(k, startMs, endMs), v);
  }

  remove(session: Windowed<K>): void {
    this.put(session, null);
  }

  fetch(key: K): SessionEntry<K, V>[] {
    const p = Buffer.concat([Buffer.of(DATA), keyPrefix(this.keyBytes(key))]);
    return this.decode(this.open().range(p, Buffer.concat([p, Buffer.alloc(16, 0xff)])));
  }

  fetchKeyRange(keyFrom: K, keyTo: K): SessionEntry<K, V>[] {
    const lo = this.keyBytes(keyFrom);
    const hi = this.keyBytes(keyTo);
    return this.all().filter((e) => {
      const k = this.keyBytes(e.key.key);
      return Buffer.compare(k, lo) >= 0 && Buffer.compare(k, hi) <= 0;
    });
  }

  fetchSession(key: K, startMs: number, endMs: number): V | null {
    const v = this.open().get(dataKey(this.keyBytes(key), startMs, endMs));
    return v === undefined ? null : this.valueSerde.deserialize(this.name, v);
  }

  findSessions(key: K, earliestEndMs: number, latestStartMs: number): SessionEntry<K, V>[] {
    const p = Buffer.concat([Buffer.of(DATA), keyPrefix(this.keyBytes(key))]);
    const lo = Buffer.concat([p, encodeTime(earliestEndMs)]);
    const hi = Buffer.concat([p, Buffer.alloc(16, 0xff)]);
    // Filtered on the start in the key bytes, so only matching sessions are decoded.
    return this.decode(
      this.open()
        .range(lo, hi)
        .filter(([sk]) => decodeTime(sk, sk.length - 8) <= latestStartMs),
    );
  }

  all(): SessionEntry<K, V>[] {
    return this.decode(this.open().range(Buffer.of(DATA), Buffer.of(DATA + 1))).sort(
      (a, b) =>
        Buffer.compare(this.keyBytes(a.key.key), this.keyBytes(b.key.key)) ||
        a.key.window.endMs - b.key.window.endMs ||
        a.key.window.startMs - b.key.window.startMs,
    );
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.subarray(0, key.length - 16);
    const endMs = Number(key.readBigInt64BE(key.length - 16));
    const startMs = Number(key.readBigInt64BE(key.length - 8));
    this.apply(k, startMs, endMs, value);
  }

  flush(): void {}

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    await db?.close();
  }

  private apply(k: Buffer, startMs: number, endMs: number, value: Buffer | null): void {
    const db = this.open();
    // As Kafka's session stores: time is the largest session end put so far, and a session
    // that ended a retention period or more before it is gone (and not stored again).
    this.observedMs = Math.max(this.observedMs, endMs);
    if (endMs <= this.observedMs - this.retentionMs) return;
    if (value === null) {
      db.delete(dataKey(k, startMs, endMs));
      db.delete(timeKey(k, startMs, endMs));
    } else {
      db.put(dataKey(k, startMs, endMs), value);
      db.put(timeKey(k, startMs, endMs), Buffer.alloc(0));
    }
    this.expire();
  }

  /** Drops sessions that ended a retention period or more before the observed time. */
  private expire(): void {
    const db = this.open();
    const limit = Buffer.concat([
      Buffer.of(TIME),
      encodeTime(this.observedMs - this.retentionMs + 1),
    ]);
    for (const [tk] of db.range(Buffer.of(TIME), limit)) {
      const endMs = decodeTime(tk, 1);
      const k = tk.subarray(13, tk.length - 8);
      db.delete(tk);
      db.delete(dataKey(k, decodeTime(tk, tk.length - 8), endMs));
    }
  }

  private decode(entries: [Buffer, Buffer][]): SessionEntry<K, V>[] {
    return entries.map(([sk, v]) => ({
      key: {
        key: this.keySerde.deserialize(this.name, sk.subarray(5, sk.length - 16)) as K,
        window: { startMs: decodeTime(sk, sk.length - 8), endMs: decodeTime(sk, sk.length - 16) },
      },
      value: this.valueSerde.deserialize(this.name, v) as V,
    }));
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

export class InMemorySessionStore<K, V> extends BytesSessionStore<K, V> {
  constructor(name: string, retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(name, retentionMs, keySerde, valueSerde, inMemoryBytes, false);
  }
}

/** On disk under `<state.dir>/<application.id>/<task id>/lmdb/<store>`. */
export class LmdbSessionStore<K, V> extends BytesSessionStore<K, V> {
  constructor(name: string, retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>) {
    super(name, retentionMs, keySerde, valueSerde, lmdbBytes, true);
  }
}

function dataKey(k: Buffer, startMs: number, endMs: number): Buffer {
  return Buffer.concat([Buffer.of(DATA), keyPrefix(k), encodeTime(endMs), encodeTime(startMs)]);
}

function timeKey(k: Buffer, startMs: number, endMs: number): Buffer {
  return Buffer.concat([Buffer.of(TIME), encodeTime(endMs), keyPrefix(k), encodeTime(startMs)]);
}

/** Kafka's SessionKeySchema.toBinary: key, 8-byte end, 8-byte start. */
function changelogKey(k: Buffer, startMs: number, endMs: number): Buffer {
  const b = Buffer.alloc(k.length + 16);
  k.copy(b);
  b.writeBigInt64BE(BigInt(endMs), k.length);
  b.writeBigInt64BE(BigInt(startMs), k.length + 8);
  return b;
}

/** One view over the same store in several tasks (each key lives in one of them). */
export function readOnlySessionStore<K, V>(
  stores: () => ReadOnlySessionStore<K, V>[],
): ReadOnlySessionStore<K, V> {
  return {
    fetch: (key) => stores().flatMap((s) => s.fetch(key)),
    fetchKeyRange: (from, to) => stores().flatMap((s) => s.fetchKeyRange(from, to)),
    fetchSession: (key, startMs, endMs) => {
      for (const s of stores()) {
        const v = s.fetchSession(key, startMs, endMs);
        if (v !== null) return v;
      }
      return null;
    },
    findSessions: (key, earliestEndMs, latestStartMs) =>
      stores().flatMap((s) => s.findSessions(key, earliestEndMs, latestStartMs)),
    all: () => stores().flatMap((s) => s.all()),
  };
}
