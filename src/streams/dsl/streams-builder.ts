// StreamsBuilder (Kafka's): the entry point of the DSL. It reads topics as streams, tables and
// global tables, and build() returns the Topology the operations added to.
import type { Serde } from '../serdes.js';
import { Stores } from '../stores.js';
import { Topology } from '../topology.js';
import type { DslContext } from './context.js';
import { GlobalKTable, KStream, type KTable } from './kstream.js';
import type { Consumed, Materialized } from './options.js';

export interface StreamsBuilderOptions {
  /** default.key.serde: used where an operation needs a key serde and was given none. */
  defaultKeySerde?: Serde<unknown>;
  /** default.value.serde */
  defaultValueSerde?: Serde<unknown>;
}

export class StreamsBuilder implements DslContext {
  readonly topology = new Topology();
  private counter = 0;

  constructor(private readonly options: StreamsBuilderOptions = {}) {}

  newName(prefix: string): string {
    return `${prefix}-${String(this.counter++).padStart(10, '0')}`;
  }

  keySerde<K>(serde: Serde<K> | null | undefined): Serde<K> {
    return serde ?? this.fallback<K>('default.key.serde', this.options.defaultKeySerde);
  }

  valueSerde<V>(serde: Serde<V> | null | undefined): Serde<V> {
    return serde ?? this.fallback<V>('default.value.serde', this.options.defaultValueSerde);
  }

  stream<K, V>(topics: string | string[], consumed: Consumed<K, V> = {}): KStream<K, V> {
    const name = consumed.processorName ?? this.newName('KSTREAM-SOURCE');
    this.topology.addSource(name, topics, {
      keyDeserializer: this.keySerde(consumed.keySerde),
      valueDeserializer: this.valueSerde(consumed.valueSerde),
      ...(consumed.timestampExtractor ? { timestampExtractor: consumed.timestampExtractor } : {}),
    });
    return new KStream(this.ctx(), name, consumed.keySerde ?? null, consumed.valueSerde ?? null);
  }

  /** The topic as a table (latest value per key), materialized in a logged store. */
  table<K, V>(
    topic: string,
    consumed: Consumed<K, V> = {},
    materialized: Materialized<K, V> = {},
  ): KTable<K, V> {
    const source = this.stream(topic, consumed);
    return source.toTable({
      ...(consumed.keySerde ? { keySerde: consumed.keySerde } : {}),
      ...(consumed.valueSerde ? { valueSerde: consumed.valueSerde } : {}),
      ...materialized,
    });
  }

  globalTable<K, V>(
    topic: string,
    consumed: Consumed<K, V> = {},
    materialized: Materialized<K, V> = {},
  ): GlobalKTable<K, V> {
    const storeName =
      materialized.storeName ?? `${topic}-STATE-STORE-${String(this.counter++).padStart(10, '0')}`;
    const ks = this.keySerde(materialized.keySerde ?? consumed.keySerde);
    const vs = this.valueSerde(materialized.valueSerde ?? consumed.valueSerde);
    this.topology.addGlobalStore(Stores.keyValueStoreBuilder(storeName, ks, vs), topic);
    return new GlobalKTable(storeName, ks, vs);
  }

  build(): Topology {
    return this.topology;
  }

  private ctx(): DslContext {
    return this;
  }

  /** A serde that resolves the default when first used, so that missing ones fail clearly. */
  private fallback<T>(config: string, serde: Serde<unknown> | undefined): Serde<T> {
    if (serde !== undefined) return serde as Serde<T>;
    const fail = (): never => {
      throw new Error(`no serde given and no ${config} configured`);
    };
    return { serialize: fail, deserialize: fail };
  }
}
