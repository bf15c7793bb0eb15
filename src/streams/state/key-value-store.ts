// The in-memory key-value store (Kafka's Stores.inMemoryKeyValueStore with a metered, typed
// layer on top). Entries are kept as bytes, ordered by key bytes for range queries as Kafka's
// stores are, and every change is sent to the changelog when logging is enabled.
import type { Serde } from '../serdes.js';
import type { StateStore, StateStoreContext, StoreBuilder } from './state-store.js';

export interface KeyValue<K, V> {
  key: K;
  value: V;
}

export const KeyValue = {
  pair: <K, V>(key: K, value: V): KeyValue<K, V> => ({ key, value }),
};

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | null;
  /** Entries with from <= key <= to in key-byte order. */
  range(from: K, to: K): KeyValue<K, V>[];
  all(): KeyValue<K, V>[];
  approximateNumEntries(): number;
}

export interface KeyValueStore<K, V> extends ReadOnlyKeyValueStore<K, V>, StateStore {
  put(key: K, value: V | null): void;
  putIfAbsent(key: K, value: V): V | null;
  delete(key: K): V | null;
}

export class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V> {
  readonly persistent = false;
  private readonly entries = new Map<string, { key: Buffer; value: Buffer }>();
  private context: StateStoreContext | null = null;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
  ) {}

  init(context: StateStoreContext): void {
    this.context = context;
  }

  get(key: K): V | null {
    const e = this.entries.get(this.keyBytes(key).toString('hex'));
    return e === undefined ? null : this.valueSerde.deserialize(this.name, e.value);
  }

  put(key: K, value: V | null): void {
    const k = this.keyBytes(key);
    const v = value === null ? null : this.valueSerde.serialize(this.name, value);
    this.putBytes(k, v);
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
    const lo = this.keyBytes(from).toString('hex');
    const hi = this.keyBytes(to).toString('hex');
    return this.sorted()
      .filter(([h]) => h >= lo && h <= hi)
      .map(([, e]) => this.typed(e));
  }

  all(): KeyValue<K, V>[] {
    return this.sorted().map(([, e]) => this.typed(e));
  }

  approximateNumEntries(): number {
    return this.entries.size;
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.putBytes(key, value);
  }

  flush(): void {}

  close(): void {}

  private putBytes(key: Buffer, value: Buffer | null): void {
    const h = key.toString('hex');
    if (value === null) this.entries.delete(h);
    else this.entries.set(h, { key, value });
  }

  private keyBytes(key: K): Buffer {
    const k = this.keySerde.serialize(this.name, key);
    if (k === null) throw new Error(`store ${this.name} cannot hold a null key`);
    return k;
  }

  // Hex strings of equal-prefix bytes sort as the bytes do, so this is key-byte order.
  private sorted(): [string, { key: Buffer; value: Buffer }][] {
    return [...this.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private typed(e: { key: Buffer; value: Buffer }): KeyValue<K, V> {
    return {
      key: this.keySerde.deserialize(this.name, e.key) as K,
      value: this.valueSerde.deserialize(this.name, e.value) as V,
    };
  }
}

/** Builds a store per task; logging (the changelog) is on by default, as in Kafka. */
export class BasicStoreBuilder<S extends StateStore> implements StoreBuilder<S> {
  loggingEnabled = true;
  cachingEnabled = false;
  logConfig: Record<string, string> = { 'cleanup.policy': 'compact' };

  /** `cached` puts a record cache in front of a built store (key-value stores only). */
  constructor(
    readonly name: string,
    private readonly make: () => S,
    private readonly cached: ((inner: S) => S) | null = null,
  ) {}

  /** Caching applies to key-value stores; for others it is ignored. */
  withCachingEnabled(): this {
    this.cachingEnabled = this.cached !== null;
    return this;
  }

  withCachingDisabled(): this {
    this.cachingEnabled = false;
    return this;
  }

  withLoggingEnabled(config: Record<string, string> = {}): this {
    this.loggingEnabled = true;
    this.logConfig = { ...this.logConfig, ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.loggingEnabled = false;
    return this;
  }

  build(): S {
    const store = this.make();
    return this.cachingEnabled && this.cached !== null ? this.cached(store) : store;
  }
}
