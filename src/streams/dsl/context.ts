// What the DSL's stream and table objects need from the StreamsBuilder that made them: the
// topology under construction, Kafka's generated node names, and the default serdes
// (default.key.serde / default.value.serde) for where the application gave none.
import type { Serde } from '../serdes.js';
import type { Topology } from '../topology.js';

export interface DslContext {
  readonly topology: Topology;
  /** `<PREFIX>-<10-digit counter>`, as Kafka Streams names nodes and stores. */
  newName(prefix: string): string;
  keySerde<K>(serde: Serde<K> | null | undefined): Serde<K>;
  valueSerde<V>(serde: Serde<V> | null | undefined): Serde<V>;
}

/** Kafka's change records between table nodes: the new value and the one it replaced. */
export interface Change<V> {
  newValue: V | null;
  oldValue: V | null;
}
