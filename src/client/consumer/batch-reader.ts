// Turns the record bytes of one Fetch partition into consumer records: decodes every batch,
// drops records before the fetch position (a batch may start earlier), skips control batches
// and, under read_committed, the batches of aborted transactions. A fetch lists the aborted
// transactions that overlap it (producer id and first offset); such a producer's
// transactional batches are aborted until its ABORT marker (KIP-98). A batch that cannot be
// decoded (bad CRC, does not decompress, records not matching its header) stops the read: the
// records before it are returned with the problem, and the position stays at the batch, as
// Kafka's consumer does (it raises an error naming the partition and offset on poll, and the
// application decides whether to seek past it).
import {
  ControlRecordType,
  RecordDecodeError,
  decodeControlRecord,
  decodeRecordBatch,
  splitRecordBatches,
  type DecodedRecordBatch,
} from '../../protocol/index.js';
import type { ConsumerRecord } from './types.js';

export interface ReadOptions {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  readCommitted: boolean;
  abortedTransactions: readonly { producerId: bigint; firstOffset: bigint }[] | null;
  verifyCrc?: boolean;
}

export interface ReadResult {
  records: ConsumerRecord[];
  /** The offset after the last complete batch, or the fetch offset if there was none. */
  nextOffset: bigint;
  /** A batch that could not be decoded; reading stopped at it (`nextOffset` is its position). */
  corrupt: CorruptBatch | null;
}

export interface CorruptBatch {
  /** The batch's base offset, as its header says. */
  baseOffset: bigint;
  /** Its last offset, as its header says (seek after it to skip the batch); null if unknown. */
  lastOffset: bigint | null;
  error: RecordDecodeError;
}

export async function readFetchedRecords(
  bytes: Buffer | null,
  o: ReadOptions,
): Promise<ReadResult> {
  const records: ConsumerRecord[] = [];
  let nextOffset = o.fetchOffset;
  const pendingAborts = [...(o.abortedTransactions ?? [])].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : 1,
  );
  const aborting = new Set<bigint>();
  const frames = splitRecordBatches(bytes ?? Buffer.alloc(0));
  for (;;) {
    let frame: Buffer;
    try {
      const next = frames.next();
      if (next.done === true) break;
      frame = next.value;
    } catch (err) {
      // A batch length that cannot be right: nothing of the batch can be trusted.
      if (!(err instanceof RecordDecodeError)) throw err;
      const corrupt = { baseOffset: nextOffset, lastOffset: null, error: err };
      return { records, nextOffset, corrupt };
    }
    // Legacy (magic 0/1) message sets are not supported by this client.
    if (frame.length < 17 || frame.readInt8(16) !== 2) continue;
    let batch: DecodedRecordBatch;
    try {
      batch = await decodeRecordBatch(frame, { verifyCrc: o.verifyCrc ?? true });
    } catch (err) {
      if (!(err instanceof RecordDecodeError)) throw err;
      return { records, nextOffset, corrupt: corruptBatch(frame, err) };
    }
    const lastOffset = batch.baseOffset + BigInt(batch.lastOffsetDelta);
    if (lastOffset < o.fetchOffset) continue;
    nextOffset = lastOffset + 1n;
    while (pendingAborts.length > 0 && pendingAborts[0]!.firstOffset <= lastOffset) {
      aborting.add(pendingAborts.shift()!.producerId);
    }
    if (batch.isControl) {
      if (isAbortMarker(batch)) aborting.delete(batch.producerId);
      continue;
    }
    if (o.readCommitted && batch.isTransactional && aborting.has(batch.producerId)) continue;
    for (const r of batch.records) {
      if (r.offset < o.fetchOffset) continue;
      records.push({
        topic: o.topic,
        partition: o.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        timestampType: batch.timestampType,
        key: r.key,
        value: r.value,
        headers: r.headers,
      });
    }
  }
  return { records, nextOffset, corrupt: null };
}

/** Offsets of a batch that did not decode, from the fixed fields its frame check covered. */
function corruptBatch(frame: Buffer, error: RecordDecodeError): CorruptBatch {
  const baseOffset = frame.readBigInt64BE(0);
  // Magic 2: lastOffsetDelta at byte 23 (frames shorter than that never get here).
  const lastOffset = frame.length >= 27 ? baseOffset + BigInt(frame.readInt32BE(23)) : baseOffset;
  return { baseOffset, lastOffset, error };
}

function isAbortMarker(batch: DecodedRecordBatch): boolean {
  const first = batch.records[0];
  if (first === undefined) return false;
  try {
    return decodeControlRecord(first).type === ControlRecordType.Abort;
  } catch {
    return false;
  }
}
