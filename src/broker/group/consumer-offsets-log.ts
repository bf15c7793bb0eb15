// CoordinatorLog over the __consumer_offsets partitions, through the replica manager (as
// Kafka's coordinator runtime writes through ReplicaManager.appendRecords): each append is one
// uncompressed record batch (key and value exactly as Kafka writes them) produced with
// acks=all, and loading reads a partition through the fetch path from its log start to its
// high watermark, markers included. Transactional offset commits are produced as a
// transactional batch of their producer, so the partition checks the transaction (the
// coordinator's verification), tracks it in its producer state and holds its last stable
// offset until the marker.
import type { ErrorName } from '../../protocol/errors.js';
import {
  appendInternalBatch,
  appendKeyedRecords,
  encodeKeyedBatch,
  replayInternalLog,
  type InternalTopicReplicas,
} from '../internal-topic-log.js';
import type { ReplicaManager } from '../partition/index.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { CoordinatorLog, CoordinatorLogEntry, TxnProducer } from './coordinator-log.js';
import type { CoordinatorRecord } from './group-records.js';
import { systemClock } from '../../util/index.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

const INT32_MAX = 2 ** 31 - 1;

/** What the log needs of the replica manager: produce, fetch, and producers' sequences. */
export type ConsumerOffsetsReplicas = InternalTopicReplicas & Pick<ReplicaManager, 'getPartition'>;

/** A partition could not be read while loading. */
export class CoordinatorLoadError extends Error {
  constructor(
    readonly partition: number,
    readonly error: ErrorName,
  ) {
    super(`${CONSUMER_OFFSETS_TOPIC}-${partition} could not be read: ${error}`);
  }
}

export class ConsumerOffsetsLog implements CoordinatorLog {
  /**
   * Transactional appends per partition, one at a time: each needs the sequence after the last.
   * At most one queue per partition of __consumer_offsets, kept for the coordinator's life.
   */
  private readonly txnQueues = new Map<number, SerialQueue>();
  private readonly nowMs: () => number;

  constructor(
    private readonly replicas: ConsumerOffsetsReplicas,
    nowMs: () => number = systemClock.nowMs,
  ) {
    this.nowMs = nowMs;
  }

  append(
    partition: number,
    records: readonly CoordinatorRecord[],
  ): Promise<{ error: ErrorName | null; baseOffset: number }> {
    return appendKeyedRecords(
      this.replicas,
      { topic: CONSUMER_OFFSETS_TOPIC, partition },
      { records, timestampMs: this.nowMs() },
    );
  }

  appendTransactional(
    partition: number,
    records: readonly CoordinatorRecord[],
    producer: TxnProducer,
  ): Promise<{ error: ErrorName | null; baseOffset: number }> {
    let queue = this.txnQueues.get(partition);
    if (queue === undefined) {
      queue = new SerialQueue();
      this.txnQueues.set(partition, queue);
    }
    return queue.run(() => {
      const batch = encodeKeyedBatch(records, {
        timestampMs: this.nowMs(),
        transactional: { ...producer, baseSequence: this.nextSequence(partition, producer) },
      });
      return appendInternalBatch(
        this.replicas,
        { topic: CONSUMER_OFFSETS_TOPIC, partition },
        batch,
      );
    });
  }

  /** The sequence the producer's next batch in the partition must start at. */
  private nextSequence(partition: number, producer: TxnProducer): number {
    const p = this.replicas.getPartition(CONSUMER_OFFSETS_TOPIC, partition);
    const entry = p?.producers.entry(producer.producerId);
    // A new producer or epoch starts at 0; an older epoch is refused by the partition.
    if (entry === undefined || entry.epoch !== producer.producerEpoch) return 0;
    const last = entry.batches[entry.batches.length - 1]?.lastSequence;
    return last === undefined || last === INT32_MAX ? 0 : last + 1;
  }

  async replay(partition: number, onEntry: (entry: CoordinatorLogEntry) => void): Promise<void> {
    const error = await replayInternalLog(
      this.replicas,
      { topic: CONSUMER_OFFSETS_TOPIC, partition },
      onEntry,
    );
    if (error !== null) throw new CoordinatorLoadError(partition, error);
  }
}
