// What a consumer reports, and its options with Kafka's names and defaults.
import type { RecordHeader } from '../../protocol/index.js';
import type { ClusterOptions } from '../cluster.js';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Where to start or move to: an offset, or the log's start or end. */
export type OffsetSpec = bigint | 'earliest' | 'latest';

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: bigint;
  /** Milliseconds since the epoch (CreateTime, or LogAppendTime if the topic uses it). */
  timestamp: number;
  timestampType: 'create-time' | 'log-append-time';
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/** The records one fetch returned for one partition. */
export interface ConsumerBatch {
  topic: string;
  partition: number;
  records: ConsumerRecord[];
  highWatermark: bigint;
  /** The position after this batch: the offset the next fetch asks for. */
  nextOffset: bigint;
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface ConsumerOptions extends ClusterOptions {
  /** auto.offset.reset: where to start when there is no valid position. */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** isolation.level */
  isolationLevel?: IsolationLevel;
  /** fetch.min.bytes */
  fetchMinBytes?: number;
  /** fetch.max.bytes */
  fetchMaxBytes?: number;
  /** max.partition.fetch.bytes */
  maxPartitionFetchBytes?: number;
  /** fetch.max.wait.ms */
  fetchMaxWaitMs?: number;
  /** Bytes of fetched records held for the application before fetching pauses. */
  maxBufferedBytes?: number;
  /** check.crcs */
  checkCrcs?: boolean;
}
