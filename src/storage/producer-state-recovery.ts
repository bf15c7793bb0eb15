// Rebuilds a partition's producer state after a start: the newest snapshot at or below the log
// end, then the producer batches of the log after it (all of the log when there is none), read
// header by header. Works the same after a clean stop (the snapshot is at the log end, so
// nothing is replayed) and after kill -9 (replay from the last roll's snapshot).
import { BatchHeader } from '../protocol/records/batch-header.js';
import { ControlRecordType, decodeControlRecord } from '../protocol/records/control-record.js';
import { decodeRecordBatch } from '../protocol/records/record-batch.js';
import type { PartitionLog } from './partition-log.js';
import { readLatestProducerSnapshot, writeProducerSnapshot } from './producer-snapshot-file.js';
import { ProducerStateManager, producerBatchInfo, type CompletedTxn } from './producer-state.js';

const REPLAY_READ_BYTES = 8 * 1024 * 1024;

export interface RecoveredProducerState {
  state: ProducerStateManager;
  /** Where replay started (the snapshot's offset, or the log start). */
  snapshotOffset: number;
  replayedBatches: number;
  /** Transactions aborted by markers in the replayed part (the `.txnindex` may lack them). */
  abortedTxns: CompletedTxn[];
}

export async function recoverProducerState(
  log: PartitionLog,
  options: { files?: ReadonlySet<string> | null } = {},
): Promise<RecoveredProducerState> {
  const state = new ProducerStateManager();
  const snapshot = await readLatestProducerSnapshot(
    log.fs,
    log.dir,
    log.logEndOffset,
    options.files,
  );
  if (snapshot !== null) state.load(snapshot.entries);
  const start = Math.max(snapshot?.offset ?? 0, log.logStartOffset);
  const abortedTxns: CompletedTxn[] = [];
  const replayedBatches = await replay(log, state, { from: start, abortedTxns });
  return { state, snapshotOffset: start, replayedBatches, abortedTxns };
}

async function replay(
  log: PartitionLog,
  state: ProducerStateManager,
  { from, abortedTxns }: { from: number; abortedTxns: CompletedTxn[] },
): Promise<number> {
  let offset = from;
  let batches = 0;
  while (offset < log.logEndOffset) {
    const read = await log.read(offset, { maxBytes: REPLAY_READ_BYTES });
    if (read.error !== null) break;
    if (read.records.length === 0) {
      // The rest of this segment holds nothing at or past `offset` (compaction gaps): go on
      // from the next segment.
      const next = log.segmentBaseOffsets.find((base) => base > offset);
      if (next === undefined) break;
      offset = next;
      continue;
    }
    for (let pos = 0; pos < read.records.length;) {
      const h = new BatchHeader(read.records, pos);
      if (h.producerId >= 0n && h.baseOffsetNumber >= offset) {
        const batch = read.records.subarray(pos, pos + h.totalSize);
        await replayProducerBatch(state, { h, batch, abortedTxns });
        batches++;
      }
      offset = Math.max(offset, h.lastOffsetNumber + 1);
      pos += h.totalSize;
    }
  }
  return batches;
}

/**
 * Applies one batch already in the log to the producer state (recovery, and a follower's
 * append of its leader's batches): a data batch moves its producer's sequence, a COMMIT or
 * ABORT marker ends its open transaction; an abort is pushed to `abortedTxns`.
 */
export async function replayProducerBatch(
  state: ProducerStateManager,
  { h, batch, abortedTxns }: { h: BatchHeader; batch: Buffer; abortedTxns: CompletedTxn[] },
): Promise<void> {
  if (h.producerId < 0n) return;
  if (!h.isControl) state.update(producerBatchInfo(h), h.baseOffsetNumber, h.lastOffsetNumber);
  else await replayMarker(state, { h, batch, abortedTxns });
}

async function replayMarker(
  state: ProducerStateManager,
  { h, batch, abortedTxns }: { h: BatchHeader; batch: Buffer; abortedTxns: CompletedTxn[] },
): Promise<void> {
  let marker;
  try {
    const decoded = await decodeRecordBatch(batch, { verifyCrc: false });
    const record = decoded.records[0];
    marker = record === undefined ? null : decodeControlRecord(record);
  } catch {
    // A control batch this code cannot read ends nothing; the log itself was CRC-checked.
    return;
  }
  if (marker === null) return;
  if (marker.type !== ControlRecordType.Abort && marker.type !== ControlRecordType.Commit) return;
  const completed = state.completeTxn(h.producerId, {
    producerEpoch: h.producerEpoch,
    coordinatorEpoch: marker.coordinatorEpoch,
    markerOffset: h.baseOffsetNumber,
    timestamp: Number(h.maxTimestamp),
  });
  if (marker.type === ControlRecordType.Abort && completed.firstOffset >= 0) {
    abortedTxns.push(completed);
  }
}

/** Writes the partition's producer state as a snapshot at the log end offset. */
export function snapshotProducerState(
  log: PartitionLog,
  state: ProducerStateManager,
): Promise<void> {
  return writeProducerSnapshot(log.fs, log.dir, {
    offset: log.logEndOffset,
    entries: state.entries(),
  });
}
