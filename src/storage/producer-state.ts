// Idempotent-producer state of one partition: per producer id its epoch and the sequence ranges
// and offsets of its last five batches, so a retried batch is recognised (and answered with the
// offsets it got the first time) and a gap in sequences is refused. The rules follow Kafka 4.x
// (ProducerAppendInfo): a new epoch must start at sequence 0, an older epoch is fenced, and a
// producer the partition does not know must start at 0 too.
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
}

/** What to do with an incoming batch of an idempotent producer. */
export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | {
      kind: 'error';
      error: 'OUT_OF_ORDER_SEQUENCE_NUMBER' | 'INVALID_PRODUCER_EPOCH' | 'UNKNOWN_PRODUCER_ID';
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
}

export function producerBatchInfo(h: BatchHeader): ProducerBatchInfo {
  return {
    producerId: h.producerId,
    producerEpoch: h.producerEpoch,
    baseSequence: h.baseSequence,
    lastOffsetDelta: h.lastOffsetDelta,
    maxTimestamp: Number(h.maxTimestamp),
  };
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
      if (b.baseSequence === 0) return { kind: 'append' };
      if (entry !== undefined) {
        return {
          kind: 'error',
          error: 'OUT_OF_ORDER_SEQUENCE_NUMBER',
          message: `a new epoch ${b.producerEpoch} must start at sequence 0, not ${b.baseSequence}`,
        };
      }
      return {
        kind: 'error',
        error: 'UNKNOWN_PRODUCER_ID',
        message: `no state for producer ${b.producerId}; sequence ${b.baseSequence} is not 0`,
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
      entry = { producerId: b.producerId, epoch: b.producerEpoch, batches: [], lastTimestamp: -1 };
      this.producers.set(b.producerId, entry);
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

  /** Replaces the state (snapshot load). */
  load(entries: readonly ProducerEntry[]): void {
    this.producers.clear();
    for (const e of entries) this.producers.set(e.producerId, e);
  }

  /** Forgets producers idle for longer than producer.id.expiration.ms. */
  expire(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (e.lastTimestamp >= 0 && nowMs - e.lastTimestamp > expirationMs) {
        this.producers.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
