// Writing and reading the keyed records of an internal topic partition (__consumer_offsets,
// __transaction_state) through the replica manager, as Kafka's coordinator runtime does: each
// write is one uncompressed record batch, with keys and values exactly as Kafka writes them,
// appended through the produce path with acks=all (so it waits for the in-sync replicas, and
// for an fsync when the topic's flush settings ask for one); loading reads a partition through
// the fetch path, from its log start to its high watermark. The coordinators never touch a
// partition's log themselves.
import {
  ControlRecordType,
  decodeControlRecord,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  RecordDecodeError,
  splitRecordBatches,
  type DecodedRecord,
} from '../protocol/index.js';
import type { ErrorName } from '../protocol/errors.js';
import type { ClusterMetadata } from '../metadata/index.js';
import type { ReplicaManager } from './partition/index.js';

export interface KeyedRecord {
  key: Buffer;
  /** null is a tombstone. */
  value: Buffer | null;
}

/** One entry of an internal topic partition, as loading meets it. */
export type InternalLogEntry =
  | {
      type: 'record';
      record: KeyedRecord;
      offset: number;
      /** The producer of a transactional batch; -1n for a plain one. */
      producerId: bigint;
    }
  | { type: 'marker'; producerId: bigint; commit: boolean; offset: number };

/** Bytes read per step while loading a partition. */
const LOAD_READ_BYTES = 4 * 1024 * 1024;

/** The batch of one write: plain, or transactional for a producer (its id, epoch and sequence). */
export function encodeKeyedBatch(
  records: readonly KeyedRecord[],
  options: {
    timestampMs: number;
    transactional?: { producerId: bigint; producerEpoch: number; baseSequence: number };
  },
): Buffer {
  const txn = options.transactional;
  return encodeRecordBatchSync(
    records.map((r) => ({ key: r.key, value: r.value })),
    txn === undefined
      ? { timestamp: options.timestampMs }
      : { timestamp: options.timestampMs, isTransactional: true, ...txn },
  );
}

/** The replica manager's produce and fetch paths, which the coordinators write and load through. */
export type InternalTopicReplicas = Pick<ReplicaManager, 'append' | 'fetchPartitions'>;

/** A write to an internal topic the partition refused (NOT_LEADER_OR_FOLLOWER, …). */
export class InternalTopicWriteError extends Error {
  constructor(
    readonly where: { topic: string; partition: number },
    readonly error: ErrorName,
  ) {
    super(`writing to ${where.topic}-${where.partition} failed: ${error}`);
  }
}

/** Produce v9: the version the coordinators' own batches are checked as. */
const PRODUCE_VERSION = 9;
/** acks=all: the coordinator answers only once the records are committed. */
const ACKS_ALL = -1;
const READ_UNCOMMITTED = 0;

/**
 * Appends one batch to `topic`-`partition` through the produce path. Resolves with the
 * partition's error (NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR, …) or the batch's base offset.
 */
export async function appendInternalBatch(
  replicas: InternalTopicReplicas,
  where: { topic: string; partition: number },
  batch: Buffer,
): Promise<{ error: ErrorName | null; baseOffset: number }> {
  const result = await replicas.append(where.topic, where.partition, {
    records: batch,
    acks: ACKS_ALL,
    apiVersion: PRODUCE_VERSION,
  });
  return { error: result.error, baseOffset: result.baseOffset };
}

/** Appends `records` as one plain batch stamped `timestampMs`. */
export function appendKeyedRecords(
  replicas: InternalTopicReplicas,
  where: { topic: string; partition: number },
  options: { records: readonly KeyedRecord[]; timestampMs: number },
): Promise<{ error: ErrorName | null; baseOffset: number }> {
  const batch = encodeKeyedBatch(options.records, { timestampMs: options.timestampMs });
  return appendInternalBatch(replicas, where, batch);
}

/**
 * Calls `onEntry` for every keyed record (with its offset and, in a transactional batch, its
 * producer) and every COMMIT/ABORT marker of `topic`-`partition`, in offset order, read
 * through the fetch path up to the log end (the loading leader's log is the one that stands). Other control records are skipped.
 * Resolves with the partition's error when it cannot be read (nothing after it was replayed).
 */
export async function replayInternalLog(
  replicas: InternalTopicReplicas,
  where: { topic: string; partition: number },
  onEntry: (entry: InternalLogEntry) => void,
): Promise<ErrorName | null> {
  let offset = 0;
  for (;;) {
    const [answer] = await replicas.fetchPartitions(
      [{ ...where, fetchOffset: offset, maxBytes: LOAD_READ_BYTES, currentLeaderEpoch: -1 }],
      {
        maxBytes: LOAD_READ_BYTES,
        minBytes: 0,
        maxWaitMs: 0,
        isolationLevel: READ_UNCOMMITTED,
        toLogEnd: true,
      },
    );
    if (answer === undefined) return 'UNKNOWN_SERVER_ERROR';
    // Retention or compaction moved the log start past where loading began.
    if (answer.error === 'OFFSET_OUT_OF_RANGE' && offset < answer.logStartOffset) {
      offset = answer.logStartOffset;
      continue;
    }
    if (answer.error !== null) return answer.error;
    if (answer.records.length === 0) return null;
    offset = replayBatches(answer.records, onEntry);
  }
}

/** Replays the batches of one read; returns the offset after the last. */
function replayBatches(records: Buffer, onEntry: (entry: InternalLogEntry) => void): number {
  let next = 0;
  for (const bytes of splitRecordBatches(records)) {
    const batch = decodeRecordBatchSync(bytes);
    next = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
    if (batch.isControl) {
      for (const r of batch.records) {
        const control = controlTypeOf(r);
        if (control !== ControlRecordType.Commit && control !== ControlRecordType.Abort) continue;
        onEntry({
          type: 'marker',
          producerId: batch.producerId,
          commit: control === ControlRecordType.Commit,
          offset: Number(r.offset),
        });
      }
      continue;
    }
    const producerId = batch.isTransactional ? batch.producerId : -1n;
    for (const r of batch.records) {
      if (r.key === null) continue;
      onEntry({
        type: 'record',
        record: { key: r.key, value: r.value },
        offset: Number(r.offset),
        producerId,
      });
    }
  }
  return next;
}

/**
 * The partitions of an internal topic this node leads and has open now: those whose
 * leadership arrived before the coordinator subscribed (at start, every one on a single node).
 */
export function ledPartitions(
  metadata: ClusterMetadata,
  replicas: Pick<ReplicaManager, 'getPartition'>,
  topic: string,
): { partition: number; leaderEpoch: number }[] {
  const image = metadata.image.topic(topic);
  if (image === undefined) return [];
  return image.partitions.flatMap((p) =>
    p !== undefined &&
    p.leader === metadata.nodeId &&
    replicas.getPartition(topic, p.partitionId) !== undefined
      ? [{ partition: p.partitionId, leaderEpoch: p.leaderEpoch }]
      : [],
  );
}

/** The type of a control record; null when it cannot be read (such a record is skipped). */
function controlTypeOf(record: Pick<DecodedRecord, 'key' | 'value'>): number | 'unknown' | null {
  try {
    return decodeControlRecord(record).type;
  } catch (err) {
    if (err instanceof RecordDecodeError) return null;
    throw err;
  }
}
