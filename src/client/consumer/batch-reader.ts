// Turns the record bytes of one Fetch partition into consumer records: decodes every batch,
// drops records before the fetch position (a batch may start earlier), skips control batches
// and, under read_committed, the batches of aborted transactions. A fetch lists the aborted
// transactions that overlap it (producer id and first offset); such a producer's
// transactional batches are aborted until its ABORT marker (KIP-98).
import {
  ControlRecordType,
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
  for (const frame of splitRecordBatches(bytes ?? Buffer.alloc(0))) {
    // Legacy (magic 0/1) message sets are not supported by this client.
    if (frame.length < 17 || frame.readInt8(16) !== 2) continue;
    const batch = await decodeRecordBatch(frame, { verifyCrc: o.verifyCrc ?? true });
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
  return { records, nextOffset };
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
