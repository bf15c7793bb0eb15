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
import { InMemoryWindowStore, type WindowStore } from './state/window-store.js';

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

  windowStoreBuilder<K, V>(
    name: string,
    retentionMs: number,
    keySerde: Serde<K>,
    valueSerde: Serde<V>,
  ): BasicStoreBuilder<WindowStore<K, V>> {
    return new BasicStoreBuilder<WindowStore<K, V>>(
      name,
      () => new InMemoryWindowStore(name, retentionMs, keySerde, valueSerde),
    );
  },
};
