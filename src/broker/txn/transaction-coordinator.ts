// The transaction coordinator: the state machine plus its two kinds of I/O, behind seams so
// tests run in memory: `TxnStateLog` (records of `__transaction_state`, partition =
// abs(javaHashCode(transactional id)) % transaction.state.log.num.partitions, as Kafka) and
// `TxnMarkerWriter` (COMMIT/ABORT markers to the transaction's partitions). Operations run one
// at a time; each persists its new metadata before applying it and answering. A prepared
// commit or abort is finished by writing its markers and then the Complete state; after a
// restart, load() finds prepared transactions and finishes them, so a crash mid-commit ends
// fully committed.
import type { ErrorName } from '../../protocol/errors.js';
import {
  partitionRefs,
  TxnState,
  type TopicPartitionRef,
  type TxnMetadata,
} from './transaction-metadata.js';
import { TransactionStateMachine, type Transition } from './transaction-state-machine.js';

export interface TxnStateLog {
  /** Appends one record (null metadata: a tombstone); rejects when it was not written. */
  append(
    partition: number,
    record: { transactionalId: string; metadata: TxnMetadata | null },
  ): Promise<void>;
  /** Every record of the partition, oldest first. */
  replay(
    partition: number,
    onRecord: (record: { transactionalId: string; metadata: TxnMetadata | null }) => void,
  ): Promise<void>;
}

export interface TxnMarkerWriter {
  /** Writes the markers; resolves true when every partition has its marker. */
  write(marker: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    commit: boolean;
    partitions: readonly TopicPartitionRef[];
  }): Promise<boolean>;
}

export interface TransactionCoordinatorOptions {
  log: TxnStateLog;
  markers: TxnMarkerWriter;
  nowMs: () => number;
  newProducerId: () => Promise<bigint>;
  /** transaction.state.log.num.partitions */
  numPartitions: number;
  /** transaction.max.timeout.ms */
  maxTimeoutMs: number;
}

export interface InitProducerIdAnswer {
  error: ErrorName | null;
  producerId: bigint;
  producerEpoch: number;
}

/** Java's String.hashCode, so ids land in the partitions Kafka would put them in. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

export function partitionForTxn(transactionalId: string, numPartitions: number): number {
  // Kafka's Utils.abs: Integer.MIN_VALUE maps to 0.
  return (javaStringHash(transactionalId) & 0x7fffffff) % numPartitions;
}

const COORDINATOR_EPOCH = 0;

export class TransactionCoordinator {
  readonly state = new TransactionStateMachine();
  private queue: Promise<unknown> = Promise.resolve();
  private loadedFlag = false;

  constructor(private readonly o: TransactionCoordinatorOptions) {}

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Replays every partition of the log, then finishes prepared transactions. */
  load(): Promise<void> {
    return this.serial(async () => {
      for (let p = 0; p < this.o.numPartitions; p++) {
        await this.o.log.replay(p, ({ transactionalId, metadata }) => {
          if (metadata === null) this.state.remove(transactionalId);
          else this.state.apply(metadata);
        });
      }
      this.loadedFlag = true;
      for (const m of this.state.pendingMarkers()) await this.finish(m);
    });
  }

  /** False until load() has replayed the log: requests then get COORDINATOR_LOAD_IN_PROGRESS. */
  get loaded(): boolean {
    return this.loadedFlag;
  }

  /** __transaction_state partitions, as the coordinator places ids with partitionForTxn. */
  get numPartitions(): number {
    return this.o.numPartitions;
  }

  /** Resolves once every operation queued so far has finished (a clean shutdown). */
  idle(): Promise<void> {
    return this.queue.then(() => undefined);
  }

  private async persist(m: TxnMetadata): Promise<boolean> {
    const partition = partitionForTxn(m.transactionalId, this.o.numPartitions);
    try {
      await this.o.log.append(partition, { transactionalId: m.transactionalId, metadata: m });
    } catch {
      return false;
    }
    this.state.apply(m);
    return true;
  }

  /** Writes a prepared transaction's markers, then its Complete state. */
  private async finish(m: TxnMetadata): Promise<void> {
    const written = await this.o.markers
      .write({
        producerId: m.producerId,
        producerEpoch: m.producerEpoch,
        coordinatorEpoch: COORDINATOR_EPOCH,
        commit: m.state === TxnState.PrepareCommit,
        partitions: partitionRefs(m),
      })
      .catch(() => false);
    // Left prepared on failure: retryPendingMarkers() tries again.
    if (!written) return;
    const done = this.state.completeMarkers(m.transactionalId, this.o.nowMs());
    if (done !== null) await this.persist(done);
  }

  private async commitTransition(t: Transition): Promise<ErrorName | null> {
    if (t.error !== null) return t.error;
    if (t.next === null) return null;
    if (!(await this.persist(t.next))) return 'COORDINATOR_NOT_AVAILABLE';
    if (t.next.state === TxnState.PrepareCommit || t.next.state === TxnState.PrepareAbort) {
      await this.finish(t.next);
    }
    return null;
  }

  initProducerId(
    transactionalId: string,
    request: { transactionTimeoutMs: number; producerId: bigint; producerEpoch: number },
  ): Promise<InitProducerIdAnswer> {
    return this.serial(async () => {
      const fresh = this.state.needsProducerId(transactionalId)
        ? await this.o.newProducerId()
        : -1n;
      const t = this.state.initProducerId(transactionalId, {
        ...request,
        nowMs: this.o.nowMs(),
        maxTimeoutMs: this.o.maxTimeoutMs,
        newProducerId: () => fresh,
      });
      const error = await this.commitTransition(t);
      if (error !== null) return { error, producerId: -1n, producerEpoch: -1 };
      if (t.error !== null || t.producerId === undefined) {
        // An open transaction was aborted first: the client retries and gets its epoch.
        return { error: 'CONCURRENT_TRANSACTIONS', producerId: -1n, producerEpoch: -1 };
      }
      return { error: null, producerId: t.producerId, producerEpoch: t.producerEpoch! };
    });
  }

  addPartitions(
    transactionalId: string,
    request: {
      producerId: bigint;
      producerEpoch: number;
      partitions: readonly TopicPartitionRef[];
    },
  ): Promise<ErrorName | null> {
    return this.serial(() =>
      this.commitTransition(
        this.state.addPartitions(transactionalId, { ...request, nowMs: this.o.nowMs() }),
      ),
    );
  }

  endTxn(
    transactionalId: string,
    request: { producerId: bigint; producerEpoch: number; commit: boolean },
  ): Promise<ErrorName | null> {
    return this.serial(() =>
      this.commitTransition(
        this.state.endTxn(transactionalId, { ...request, nowMs: this.o.nowMs() }),
      ),
    );
  }

  /** The periodic job: aborts expired transactions, retries markers that failed. */
  abortExpired(): Promise<number> {
    return this.serial(async () => {
      const expired = this.state.expired(this.o.nowMs());
      for (const m of expired) if (await this.persist(m)) await this.finish(m);
      for (const m of this.state.pendingMarkers()) await this.finish(m);
      return expired.length;
    });
  }
}
