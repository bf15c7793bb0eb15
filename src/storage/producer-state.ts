// Idempotent-producer state of one partition: per producer id its epoch and the sequence ranges
// and offsets of its last five batches, so a retried batch is recognised (and answered with the
// offsets it got the first time) and a gap in sequences is refused. The rules follow Kafka 4.x
// (ProducerAppendInfo): a new epoch must start at sequence 0, an older epoch is fenced, and a
// producer the partition does not know is accepted at any sequence (its records may have been
// removed by retention or DeleteRecords), so UNKNOWN_PRODUCER_ID is never answered.
import { BatchHeader } from '../protocol/records/batch-header.js';

/** Kafka keeps this many batches per producer for duplicate detection. */
export const PRODUCER_BATCHES_KEPT = 5;
const NO_SEQUENCE = -1;
const INT32_MAX = 2 ** 31 - 1;

export interface ProducerBatch {
  firstSequence: number;
  lastSequence: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

export interface ProducerEntry {
  producerId: bigint;
  epoch: number;
  /** Oldest first, at most PRODUCER_BATCHES_KEPT. */
  batches: ProducerBatch[];
  lastTimestamp: number;
  /** Offset of the first batch of the producer's open transaction here, -1 when none. */
  currentTxnFirstOffset: number;
  /** Coordinator epoch of the last marker written for this producer, -1 before any. */
  coordinatorEpoch: number;
}

/** What to do with an incoming batch of an idempotent producer. */
export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | {
      kind: 'error';
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH';
      message: string;
    };

/** The producer fields of a batch, read from its header. */
export interface ProducerBatchInfo {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  /** lastOffsetDelta: the sequence range is baseSequence .. baseSequence + this. */
  lastOffsetDelta: number;
  maxTimestamp: number;
  /** A batch of a transaction: it opens one here if none is open. */
  isTransactional?: boolean;
}

export function producerBatchInfo(h: BatchHeader): ProducerBatchInfo {
  return {
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    lastOffsetDelta: h.lastOffsetDelta,
    maxTimestamp: Number(h.maxTimestamp),
    isTransactional: h.isTransactional,
  };
}

/** A transaction ended here: what the aborted-transaction index needs. */
export interface CompletedTxn {
  producerId: bigint;
  /** -1 when the producer had no open transaction in this partition. */
  firstOffset: number;
  /** The marker's offset. */
  lastOffset: number;
}

function lastSequenceOf(b: ProducerBatchInfo): number {
  // Sequences wrap at Int32.MAX like Kafka's DefaultRecordBatch.incrementSequence.
  const last = b.baseSequence + b.lastOffsetDelta;
  return last > INT32_MAX ? last - INT32_MAX - 1 : last;
}

function inSequence(lastSequence: number, nextSequence: number): boolean {
  return nextSequence === lastSequence + 1 || (nextSequence === 0 && lastSequence === INT32_MAX);
}

export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerEntry>();

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: bigint): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values();
  }

  /** Checks a client's batch against the state (does not change it). */
  check(b: ProducerBatchInfo): SequenceCheck {
    const entry = this.producers.get(b.producerId);
    const lastSequence = lastSequenceOf(b);
    if (entry !== undefined && entry.epoch === b.producerEpoch) {
      for (const cached of entry.batches) {
        if (cached.firstSequence === b.baseSequence && cached.lastSequence === lastSequence) {
          return {
            kind: 'duplicate',
            firstOffset: cached.firstOffset,
            lastOffset: cached.lastOffset,
          };
        }
      }
    }
    const epoch = entry?.epoch ?? -1;
    if (entry !== undefined && b.producerEpoch < epoch) {
      return {
        kind: 'error',
        error: 'INVALID_PRODUCER_EPOCH',
        message: `epoch ${b.producerEpoch} is older than the current epoch ${epoch}`,
      };
    }
    if (b.producerEpoch !== epoch) {
      // A new epoch must start at 0. A producer the partition does not know (its records
      // expired or were deleted, or it is new) is accepted at any sequence, as in Kafka 4.
      if (b.baseSequence === 0 || entry === undefined) return { kind: 'append' };
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `a new epoch ${b.producerEpoch} must start at sequence 0, not ${b.baseSequence}`,
      };
    }
    const last = entry!.batches[entry!.batches.length - 1]?.lastSequence ?? NO_SEQUENCE;
    if (last === NO_SEQUENCE ? b.baseSequence !== 0 : !inSequence(last, b.baseSequence)) {
      return {
        kind: 'error',
        error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
        message: `expected sequence ${last === NO_SEQUENCE ? 0 : last + 1}, got ${b.baseSequence}`,
      };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch (client or replay) at its assigned offsets. */
  update(b: ProducerBatchInfo, firstOffset: number, lastOffset: number): void {
    let entry = this.producers.get(b.producerId);
    if (entry === undefined || entry.epoch !== b.producerEpoch) {
      entry = {
        producerId: b.producerId,
        epoch: b.producerEpoch,
        batches: [],
        lastTimestamp: -1,
        // An epoch bump does not end a transaction: only its marker does.
        currentTxnFirstOffset: entry?.currentTxnFirstOffset ?? -1,
        coordinatorEpoch: entry?.coordinatorEpoch ?? -1,
      };
      this.producers.set(b.producerId, entry);
    }
    if (b.isTransactional === true && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset;
    }
    entry.batches.push({
      firstSequence: b.baseSequence,
      lastSequence: lastSequenceOf(b),
      firstOffset,
      lastOffset,
      maxTimestamp: b.maxTimestamp,
    });
    if (entry.batches.length > PRODUCER_BATCHES_KEPT) entry.batches.shift();
    entry.lastTimestamp = b.maxTimestamp;
  }

  /**
   * Checks a COMMIT/ABORT marker: one from an older producer epoch is fenced, and one from an
   * older coordinator epoch is stale (Kafka's ProducerAppendInfo.checkProducerEpoch and
   * appendEndTxnMarker).
   */
  checkMarker(
    producerId: bigint,
    options: { producerEpoch: number; coordinatorEpoch: number },
  ): 'INVALID_PRODUCER_EPOCH' | 'TRANSACTION_COORDINATOR_FENCED' | null {
    const entry = this.producers.get(producerId);
    if (entry === undefined) return null;
    if (options.producerEpoch < entry.epoch) return 'INVALID_PRODUCER_EPOCH';
    if (options.coordinatorEpoch < entry.coordinatorEpoch) return 'TRANSACTION_COORDINATOR_FENCED';
    return null;
  }

  /** Records a COMMIT/ABORT marker written at `markerOffset`: the producer's transaction ends. */
  completeTxn(
    producerId: bigint,
    options: {
      producerEpoch: number;
      coordinatorEpoch: number;
      markerOffset: number;
      timestamp: number;
    },
  ): CompletedTxn {
    let entry = this.producers.get(producerId);
    if (entry === undefined) {
      entry = {
        producerId,
        epoch: options.producerEpoch,
        batches: [],
        lastTimestamp: -1,
        currentTxnFirstOffset: -1,
        coordinatorEpoch: -1,
      };
      this.producers.set(producerId, entry);
    }
    const firstOffset = entry.currentTxnFirstOffset;
    entry.currentTxnFirstOffset = -1;
    entry.coordinatorEpoch = options.coordinatorEpoch;
    if (options.producerEpoch > entry.epoch) {
      entry.epoch = options.producerEpoch;
      entry.batches = [];
    }
    entry.lastTimestamp = Math.max(entry.lastTimestamp, options.timestamp);
    return { producerId, firstOffset, lastOffset: options.markerOffset };
  }

  /** The first offset of the oldest open transaction, or null: the last stable offset. */
  firstUnstableOffset(): number | null {
    let first: number | null = null;
    for (const e of this.producers.values()) {
      if (e.currentTxnFirstOffset >= 0 && (first === null || e.currentTxnFirstOffset < first)) {
        first = e.currentTxnFirstOffset;
      }
    }
    return first;
  }

  /** The producers with an open transaction here. */
  ongoingTxns(): ProducerEntry[] {
    return [...this.producers.values()].filter((e) => e.currentTxnFirstOffset >= 0);
  }

  /** Replaces the state (snapshot load). */
  load(entries: readonly ProducerEntry[]): void {
    this.producers.clear();
    for (const e of entries) this.producers.set(e.producerId, e);
  }

  /** Forgets producers idle for longer than producer.id.expiration.ms. */
  expire(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      // A producer with an open transaction stays until its marker is written.
      const open = e.currentTxnFirstOffset >= 0;
      if (!open && e.lastTimestamp >= 0 && nowMs - e.lastTimestamp > expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
