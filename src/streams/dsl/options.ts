// The DSL's option objects with Kafka Streams' names: Consumed, Produced, Grouped,
// Materialized, Joined, Repartitioned, Named. Each is a plain object; the helpers below build
// them the way Kafka's static factories do.
import type { Serde } from '../serdes.js';
import type { StreamPartitioner, TimestampExtractor } from '../processor.js';

export interface Consumed<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  timestampExtractor?: TimestampExtractor;
  processorName?: string;
}

export interface Produced<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  partitioner?: StreamPartitioner<K, V>;
  processorName?: string;
}

export interface Grouped<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Names the repartition topic (`<application.id>-<name>-repartition`). */
  name?: string;
}

export interface Materialized<K, V> {
  /** The store's name; also names its changelog and the repartition topic before it. */
  storeName?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** false disables the changelog (withLoggingDisabled). */
  loggingEnabled?: boolean;
  /** Topic configs for the changelog. */
  logConfig?: Record<string, string>;
  /**
   * false disables the record cache (withCachingDisabled). Key-value stores cache by default,
   * as in Kafka, when statestore.cache.max.bytes is above 0.
   */
  cachingEnabled?: boolean;
  /**
   * Key-value stores only (Materialized.withStoreType): 'IN_MEMORY' (the default here) or
   * 'PERSISTENT' (LMDB on disk; Kafka's default is RocksDB).
   */
  storeType?: 'IN_MEMORY' | 'PERSISTENT';
  /** Retention of windowed stores (withRetention); at least window size + grace. */
  retentionMs?: number;
}

export interface Repartitioned<K, V> {
  name?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  numberOfPartitions?: number;
  partitioner?: StreamPartitioner<K, V>;
}

export interface Joined<K, V, VO> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  otherValueSerde?: Serde<VO>;
  name?: string;
}

/** Names a foreign-key join's internal topics and stores (Kafka's TableJoined). */
export interface TableJoined {
  /** Topics `<name>-subscription-registration-topic` and `<name>-subscription-response-topic`. */
  name?: string;
}

export interface StreamJoined<K, V, VO> extends Joined<K, V, VO> {
  storeName?: string;
}

export const Materialized = {
  as: <K, V>(storeName: string): Materialized<K, V> => ({ storeName }),
  with: <K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Materialized<K, V> => ({
    keySerde,
    valueSerde,
  }),
};

export const Consumed = {
  with: <K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Consumed<K, V> => ({
    keySerde,
    valueSerde,
  }),
};

export const Produced = {
  with: <K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Produced<K, V> => ({
    keySerde,
    valueSerde,
  }),
};

export const Grouped = {
  with: <K, V>(keySerde: Serde<K>, valueSerde: Serde<V>): Grouped<K, V> => ({
    keySerde,
    valueSerde,
  }),
  as: <K, V>(name: string): Grouped<K, V> => ({ name }),
};
