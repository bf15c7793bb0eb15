// rivulet/streams: a stream-processing library with Kafka Streams' semantics and names, built
// on rivulet/client alone so it runs against any Kafka cluster.
export * from './serdes.js';
export * from './processor.js';
export { Topology, TopologyDescription, type SourceOptions, type SinkOptions } from './topology.js';
export * from './state/state-store.js';
export * from './state/key-value-store.js';
export * from './state/window-store.js';
export * from './state/session-store.js';
export { LmdbKeyValueStore } from './state/lmdb-key-value-store.js';
export {
  InMemoryOrderedBytes,
  LmdbOrderedBytes,
  type OrderedBytes,
} from './state/ordered-bytes.js';
export { Stores, type WindowStoreSupplier, type SessionStoreSupplier } from './stores.js';
export {
  TopologyTestDriver,
  TestInputTopic,
  TestOutputTopic,
  type TestRecord,
} from './topology-test-driver.js';
export { StreamsBuilder, type StreamsBuilderOptions } from './dsl/streams-builder.js';
export {
  KStream,
  KTable,
  GlobalKTable,
  KGroupedStream,
  KGroupedTable,
  CogroupedKStream,
  TimeWindowedCogroupedKStream,
  SessionWindowedCogroupedKStream,
  TimeWindowedKStream,
  SessionWindowedKStream,
  SlidingWindowedKStream,
  BranchedKStream,
  Suppressed,
} from './dsl/kstream.js';
export * from './dsl/options.js';
export {
  TimeWindows,
  JoinWindows,
  SessionWindows,
  SlidingWindows,
  WindowedSerdes,
  type ValueAndTimestamp,
} from './dsl/windows.js';
export type { Change } from './dsl/context.js';
export {
  KafkaStreams,
  type StreamsConfig,
  type StreamsState,
  type StreamThreadExceptionResponse,
  type HandlerResponse,
} from './kafka-streams.js';
export { StreamsTopologyError } from './internal-topics.js';
export type { HostInfo, KeyQueryMetadata, StreamsMetadata } from './streams-metadata.js';
export type { IncomingRecord, OutgoingRecord } from './stream-task.js';
