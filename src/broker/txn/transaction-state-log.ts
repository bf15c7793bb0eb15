// TxnStateLog over the partitions of `__transaction_state`, through the replica manager: each
// record is one uncompressed batch with the key and value exactly as Kafka writes them (so the
// topic can be read by Kafka's tools and compacted by key), produced with acks=all; loading
// reads a partition through the fetch path from its log start to its high watermark. Durable
// appends also wait for an fsync of the partition: a transaction's state must survive a crash
// before the client is answered, or a commit could be acknowledged and then forgotten (a
// single node has no replica to keep it).
import { isStorageFailure } from '../../storage/index.js';
import {
  appendKeyedRecords,
  InternalTopicWriteError,
  replayInternalLog,
  type InternalTopicReplicas,
} from '../internal-topic-log.js';
import type { ReplicaManager } from '../partition/index.js';
import { encodeTxnLogKey, encodeTxnLogValue, readTxnLogRecord } from './transaction-metadata.js';
import type { TxnMetadata } from './transaction-metadata.js';
import type { TxnStateLog } from './transaction-coordinator.js';
import { systemClock } from '../../util/index.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** What the log needs of the replica manager: produce, fetch, and the partition to fsync. */
export type TxnStateReplicas = InternalTopicReplicas & Pick<ReplicaManager, 'getPartition'>;

export class TransactionStateLog implements TxnStateLog {
  constructor(
    private readonly replicas: TxnStateReplicas,
    private readonly nowMs: () => number = systemClock.nowMs,
    /** Told of each record skipped at load because it does not decode. */
    private readonly onSkipped: (partition: number) => void = () => undefined,
  ) {}

  async append(
    partition: number,
    record: { transactionalId: string; metadata: TxnMetadata | null },
    options: { durable: boolean } = { durable: true },
  ): Promise<void> {
    const where = { topic: TRANSACTION_STATE_TOPIC, partition };
    const key = encodeTxnLogKey(record.transactionalId);
    const value = record.metadata === null ? null : encodeTxnLogValue(record.metadata);
    const result = await appendKeyedRecords(this.replicas, where, {
      records: [{ key, value }],
      timestampMs: this.nowMs(),
    });
    if (result.error !== null) throw new InternalTopicWriteError(where, result.error);
    if (options.durable) await this.flush(where);
  }

  /**
   * The one storage call outside the produce path: the topic's flush settings do not ask for
   * an fsync per record (Kafka relies on replication instead), so a durable record asks for it.
   */
  private async flush(where: { topic: string; partition: number }): Promise<void> {
    const p = this.replicas.getPartition(where.topic, where.partition);
    if (p === undefined) throw new InternalTopicWriteError(where, 'NOT_LEADER_OR_FOLLOWER');
    try {
      await p.log.flush();
    } catch (err) {
      if (!isStorageFailure(err)) throw err;
      throw new InternalTopicWriteError(where, 'KAFKA_STORAGE_ERROR');
    }
  }

  async replay(
    partition: number,
    onRecord: (record: { transactionalId: string; metadata: TxnMetadata | null }) => void,
  ): Promise<void> {
    const where = { topic: TRANSACTION_STATE_TOPIC, partition };
    const error = await replayInternalLog(this.replicas, where, (entry) => {
      if (entry.type !== 'record') return;
      const record = readTxnLogRecord(entry.record.key, entry.record.value);
      if (record === null) this.onSkipped(partition);
      else onRecord(record);
    });
    if (error !== null) throw new Error(`${TRANSACTION_STATE_TOPIC}-${partition}: ${error}`);
  }
}
