// What a producer accepts and reports, and its options with Kafka's names and defaults.
import type { ClusterOptions } from '../cluster.js';
import type { DefaultPartitioner } from '../partitioner.js';

export type Bytes = Buffer | string;

export interface ProducerRecord {
  topic: string;
  /** Chosen by the partitioner when absent. */
  partition?: number;
  key?: Bytes | null;
  /** null is a tombstone on compacted topics. */
  value: Bytes | null;
  headers?: Record<string, Bytes> | readonly { key: string; value: Bytes | null }[];
  /** CreateTime in ms; now when absent. */
  timestamp?: number;
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 when unknown (acks=0, or a duplicate the broker had already written). */
  offset: bigint;
  timestamp: number;
}

export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerOptions extends ClusterOptions {
  /** acks: 'all' (= -1, the default), 1 or 0. */
  acks?: 'all' | -1 | 0 | 1;
  /** linger.ms (Kafka 4's default: 5). */
  lingerMs?: number;
  /** batch.size in bytes. */
  batchSize?: number;
  /** compression.type */
  compression?: CompressionName;
  /** enable.idempotence (default true; needs acks=all). */
  idempotent?: boolean;
  /** buffer.memory: bytes of records waiting to be sent before send() waits. */
  bufferMemory?: number;
  /** max.block.ms: how long send() waits for metadata or buffer space. */
  maxBlockMs?: number;
  /** max.in.flight.requests.per.connection (at most 5 with idempotence). */
  maxInFlightRequestsPerConnection?: number;
  /** delivery.timeout.ms: from send() to giving up on a record. */
  deliveryTimeoutMs?: number;
  /**
   * transactional.id: makes the producer transactional (initTransactions, beginTransaction,
   * commitTransaction...). Idempotent, acks=all.
   */
  transactionalId?: string | null;
  /** transaction.timeout.ms: the coordinator aborts a transaction open longer (60000). */
  transactionTimeoutMs?: number;
  /** max.request.size */
  maxRequestSize?: number;
  partitioner?: DefaultPartitioner;
  now?: () => number;
}
