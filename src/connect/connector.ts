// The connector API: what a connector plugin implements, as in Kafka Connect's
// `org.apache.kafka.connect.{connector,source,sink}`. A connector is configured once and
// splits its work into task configs; the worker runs one task per config. Source tasks poll
// records (each with a source partition and offset the worker stores for them); sink tasks
// are given records from the topics they consume and flush them before the worker commits
// their offsets, so a sink's data is durable before Kafka forgets it.
import type { ConfigDef } from './config-def.js';
import type { Schema } from './data/schema.js';

export interface ConnectHeader {
  key: string;
  schema?: Schema;
  value: unknown;
}

export interface ConnectRecord {
  topic: string;
  kafkaPartition: number | null;
  keySchema?: Schema;
  key: unknown;
  valueSchema?: Schema;
  value: unknown;
  timestamp: number | null;
  headers: ConnectHeader[];
}

/** Where a source record came from and how far the source had got: kept by the worker. */
export type SourcePartition = Record<string, unknown>;
export type SourceOffset = Record<string, unknown>;

export interface SourceRecord extends ConnectRecord {
  sourcePartition: SourcePartition | null;
  sourceOffset: SourceOffset | null;
}

export interface SinkRecord extends ConnectRecord {
  kafkaPartition: number;
  kafkaOffset: bigint;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  /** The topic and partition the record was read from, before transforms renamed them. */
  originalTopic: string;
  originalKafkaPartition: number;
  originalKafkaOffset: bigint;
}

export type TaskConfig = Record<string, string>;

export interface ConnectorContext {
  /** Asks the worker to call taskConfigs() again (the source of work changed). */
  requestTaskReconfiguration(): void;
  /** Fails the connector with this error. */
  raiseError(error: Error): void;
}

interface ConnectorBase {
  version(): string;
  config(): ConfigDef;
  /** Extra checks beyond the config definition; an error per config name. */
  validate?(props: Record<string, string>): Record<string, string[]>;
  start(props: Record<string, string>, context: ConnectorContext): void | Promise<void>;
  taskConfigs(maxTasks: number): TaskConfig[] | Promise<TaskConfig[]>;
  stop(): void | Promise<void>;
}

export interface SourceConnector extends ConnectorBase {
  readonly kind: 'source';
  taskFactory(): SourceTask;
  /** KIP-618: 'SUPPORTED' when the connector's tasks can run exactly once. */
  exactlyOnceSupport?(props: Record<string, string>): 'SUPPORTED' | 'UNSUPPORTED';
}

export interface SinkConnector extends ConnectorBase {
  readonly kind: 'sink';
  taskFactory(): SinkTask;
}

export type Connector = SourceConnector | SinkConnector;

export interface OffsetStorageReader {
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
}

export interface SourceTaskContext {
  offsetStorageReader: OffsetStorageReader;
  configs(): TaskConfig;
}

export interface SourceTask {
  version(): string;
  start(props: TaskConfig, context: SourceTaskContext): void | Promise<void>;
  /** Records ready now; an empty list or null when there is nothing (the worker polls again). */
  poll(): Promise<SourceRecord[] | null>;
  /** Offsets of records up to here are committed. */
  commit?(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
}

export interface SinkTaskContext {
  configs(): TaskConfig;
  /** Rewinds partitions: the worker seeks them before the next put. */
  offset(offsets: readonly TopicPartitionOffset[]): void;
  /** Asks for an offset commit as soon as possible. */
  requestCommit(): void;
  assignment(): { topic: string; partition: number }[];
}

export interface SinkTask {
  version(): string;
  start(props: TaskConfig, context: SinkTaskContext): void | Promise<void>;
  put(records: SinkRecord[]): void | Promise<void>;
  /**
   * Makes everything put so far durable. The worker commits the given offsets (the next to
   * read per partition) only after this resolves.
   */
  flush?(offsets: readonly TopicPartitionOffset[]): void | Promise<void>;
  /**
   * Kafka's SinkTask.preCommit: the offsets the worker may commit, given those of the records
   * put so far. A task that makes records durable on its own schedule (the S3 sink uploads
   * whole files) answers less, or nothing for a partition. Without it, the worker flushes
   * and commits everything put.
   */
  preCommit?(
    offsets: readonly TopicPartitionOffset[],
  ): TopicPartitionOffset[] | Promise<TopicPartitionOffset[]>;
  open?(partitions: readonly { topic: string; partition: number }[]): void | Promise<void>;
  close?(partitions: readonly { topic: string; partition: number }[]): void | Promise<void>;
  stop(): void | Promise<void>;
}

/** A failure a task may be retried after (Kafka's RetriableException). */
export class RetriableError extends Error {
  override readonly name = 'RetriableException';
}

/** A connector's bad configuration or state (Kafka's ConnectException). */
export class ConnectError extends Error {
  override readonly name = 'ConnectException';
}
