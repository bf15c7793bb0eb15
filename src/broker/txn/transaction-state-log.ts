// TxnStateLog over the partition logs of `__transaction_state`: each record is one
// uncompressed batch with the key and value exactly as Kafka writes them (so the topic can be
// read by Kafka's tools and compacted by key); loading reads a partition from its log start
// to its end. Appends wait for a flush: a transaction's state must survive kill -9 before the
// client is answered, or a commit could be acknowledged and then forgotten.
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../../protocol/index.js';
import type { PartitionLog } from '../../storage/index.js';
import { decodeTxnLogRecord, encodeTxnLogKey, encodeTxnLogValue } from './transaction-metadata.js';
import type { TxnMetadata } from './transaction-metadata.js';
import type { TxnStateLog } from './transaction-coordinator.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

const LOAD_READ_BYTES = 4 * 1024 * 1024;

export class TransactionStateLog implements TxnStateLog {
  constructor(
    private readonly logs: {
      /** The log of one partition, if it exists. */
      get(partition: number): PartitionLog | undefined;
      /** The log of one partition, created when missing (on the first write). */
      create(partition: number): Promise<PartitionLog>;
    },
    private readonly nowMs: () => number = Date.now,
  ) {}

  async append(
    partition: number,
    record: { transactionalId: string; metadata: TxnMetadata | null },
  ): Promise<void> {
    const log = await this.logs.create(partition);
    const key = encodeTxnLogKey(record.transactionalId);
    const value = record.metadata === null ? null : encodeTxnLogValue(record.metadata);
    await log.append(encodeRecordBatchSync([{ key, value }], { timestamp: this.nowMs() }));
    await log.flush();
  }

  async replay(
    partition: number,
    onRecord: (record: { transactionalId: string; metadata: TxnMetadata | null }) => void,
  ): Promise<void> {
    const log = this.logs.get(partition);
    if (log === undefined) return;
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const read = await log.read(offset, { maxBytes: LOAD_READ_BYTES });
      if (read.error !== null || read.records.length === 0) break;
      for (const bytes of splitRecordBatches(read.records)) {
        const batch = decodeRecordBatchSync(bytes);
        offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
        if (batch.isControl) continue;
        for (const r of batch.records) {
          if (r.key !== null) onRecord(decodeTxnLogRecord(r.key, r.value));
        }
      }
    }
  }
}
