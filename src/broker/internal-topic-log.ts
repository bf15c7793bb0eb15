// Reading and writing the keyed records of an internal topic partition (__consumer_offsets,
// __transaction_state): each write is one uncompressed record batch, with keys and values
// exactly as Kafka writes them; loading reads a partition from its log start to its end.
import {
  ControlRecordType,
  decodeControlRecord,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  RecordDecodeError,
  splitRecordBatches,
  type DecodedRecord,
} from '../protocol/index.js';
import type { PartitionLog } from '../storage/index.js';

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

/** Appends `records` as one batch stamped `timestampMs`; resolves with its base offset. */
export async function appendKeyedRecords(
  log: PartitionLog,
  records: readonly KeyedRecord[],
  timestampMs: number,
): Promise<number> {
  const result = await log.append(encodeKeyedBatch(records, { timestampMs }));
  return result.baseOffset;
}

/** Calls `onRecord` for every keyed record of `log`, in offset order; control batches skipped. */
export async function replayKeyedRecords(
  log: PartitionLog,
  onRecord: (record: KeyedRecord) => void,
): Promise<void> {
  await replayInternalLog(log, (entry) => {
    if (entry.type === 'record') onRecord(entry.record);
  });
}

/**
 * Calls `onEntry` for every keyed record (with its offset and, in a transactional batch, its
 * producer) and every COMMIT/ABORT marker of `log`, in offset order. Other control records
 * are skipped.
 */
export async function replayInternalLog(
  log: PartitionLog,
  onEntry: (entry: InternalLogEntry) => void,
): Promise<void> {
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, { maxBytes: LOAD_READ_BYTES });
    if (read.error !== null || read.records.length === 0) break;
    for (const bytes of splitRecordBatches(read.records)) {
      const batch = decodeRecordBatchSync(bytes);
      offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
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
  }
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
