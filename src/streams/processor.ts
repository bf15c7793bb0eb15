// The Processor API (Kafka Streams' org.apache.kafka.streams.processor.api): a processor
// receives records, may keep state in stores, forwards records to its children and schedules
// punctuations on stream time or wall-clock time.
import type { StateStore } from './state/state-store.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** A record flowing through a topology: typed key and value, timestamp and headers. */
export class StreamRecord<K, V> {
  constructor(
    readonly key: K,
    readonly value: V,
    readonly timestamp: number,
    readonly headers: readonly RecordHeader[] = [],
  ) {}

  withKey<K2>(key: K2): StreamRecord<K2, V> {
    return new StreamRecord(key, this.value, this.timestamp, this.headers);
  }

  withValue<V2>(value: V2): StreamRecord<K, V2> {
    return new StreamRecord(this.key, value, this.timestamp, this.headers);
  }

  withTimestamp(timestamp: number): StreamRecord<K, V> {
    return new StreamRecord(this.key, this.value, timestamp, this.headers);
  }

  withHeaders(headers: readonly RecordHeader[]): StreamRecord<K, V> {
    return new StreamRecord(this.key, this.value, this.timestamp, headers);
  }
}

/** Where the record being processed came from (absent for records made by a punctuator). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  offset: bigint;
}

export enum PunctuationType {
  STREAM_TIME = 'STREAM_TIME',
  WALL_CLOCK_TIME = 'WALL_CLOCK_TIME',
}

export type Punctuator = (timestampMs: number) => void;

export interface Cancellable {
  cancel(): void;
}

export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  readonly applicationId: string;
  /** `<sub-topology>_<partition>`, as Kafka's TaskId prints. */
  readonly taskId: string;
  /** Sends a record to every child, or to the named one. */
  forward<K extends KForward, V extends VForward>(
    record: StreamRecord<K, V>,
    childName?: string,
  ): void;
  /** Topic, partition and offset of the input record being processed, if there is one. */
  recordMetadata(): RecordMetadata | null;
  getStateStore<S extends StateStore>(name: string): S;
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;
  /** The largest timestamp seen by this task so far (-1 before any record). */
  currentStreamTimeMs(): number;
  currentSystemTimeMs(): number;
  /** Asks for a commit as soon as possible. */
  commit(): void;
}

export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  init?(context: ProcessorContext<KOut, VOut>): void;
  process(record: StreamRecord<KIn, VIn>): void;
  close?(): void;
}

export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> = () => Processor<
  KIn,
  VIn,
  KOut,
  VOut
>;

/** Picks a record's timestamp (Kafka's TimestampExtractor); the default takes the record's. */
export type TimestampExtractor = (
  record: { topic: string; key: unknown; value: unknown; timestamp: number },
  partitionTimeMs: number,
) => number;

export const recordTimestampExtractor: TimestampExtractor = (record) => record.timestamp;

/** Chooses the partition of a sink's record; undefined leaves it to the producer. */
export type StreamPartitioner<K, V> = (
  topic: string,
  key: K,
  value: V,
  numPartitions: number,
) => number | undefined;

/** Chooses a sink's topic per record (Kafka's TopicNameExtractor). */
export type TopicNameExtractor<K, V> = (key: K, value: V, context: RecordMetadata | null) => string;
