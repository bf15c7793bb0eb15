// The transaction coordinator's state machine, without I/O: Empty → Ongoing →
// PrepareCommit/PrepareAbort → CompleteCommit/CompleteAbort, with Kafka's answers for fenced
// producers, retries and concurrent requests. Every operation returns either an error code
// or the metadata to persist (`next`); the caller appends `next` to `__transaction_state` and
// only then calls apply(), so nothing is visible before it is durable. Prepare states carry the
// markers to write to each partition; once written, completeMarkers() finishes the transaction.
import type { ErrorName } from '../../protocol/errors.js';
import { TxnState, type TopicPartitionRef, type TxnMetadata } from './transaction-metadata.js';

/** Epochs stop one short of Short.MAX_VALUE: the last one is kept for fencing (as Kafka). */
const MAX_PRODUCER_EPOCH = 32766;

export type Transition =
  | { error: ErrorName }
  | {
      error: null;
      /** The metadata to persist, then apply(); null when nothing changes. */
      next: TxnMetadata | null;
      /** InitProducerId's answer when the call ends with a producer id. */
      producerId?: bigint;
      producerEpoch?: number;
    };

export interface InitProducerIdOptions {
  transactionTimeoutMs: number;
  /** KIP-360: the producer's current id and epoch, -1 when it has none. */
  producerId: bigint;
  producerEpoch: number;
  nowMs: number;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
  /** Called when the id needs a fresh producer id. */
  newProducerId: () => bigint;
}

export interface ProducerRef {
  producerId: bigint;
  producerEpoch: number;
  nowMs: number;
}

function isPreparing(state: TxnState): boolean {
  return (
    state === TxnState.PrepareCommit ||
    state === TxnState.PrepareAbort ||
    state === TxnState.PrepareEpochFence
  );
}

function isExpired(m: TxnMetadata, nowMs: number): boolean {
  return m.state === TxnState.Ongoing && m.startTimestampMs + m.transactionTimeoutMs < nowMs;
}

function isIdle(m: TxnMetadata, nowMs: number, expirationMs: number): boolean {
  const settled =
    m.state === TxnState.Empty ||
    m.state === TxnState.CompleteCommit ||
    m.state === TxnState.CompleteAbort;
  return settled && m.lastUpdateTimestampMs + expirationMs < nowMs;
}

function copy(m: TxnMetadata, changes: Partial<TxnMetadata>): TxnMetadata {
  return { ...m, partitions: new Map(m.partitions), ...changes };
}

export class TransactionStateMachine {
  private readonly txns = new Map<string, TxnMetadata>();
  /** Producer id → transactional id, for the partitions' transaction verification. */
  private readonly idsByProducer = new Map<bigint, string>();

  get(transactionalId: string): TxnMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  all(): IterableIterator<TxnMetadata> {
    return this.txns.values();
  }

  /** Whether initProducerId for this id will call newProducerId (new id, or epochs exhausted). */
  needsProducerId(transactionalId: string): boolean {
    const m = this.txns.get(transactionalId);
    return m === undefined || m.producerEpoch >= MAX_PRODUCER_EPOCH;
  }

  /** The metadata of the id that holds this producer id now, if any. */
  byProducerId(producerId: bigint): TxnMetadata | undefined {
    const id = this.idsByProducer.get(producerId);
    return id === undefined ? undefined : this.txns.get(id);
  }

  /** Makes persisted metadata current (after its append, or replaying the log). */
  apply(m: TxnMetadata): void {
    const before = this.txns.get(m.transactionalId);
    if (before !== undefined && before.producerId !== m.producerId) {
      this.idsByProducer.delete(before.producerId);
    }
    this.txns.set(m.transactionalId, m);
    this.idsByProducer.set(m.producerId, m.transactionalId);
  }

  /** A tombstone (expired transactional id). */
  remove(transactionalId: string): void {
    const before = this.txns.get(transactionalId);
    if (before !== undefined) this.idsByProducer.delete(before.producerId);
    this.txns.delete(transactionalId);
  }

  /**
   * Kafka's transaction verification (KIP-890 part 1): whether `topic`-`partition` is in the
   * ongoing transaction of this producer id and epoch.
   */
  inTransaction(
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): boolean {
    const m = this.byProducerId(producerId);
    if (m === undefined || m.state !== TxnState.Ongoing || m.producerEpoch !== producerEpoch) {
      return false;
    }
    return m.partitions.get(topic)?.includes(partition) ?? false;
  }

