// TxnStateLog over the partition logs of `__transaction_state`: each record is one
// uncompressed batch with the key and value exactly as Kafka writes them (so the topic can be
// read by Kafka's tools and compacted by key); loading reads a partition from its log start
// to its end. Durable appends wait for an fsync: a transaction's state must survive a crash
// before the client is answered, or a commit could be acknowledged and then forgotten.
import type { PartitionLog } from '../../storage/index.js';
import { appendKeyedRecords, replayKeyedRecords } from '../internal-topic-log.js';
import { encodeTxnLogKey, encodeTxnLogValue, readTxnLogRecord } from './transaction-metadata.js';
import type { TxnMetadata } from './transaction-metadata.js';
import type { TxnStateLog } from './transaction-coordinator.js';
import { systemClock } from '../../util/index.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

export class TransactionStateLog implements TxnStateLog {
  constructor(
    private readonly logs: {
      /** The log of one partition, if it exists. */
      get(partition: number): PartitionLog | undefined;
      /** The log of one partition, created when missing (on the first write). */
      create(partition: number): Promise<PartitionLog>;
    },
    private readonly nowMs: () => number = systemClock.nowMs,
    /** Told of each record skipped at load because it does not decode. */
    private readonly onSkipped: (partition: number) => void = () => undefined,
  ) {}

  async append(
    partition: number,
    record: { transactionalId: string; metadata: TxnMetadata | null },
    options: { durable: boolean } = { durable: true },
  ): Promise<void> {
    const log = await this.logs.create(partition);
    const key = encodeTxnLogKey(record.transactionalId);
    const value = record.metadata === null ? null : encodeTxnLogValue(record.metadata);
    await appendKeyedRecords(log, [{ key, value }], this.nowMs());
    if (options.durable) await log.flush();
  }

  async replay(
    partition: number,
    onRecord: (record: { transactionalId: string; metadata: TxnMetadata | null }) => void,
  ): Promise<void> {
    const log = this.logs.get(partition);
    if (log === undefined) return;
    await replayKeyedRecords(log, (r) => {
      const record = readTxnLogRecord(r.key, r.value);
      if (record === null) this.onSkipped(partition);
      else onRecord(record);
    });
  }
}
