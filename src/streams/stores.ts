// Kafka's `Stores` factory: suppliers of in-memory stores and builders that add logging.
import type { Serde } from './serdes.js';
import {
  BasicStoreBuilder,
  InMemoryKeyValueStore,
  type KeyValueStore,
} from './state/key-value-store.js';
import { LmdbKeyValueStore } from './state/lmdb-key-value-store.js';
import {
  InMemorySessionStore,
  LmdbSessionStore,
  type SessionStore,
} from './state/session-store.js';
import { InMemoryWindowStore, LmdbWindowStore, type WindowStore } from './state/window-store.js';

export const Stores = {
  keyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<KeyValueStore<K, V>> {
    return new BasicStoreBuilder(name, () => new InMemoryKeyValueStore(name, keySerde, valueSerde));
  },

  /** A key-value store on disk (LMDB), under the task's directory in state.dir. */
  persistentKeyValueStoreBuilder<K, V>(
    name: string,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<KeyValueStore<K, V>> {
    return new BasicStoreBuilder(name, () => new LmdbKeyValueStore(name, keySerde, valueSerde));
  },

  windowStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<WindowStore<K, V>> {
    return new BasicStoreBuilder(
      name,
      () => new InMemoryWindowStore(name, retentionMs, keySerde, valueSerde),
    );
  },
  /** A window store on disk (LMDB), under the task's directory in state.dir. */
  persistentWindowStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<WindowStore<K, V>> {
    return new BasicStoreBuilder(
      name,
      () => new LmdbWindowStore(name, retentionMs, keySerde, valueSerde),
    );
  },

  sessionStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<SessionStore<K, V>> {
    return new BasicStoreBuilder(
      name,
      () => new InMemorySessionStore(name, retentionMs, keySerde, valueSerde),
    );
  },

  /** A session store on disk (LMDB), under the task's directory in state.dir. */
  persistentSessionStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<SessionStore<K, V>> {
    return new BasicStoreBuilder(
      name,
      () => new LmdbSessionStore(name, retentionMs, keySerde, valueSerde),
    );
  },
};
