// Reading and writing the keyed records of an internal topic partition (__consumer_offsets,
// __transaction_state): each write is one uncompressed record batch, with keys and values
// exactly as Kafka writes them; loading reads a partition from its log start to its end.
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../protocol/index.js';
import type { PartitionLog } from '../storage/index.js';

export interface KeyedRecord {
  key: Buffer;
  /** null is a tombstone. */
  value: Buffer | null;
}

/** Bytes read per step while loading a partition. */
const LOAD_READ_BYTES = 4 * 1024 * 1024;

/** Appends `records` as one batch stamped `timestampMs`. */
export async function appendKeyedRecords(
  log: PartitionLog,
  records: readonly KeyedRecord[],
  timestampMs: number,
): Promise<void> {
  const batch = encodeRecordBatchSync(
    records.map((r) => ({ key: r.key, value: r.value })),
    { timestamp: timestampMs },
  );
  await log.append(batch);
}

/** Calls `onRecord` for every keyed record of `log`, in offset order; control batches skipped. */
export async function replayKeyedRecords(
  log: PartitionLog,
  onRecord: (record: KeyedRecord) => void,
): Promise<void> {
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, { maxBytes: LOAD_READ_BYTES });
    if (read.error !== null || read.records.length === 0) break;
    for (const bytes of splitRecordBatches(read.records)) {
      const batch = decodeRecordBatchSync(bytes);
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
      if (batch.isControl) continue;
      for (const r of batch.records) {
        if (r.key !== null) onRecord({ key: r.key, value: r.value });
      }
    }
  }
}