  /**
   * The Produce error for a transactional batch of this producer in `topic`-`partition`, null
   * when it may be appended. An epoch other than the id's current one is a fenced producer:
   * INVALID_PRODUCER_EPOCH, as Kafka's brokers turn the coordinator's PRODUCER_FENCED into for
   * Produce (clients treat it as fatal); anything else not in an ongoing transaction is
   * INVALID_TXN_STATE.
   */
  verifyProduce(
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): ErrorName | null {
    const m = this.byProducerId(producerId);
    if (m !== undefined && m.producerEpoch !== producerEpoch) return 'INVALID_PRODUCER_EPOCH';
    return this.inTransaction(producerId, producerEpoch, topic, partition)
      ? null
      : 'INVALID_TXN_STATE';
  }

  initProducerId(transactionalId: string, o: InitProducerIdOptions): Transition {
    if (o.transactionTimeoutMs <= 0 || o.transactionTimeoutMs > o.maxTimeoutMs) {
      return { error: 'INVALID_TRANSACTION_TIMEOUT' };
    }
    const m = this.txns.get(transactionalId);
    if (m === undefined) {
      const producerId = o.newProducerId();
      const next: TxnMetadata = {
        transactionalId,
        producerId,
        previousProducerId: -1n,
        producerEpoch: 0,
        lastProducerEpoch: -1,
        transactionTimeoutMs: o.transactionTimeoutMs,
        state: TxnState.Empty,
        partitions: new Map(),
        startTimestampMs: -1,
        lastUpdateTimestampMs: o.nowMs,
      };
      return { error: null, next, producerId, producerEpoch: 0 };
    }
    // Markers are being written: the client retries.
    if (isPreparing(m.state)) return { error: 'CONCURRENT_TRANSACTIONS' };
    if (o.producerId >= 0n) {
      // KIP-360: a producer re-initialising must be the current one (or its retry).
      if (o.producerId !== m.producerId) return { error: 'PRODUCER_FENCED' };
      const retried = o.producerEpoch === m.lastProducerEpoch;
      if (o.producerEpoch !== m.producerEpoch && !retried) return { error: 'PRODUCER_FENCED' };
      if (retried && m.state !== TxnState.Ongoing) {
        return {
          error: null,
          next: null,
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
        };
      }
    }
    if (m.state === TxnState.Ongoing) {
      // A new producer instance: abort the old one's transaction first, fencing it with an
      // epoch bump. The caller writes the ABORT markers; the client retries and then succeeds.
      return { error: null, next: this.abortWithBump(m, o.nowMs) };
    }
    const exhausted = m.producerEpoch >= MAX_PRODUCER_EPOCH;
    const producerId = exhausted ? o.newProducerId() : m.producerId;
    const producerEpoch = exhausted ? 0 : m.producerEpoch + 1;
    const next = copy(m, {
      producerId,
      previousProducerId: exhausted ? m.producerId : m.previousProducerId,
      producerEpoch,
      lastProducerEpoch: exhausted ? -1 : m.producerEpoch,
      transactionTimeoutMs: o.transactionTimeoutMs,
      state: TxnState.Empty,
      partitions: new Map(),
      startTimestampMs: -1,
      lastUpdateTimestampMs: o.nowMs,
    });
    return { error: null, next, producerId, producerEpoch };
  }

  /** The producer of a request must be the id's current one. */
  private checkProducer(m: TxnMetadata | undefined, p: ProducerRef): ErrorName | null {
    if (m === undefined || m.producerId !== p.producerId) return 'INVALID_PRODUCER_ID_MAPPING';
    if (p.producerEpoch !== m.producerEpoch) return 'PRODUCER_FENCED';
    return null;
  }

