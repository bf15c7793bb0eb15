// Kafka's `Stores` factory: suppliers of in-memory stores and builders that add logging and
// (key-value stores) a record cache.
import type { Serde } from './serdes.js';
import {
  BasicStoreBuilder,
  InMemoryKeyValueStore,
  type KeyValueStore,
} from './state/key-value-store.js';
import { CachingKeyValueStore } from './state/caching-key-value-store.js';
import { LmdbKeyValueStore } from './state/lmdb-key-value-store.js';
import {
  InMemorySessionStore,
  LmdbSessionStore,
  type SessionStore,
} from './state/session-store.js';
import { InMemoryWindowStore, LmdbWindowStore, type WindowStore } from './state/window-store.js';

/** What Kafka's window and session store suppliers carry: the store's name, retention, kind. */
export interface WindowStoreSupplier {
  kind: 'window';
  name: string;
  retentionMs: number;
  persistent: boolean;
}

export interface SessionStoreSupplier {
  kind: 'session';
  name: string;
  retentionMs: number;
  persistent: boolean;
}

export const Stores = {
  keyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<KeyValueStore<K, V>> {
    return new BasicStoreBuilder<KeyValueStore<K, V>>(
      name,
      () => new InMemoryKeyValueStore(name, keySerde, valueSerde),
      (inner) => new CachingKeyValueStore(inner, keySerde, valueSerde),
    );
  },

  /** A key-value store on disk (LMDB), under the task's directory in state.dir. */
  persistentKeyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<KeyValueStore<K, V>> {
    return new BasicStoreBuilder<KeyValueStore<K, V>>(
      name,
      () => new LmdbKeyValueStore(name, keySerde, valueSerde),
      (inner) => new CachingKeyValueStore(inner, keySerde, valueSerde),
    );
  },

  /** Kafka's Stores.inMemoryWindowStore: a supplier for windowStoreBuilder. */
  inMemoryWindowStore(name: string, retentionMs: number): WindowStoreSupplier {
    return { kind: 'window', name, retentionMs, persistent: false };
  },

  /** Kafka's Stores.persistentWindowStore (LMDB here, RocksDB in Kafka). */
  persistentWindowStore(name: string, retentionMs: number): WindowStoreSupplier {
    return { kind: 'window', name, retentionMs, persistent: true };
  },

  /** Kafka's Stores.inMemorySessionStore: a supplier for sessionStoreBuilder. */
  inMemorySessionStore(name: string, retentionMs: number): SessionStoreSupplier {
    return { kind: 'session', name, retentionMs, persistent: false };
  },

  /** Kafka's Stores.persistentSessionStore (LMDB here, RocksDB in Kafka). */
  persistentSessionStore(name: string, retentionMs: number): SessionStoreSupplier {
    return { kind: 'session', name, retentionMs, persistent: true };
  },

  /** An in-memory window store, or the one a supplier describes. */
  windowStoreBuilder<K, V>(
    nameOrSupplier: string | WindowStoreSupplier,
    ...rest:
      | [retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>]
      | [keySerde: Serde<K>, valueSerde: Serde<V>]
  ): BasicStoreBuilder<WindowStore<K, V>> {
    const [name, retentionMs, persistent, keySerde, valueSerde] =
      typeof nameOrSupplier === 'string'
        ? [nameOrSupplier, rest[0] as number, false, rest[1] as Serde<K>, rest[2] as Serde<V>]
        : [
            nameOrSupplier.name,
            nameOrSupplier.retentionMs,
            nameOrSupplier.persistent,
            rest[0] as Serde<K>,
            rest[1] as Serde<V>,
          ];
    const Store = persistent ? LmdbWindowStore : InMemoryWindowStore;
    return new BasicStoreBuilder<WindowStore<K, V>>(
      name,
      () => new Store<K, V>(name, retentionMs, keySerde, valueSerde),
    );
  },
  /** A window store on disk (LMDB), under the task's directory in state.dir. */
  persistentWindowStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<WindowStore<K, V>> {
    return new BasicStoreBuilder<WindowStore<K, V>>(
      name,
      () => new LmdbWindowStore(name, retentionMs, keySerde, valueSerde),
    );
  },

  /** An in-memory session store, or the one a supplier describes. */
  sessionStoreBuilder<K, V>(
    nameOrSupplier: string | SessionStoreSupplier,
    ...rest:
      | [retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>]
      | [keySerde: Serde<K>, valueSerde: Serde<V>]
  ): BasicStoreBuilder<SessionStore<K, V>> {
    const [name, retentionMs, persistent, keySerde, valueSerde] =
      typeof nameOrSupplier === 'string'
        ? [nameOrSupplier, rest[0] as number, false, rest[1] as Serde<K>, rest[2] as Serde<V>]
        : [
            nameOrSupplier.name,
            nameOrSupplier.retentionMs,
            nameOrSupplier.persistent,
            rest[0] as Serde<K>,
            rest[1] as Serde<V>,
          ];
    const Store = persistent ? LmdbSessionStore : InMemorySessionStore;
    return new BasicStoreBuilder<SessionStore<K, V>>(
      name,
      () => new Store<K, V>(name, retentionMs, keySerde, valueSerde),
    );
  },

  /** A session store on disk (LMDB), under the task's directory in state.dir. */
  persistentSessionStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<SessionStore<K, V>> {
    return new BasicStoreBuilder<SessionStore<K, V>>(
      name,
      () => new LmdbSessionStore(name, retentionMs, keySerde, valueSerde),
    );
  },
};
