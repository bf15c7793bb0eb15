// CoordinatorLog over the partition logs of __consumer_offsets: each append is one
// uncompressed record batch (key and value exactly as Kafka writes them), and loading reads a
// partition from its log start to its end, batch by batch, markers included. Transactional
// offset commits go through the partition's produce path as a transactional batch of their
// producer, so the partition checks the transaction (the coordinator's verification), tracks
// it in its producer state and holds its last stable offset until the marker.
import type { ErrorName } from '../../protocol/errors.js';
import type { PartitionLog } from '../../storage/index.js';
import { SerialQueue } from '../../util/serial-queue.js';
import { appendKeyedRecords, encodeKeyedBatch, replayInternalLog } from '../internal-topic-log.js';
import type { CoordinatorLog, CoordinatorLogEntry, TxnProducer } from './coordinator-log.js';
import type { CoordinatorRecord } from './group-records.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

/** The produce path of the __consumer_offsets partitions (the ReplicaManager's, in a broker). */
export interface TransactionalAppender {
  /** The sequence the producer's next batch in the partition must start at. */
  nextSequence(partition: number, producer: TxnProducer): number;
  /** Appends one transactional batch, verified against the producer's transaction. */
  append(
    partition: number,
    batch: Buffer,
  ): Promise<{ error: ErrorName | null; baseOffset: number }>;
}

export class ConsumerOffsetsLog implements CoordinatorLog {
  /**
   * Transactional appends per partition, one at a time: each needs the sequence after the last.
   * At most one queue per partition of __consumer_offsets, kept for the coordinator's life.
   */
  private readonly txnQueues = new Map<number, SerialQueue>();

  constructor(
    private readonly logs: {
      /** The log of one partition, if it exists. */
      get(partition: number): PartitionLog | undefined;
      /** The log of one partition, created when missing (on the first write). */
      create(partition: number): Promise<PartitionLog>;
      /** Without it no transaction can write here (INVALID_TXN_STATE). */
      transactional?: TransactionalAppender;
    },
    private readonly nowMs: () => number = Date.now,
  ) {}

  async append(partition: number, records: readonly CoordinatorRecord[]): Promise<number> {
    const log = await this.logs.create(partition);
    return appendKeyedRecords(log, records, this.nowMs());
  }

  appendTransactional(
    partition: number,
    records: readonly CoordinatorRecord[],
    producer: TxnProducer,
  ): Promise<{ error: ErrorName | null; baseOffset: number }> {
    const appender = this.logs.transactional;
    if (appender === undefined) {
      return Promise.resolve({ error: 'INVALID_TXN_STATE', baseOffset: -1 });
    }
    let queue = this.txnQueues.get(partition);
    if (queue === undefined) {
      queue = new SerialQueue();
      this.txnQueues.set(partition, queue);
    }
    return queue.run(async () => {
      // The partition must exist before its produce path can take a batch.
      await this.logs.create(partition);
      const batch = encodeKeyedBatch(records, {
        timestampMs: this.nowMs(),
        transactional: { ...producer, baseSequence: appender.nextSequence(partition, producer) },
      });
      return appender.append(partition, batch);
    });
  }

  async replay(partition: number, onEntry: (entry: CoordinatorLogEntry) => void): Promise<void> {
    // A partition never written to has no log yet: nothing to load.
    const log = this.logs.get(partition);
    if (log === undefined) return;
    await replayInternalLog(log, onEntry);
  }
}