  addPartitions(
    transactionalId: string,
    p: ProducerRef & { partitions: readonly TopicPartitionRef[] },
  ): Transition {
    const m = this.txns.get(transactionalId);
    const fenced = this.checkProducer(m, p);
    if (fenced !== null) return { error: fenced };
    if (isPreparing(m!.state)) return { error: 'CONCURRENT_TRANSACTIONS' };
    const partitions = new Map(m!.partitions);
    let added = false;
    for (const { topic, partition } of p.partitions) {
      const ids = partitions.get(topic) ?? [];
      if (ids.includes(partition)) continue;
      partitions.set(
        topic,
        [...ids, partition].sort((a, b) => a - b),
      );
      added = true;
    }
    if (!added && m!.state === TxnState.Ongoing) return { error: null, next: null };
    const starting = m!.state !== TxnState.Ongoing;
    const next = copy(m!, {
      state: TxnState.Ongoing,
      partitions,
      startTimestampMs: starting ? p.nowMs : m!.startTimestampMs,
      lastUpdateTimestampMs: p.nowMs,
    });
    return { error: null, next };
  }

  endTxn(transactionalId: string, p: ProducerRef & { commit: boolean }): Transition {
    const m = this.txns.get(transactionalId);
    const fenced = this.checkProducer(m, p);
    if (fenced !== null) return { error: fenced };
    const state = m!.state;
    const done = p.commit ? TxnState.CompleteCommit : TxnState.CompleteAbort;
    const preparing = p.commit ? TxnState.PrepareCommit : TxnState.PrepareAbort;
    if (state === done) return { error: null, next: null }; // a retry of a finished EndTxn
    if (state === preparing) return { error: 'CONCURRENT_TRANSACTIONS' };
    if (state !== TxnState.Ongoing) return { error: 'INVALID_TXN_STATE' };
    return { error: null, next: copy(m!, { state: preparing, lastUpdateTimestampMs: p.nowMs }) };
  }

  /** After every marker of a prepared transaction is written: the Complete state. */
  completeMarkers(transactionalId: string, nowMs: number): TxnMetadata | null {
    const m = this.txns.get(transactionalId);
    if (m === undefined) return null;
    if (m.state !== TxnState.PrepareCommit && m.state !== TxnState.PrepareAbort) return null;
    const state =
      m.state === TxnState.PrepareCommit ? TxnState.CompleteCommit : TxnState.CompleteAbort;
    return copy(m, { state, partitions: new Map(), lastUpdateTimestampMs: nowMs });
  }

  /** transaction.timeout.ms: the aborts (with an epoch bump) of expired open transactions. */
  expired(nowMs: number): TxnMetadata[] {
    const out: TxnMetadata[] = [];
    for (const m of this.txns.values()) {
      if (isExpired(m, nowMs)) out.push(this.abortWithBump(m, nowMs));
    }
    return out;
  }

  /**
   * transactional.id.expiration.ms: ids without an open transaction that have not been used
   * for `expirationMs`, to be deleted (a tombstone) as Kafka does.
   */
  idleIds(nowMs: number, expirationMs: number): string[] {
    const out: string[] = [];
    for (const m of this.txns.values())
      if (isIdle(m, nowMs, expirationMs)) out.push(m.transactionalId);
    return out;
  }

  /** Whether this id is idle now (checked again just before it is deleted). */
  isIdle(transactionalId: string, nowMs: number, expirationMs: number): boolean {
    const m = this.txns.get(transactionalId);
    return m !== undefined && isIdle(m, nowMs, expirationMs);
  }

  /** The abort of one id's transaction if it is open and expired, else null. */
  expiredOne(transactionalId: string, nowMs: number): TxnMetadata | null {
    const m = this.txns.get(transactionalId);
    return m !== undefined && isExpired(m, nowMs) ? this.abortWithBump(m, nowMs) : null;
  }

  /** Prepared transactions whose markers must be (re)sent: after a load, or a failed send. */
  pendingMarkers(): TxnMetadata[] {
    return [...this.txns.values()].filter(
      (m) => m.state === TxnState.PrepareCommit || m.state === TxnState.PrepareAbort,
    );
  }

  private abortWithBump(m: TxnMetadata, nowMs: number): TxnMetadata {
    // The bump fences the producer that let the transaction expire (or was replaced); at the
    // last epoch the abort goes out with it unchanged, as Kafka does.
    const bump = m.producerEpoch < MAX_PRODUCER_EPOCH;
    return copy(m, {
      state: TxnState.PrepareAbort,
      producerEpoch: bump ? m.producerEpoch + 1 : m.producerEpoch,
      lastProducerEpoch: bump ? m.producerEpoch : m.lastProducerEpoch,
      lastUpdateTimestampMs: nowMs,
    });
  }
}
