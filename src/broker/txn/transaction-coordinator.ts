// The transaction coordinator: the state machine plus its two kinds of I/O, behind seams so
// tests run in memory: `TxnStateLog` (records of `__transaction_state`, partition =
// abs(javaHashCode(transactional id)) % transaction.state.log.num.partitions, as Kafka) and
// `TxnMarkerWriter` (COMMIT/ABORT markers to the transaction's partitions). Operations on one
// transactional id run one at a time (different ids run side by side, so their fsyncs are
// shared); each persists its new metadata before applying it and answering. A prepared
// commit or abort is finished by writing its markers and then the Complete state; after a
// restart, load() finds prepared transactions and finishes them, so a crash mid-commit ends
// fully committed. The coordinator serves the ids of the __transaction_state partitions it
// holds: a partition is loaded when its leadership arrives (COORDINATOR_LOAD_IN_PROGRESS
// until it is) and unloaded when it leaves (its ids dropped; NOT_COORDINATOR after).
import type { Logger } from '../logger.js';
import type { ErrorName } from '../../protocol/errors.js';
import { isStorageFailure } from '../../storage/index.js';
import { InternalTopicWriteError } from '../internal-topic-log.js';
import { SerialQueue } from '../../util/serial-queue.js';
import {
  partitionRefs,
  TxnState,
  type TopicPartitionRef,
  type TxnMetadata,
} from './transaction-metadata.js';
import { TransactionStateMachine, type Transition } from './transaction-state-machine.js';
import { CoordinatorPartitions } from '../coordinator-partitions.js';

export interface TxnStateLog {
  /**
   * Appends one record (null metadata: a tombstone); rejects when it was not written. With
   * `durable` it is also fsynced before resolving.
   */
  append(
    partition: number,
    record: { transactionalId: string; metadata: TxnMetadata | null },
    options?: { durable: boolean },
  ): Promise<void>;
  /** Every record of the partition, oldest first. */
  replay(
    partition: number,
    onRecord: (record: { transactionalId: string; metadata: TxnMetadata | null }) => void,
  ): Promise<void>;
}

export interface TxnMarkerWriter {
  /**
   * Writes the markers; resolves true when every partition has its marker. `onDone` hears each
   * partition that needs nothing more (its marker written, or one that can never be), so a
   * retry goes only to the others.
   */
  write(marker: {
    producerId: bigint;
    producerEpoch: number;
    coordinatorEpoch: number;
    commit: boolean;
    partitions: readonly TopicPartitionRef[];
    onDone?: (partition: TopicPartitionRef) => void;
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
  /** kafka.coordinator.transaction: producer fencing. */
  logger?: Logger;
  /**
   * Creates __transaction_state when it does not exist yet, so that the first use of a
   * transactional id finds its partition led and loaded.
   */
  ensurePartitions?: () => Promise<void>;
  /**
   * Whether another broker leads some __transaction_state partition (a cluster), so a producer
   * this coordinator does not know may be another's. Default: never (a single node).
   */
  coordinatedElsewhere?: () => boolean;
}

/** A partition this coordinator holds, with the leader epoch it was taken over at. */
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

export class TransactionCoordinator {
  readonly state = new TransactionStateMachine();
  /** The operations of each transactional id, one at a time; forgotten once idle. */
  private readonly queues = new Map<string, SerialQueue>();
  /** Periodic jobs in progress, which idle() waits for. */
  private readonly jobs = new Set<Promise<unknown>>();
  private readonly partitions: CoordinatorPartitions;
  private closed = false;
  /**
   * Per transactional id with a prepared transaction: the partitions (`topic\0partition`)
   * that have its marker, so a retry skips them. In memory only: after a restart every
   * partition gets the marker again (which ends nothing twice).
   */
  private readonly markersDone = new Map<string, { key: string; done: Set<string> }>();

  constructor(private readonly o: TransactionCoordinatorOptions) {
    this.partitions = new CoordinatorPartitions({
      topic: '__transaction_state',
      replay: (p) =>
        this.o.log.replay(p, ({ transactionalId, metadata }) => {
          if (metadata === null) this.state.remove(transactionalId);
          else this.state.apply(metadata);
        }),
      drop: (p) => this.dropPartition(p),
      loaded: (loaded) => this.finishLoaded(loaded),
      logger: this.o.logger,
    });
  }

  private track<T>(job: Promise<T>): Promise<T> {
    const settled = job.then(
      () => undefined,
      () => undefined,
    );
    this.jobs.add(settled);
    void settled.then(() => this.jobs.delete(settled));
    return job;
  }

  /** Runs `fn` after every earlier operation on `transactionalId` (and after load()). */
  private serial<T>(transactionalId: string, fn: () => Promise<T>): Promise<T> {
    let queue = this.queues.get(transactionalId);
    // The first operation of an id waits for the load under way; later ones follow it.
    const loading = queue === undefined ? this.partitions.settled() : null;
    if (queue === undefined) {
      queue = new SerialQueue();
      this.queues.set(transactionalId, queue);
    }
    const q = queue;
    const run = q.run(loading === null ? fn : () => loading.then(fn));
    // Every transactional id ever seen would otherwise keep a queue.
    void q.idle().then(() => {
      if (q.size === 0 && this.queues.get(transactionalId) === q)
        this.queues.delete(transactionalId);
    });
    return run;
  }

  /**
   * Takes over partitions (all of them by default): replays their records, then finishes
   * their prepared transactions. Operations wait for it.
   */
  load(partitions?: Iterable<number>, leaderEpoch = 0): Promise<void> {
    return this.partitions.load(partitions ?? range(this.o.numPartitions), leaderEpoch);
  }

  /** Gives partitions up: their transactional ids are dropped until a load takes them over. */
  unload(partitions: Iterable<number>): Promise<void> {
    return this.partitions.unload(partitions);
  }

  /**
   * Follows the leadership of a __transaction_state partition: loads it when this node
   * becomes its leader, unloads it when this node stops leading it. Loads and unloads do not
   * wait for operations or periodic jobs in flight (one may queue behind them, which would
   * never end): their writes check that the partition is still held.
   */
  onLeadershipChange(change: {
    partition: number;
    isLeader: boolean;
    leaderEpoch: number;
  }): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.partitions.follow(change);
  }

  /**
   * After a load: finishes the prepared transactions of the partitions taken over, in the
   * background (as Kafka's coordinator hands them to its marker channel). The load, and every
   * later leadership change queued behind it, must not wait for markers to leaders elsewhere
   * nor for the Complete record's acks=all: a broker restarted before the controller noticed
   * its death still believes in its old leaderships, and its writes wait for followers that
   * no longer follow it. Operations on these ids queue behind their finish; idle() waits for
   * it.
   */
  private finishLoaded(loaded: ReadonlySet<number>): Promise<void> {
    const prepared = this.state.pendingMarkers().filter((m) => loaded.has(this.partitionOf(m)));
    for (const { transactionalId: id } of prepared) {
      const finishing = this.serial(id, async () => {
        const m = this.state.get(id);
        const still = m?.state === TxnState.PrepareCommit || m?.state === TxnState.PrepareAbort;
        if (still) await this.finish(m);
      });
      void this.track(finishing).catch((err: unknown) =>
        this.o.logger?.error(`finishing the prepared transaction of ${id} failed`, { err }),
      );
    }
    return Promise.resolve();
  }

  /** Forgets the transactional ids of a partition. */
  private dropPartition(partition: number): void {
    for (const m of [...this.state.all()]) {
      if (this.partitionOf(m) !== partition) continue;
      this.state.remove(m.transactionalId);
      this.markersDone.delete(m.transactionalId);
    }
  }

  private partitionOf(m: { transactionalId: string }): number {
    return partitionForTxn(m.transactionalId, this.o.numPartitions);
  }

  /**
   * NOT_COORDINATOR for an id of a partition this coordinator does not hold,
   * COORDINATOR_LOAD_IN_PROGRESS while it loads, null when it serves the id.
   */
  coordinatorError(transactionalId: string): ErrorName | null {
    const held = this.partitions.get(partitionForTxn(transactionalId, this.o.numPartitions));
    if (held === undefined) return 'NOT_COORDINATOR';
    return held.state === 'loading' ? 'COORDINATOR_LOAD_IN_PROGRESS' : null;
  }

  /**
   * Transaction verification of a transactional batch for a partition this node leads (see
   * TransactionStateMachine.verifyProduce), for the producers this coordinator serves. A
   * producer it does not know may belong to a __transaction_state partition another broker
   * coordinates: that batch is accepted unverified, as Kafka's brokers accept it with
   * `transaction.partition.verification.enable=false` (asking the remote coordinator is
   * AddPartitionsToTxn with verifyOnly, not sent yet). Where no other broker leads one, this
   * coordinator knows every producer, so an unknown one is refused.
   */
  verifyProduce(
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ): ErrorName | null {
    const unknown = this.state.byProducerId(producerId) === undefined;
    if (unknown && (this.o.coordinatedElsewhere?.() ?? false)) return null;
    return this.state.verifyProduce(producerId, producerEpoch, topic, partition);
  }

  /** False while a partition loads: requests then get COORDINATOR_LOAD_IN_PROGRESS. */
  get loaded(): boolean {
    return !this.partitions.loading;
  }

  /** Stops following leadership changes (a shutdown). */
  close(): void {
    this.closed = true;
  }

  /**
   * Before an operation on an id whose partition no one has yet: makes __transaction_state
   * exist, whose partitions then arrive (and load) through leadership changes.
   */
  private async place(transactionalId: string): Promise<void> {
    if (this.partitions.has(partitionForTxn(transactionalId, this.o.numPartitions))) return;
    await this.o.ensurePartitions?.();
  }

  /** __transaction_state partitions, as the coordinator places ids with partitionForTxn. */
  get numPartitions(): number {
    return this.o.numPartitions;
  }

  /** Resolves once every operation queued so far has finished (a clean shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.jobs);
    await this.partitions.settled();
    while (this.queues.size > 0) await Promise.all([...this.queues.values()].map((q) => q.idle()));
  }

  private async persist(m: TxnMetadata): Promise<boolean> {
    return (await this.write(m)) === null;
  }

  /**
   * Appends a state to __transaction_state and applies it. A failed write is answered as
   * Kafka's coordinator maps it: a disk failure (KAFKA_STORAGE_ERROR) as NOT_COORDINATOR, so
   * the producer looks the coordinator up again and retries; anything else as
   * COORDINATOR_NOT_AVAILABLE.
   */
  private async write(m: TxnMetadata): Promise<ErrorName | null> {
    const partition = partitionForTxn(m.transactionalId, this.o.numPartitions);
    const held = this.partitions.get(partition);
    if (held === undefined) return 'NOT_COORDINATOR';
    try {
      // A Complete state need not be fsynced: if a power loss took it, load() finds the
      // prepared state and writes the markers again (they end nothing twice). Every later
      // record of the id is fsynced, and with it this one (same partition, written before).
      const durable = m.state !== TxnState.CompleteCommit && m.state !== TxnState.CompleteAbort;
      await this.o.log.append(
        partition,
        { transactionalId: m.transactionalId, metadata: m },
        { durable },
      );
    } catch (err) {
      return writeError(err);
    }
    // Unloaded while the record was written: it is the next leader's to replay.
    if (this.partitions.get(partition) !== held) return 'NOT_COORDINATOR';
    this.state.apply(m);
    return null;
  }

  /** Writes a prepared transaction's markers, then its Complete state. */
  private async finish(m: TxnMetadata): Promise<void> {
    // Markers carry the coordinator epoch: the leader epoch this node took the partition over
    // at. A partition that has a marker from a newer coordinator refuses this one's
    // (TRANSACTION_COORDINATOR_FENCED), so a coordinator that lost its partition unawares (a
    // paused process) cannot end a transaction its successor ends otherwise.
    const held = this.partitions.get(this.partitionOf(m));
    if (held === undefined) return; // unloaded: the next coordinator finishes it

    // The same prepared transaction (id, producer, epoch, result) as an earlier try, if any.
    const key = `${m.producerId}:${m.producerEpoch}:${m.state}`;
    let tried = this.markersDone.get(m.transactionalId);
    if (tried?.key !== key) {
      tried = { key, done: new Set() };
      this.markersDone.set(m.transactionalId, tried);
    }
    const done = tried.done;
    const ref = (p: TopicPartitionRef) => `${p.topic}\0${p.partition}`;
    const written = await this.o.markers
      .write({
        producerId: m.producerId,
        producerEpoch: m.producerEpoch,
        coordinatorEpoch: held.leaderEpoch,
        commit: m.state === TxnState.PrepareCommit,
        partitions: partitionRefs(m).filter((p) => !done.has(ref(p))),
        onDone: (p) => done.add(ref(p)),
      })
      .catch(() => false);
    // Left prepared on failure: abortExpired() (the periodic job) tries the rest again.
    if (!written) return;
    this.markersDone.delete(m.transactionalId);
    const complete = this.state.completeMarkers(m.transactionalId, this.o.nowMs());
    if (complete !== null) await this.persist(complete);
  }

  /**
   * Runs an operation on `transactionalId` after the earlier ones, once its partition exists;
   * an id this coordinator does not serve gets NOT_COORDINATOR or COORDINATOR_LOAD_IN_PROGRESS.
   */
  private async placed<T>(
    transactionalId: string,
    refuse: (error: ErrorName) => T,
    fn: () => Promise<T>,
  ): Promise<T> {
    await this.place(transactionalId);
    return this.serial(transactionalId, () => {
      const error = this.coordinatorError(transactionalId);
      return error === null ? fn() : Promise.resolve(refuse(error));
    });
  }

  private async commitTransition(t: Transition): Promise<ErrorName | null> {
    if (t.error !== null) return t.error;
    if (t.next === null) return null;
    const failed = await this.write(t.next);
    if (failed !== null) return failed;
    if (t.next.state === TxnState.PrepareCommit || t.next.state === TxnState.PrepareAbort) {
      await this.finish(t.next);
    }
    return null;
  }

  initProducerId(
    transactionalId: string,
    request: { transactionTimeoutMs: number; producerId: bigint; producerEpoch: number },
  ): Promise<InitProducerIdAnswer> {
    const refuse = (error: ErrorName) => ({ error, producerId: -1n, producerEpoch: -1 });
    return this.placed(transactionalId, refuse, async () => {
      const before = this.state.get(transactionalId);
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
      if (before !== undefined && t.error === null && t.next !== null) {
        // A new producer instance took the id over: the old one is fenced.
        this.o.logger?.info(
          `Fencing producer of transactional id ${transactionalId}: ` +
            `epoch ${before.producerEpoch} of producer id ${before.producerId} is no longer valid`,
          { transactionalId, newProducerId: t.next.producerId, newEpoch: t.next.producerEpoch },
        );
      }
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
    return this.placed(transactionalId, refuseWith, () =>
      this.commitTransition(
        this.state.addPartitions(transactionalId, { ...request, nowMs: this.o.nowMs() }),
      ),
    );
  }

  endTxn(
    transactionalId: string,
    request: { producerId: bigint; producerEpoch: number; commit: boolean },
  ): Promise<ErrorName | null> {
    return this.placed(transactionalId, refuseWith, () =>
      this.commitTransition(
        this.state.endTxn(transactionalId, { ...request, nowMs: this.o.nowMs() }),
      ),
    );
  }

  /**
   * The other periodic job (transactional.id.expiration.ms): deletes ids unused for
   * `expirationMs` that have no open transaction, with a tombstone in __transaction_state.
   * Their next InitProducerId starts afresh with a new producer id. Returns how many went.
   */
  removeIdleIds(expirationMs: number): Promise<number> {
    const run = this.partitions.settled().then(async () => {
      const ids = this.state.idleIds(this.o.nowMs(), expirationMs);
      const removed = await Promise.all(
        ids.map((id) =>
          this.serial(id, async () => {
            if (!this.state.isIdle(id, this.o.nowMs(), expirationMs)) return false;
            // Its partition went meanwhile: the id is the next leader's to expire.
            if (this.coordinatorError(id) !== null) return false;
            const partition = partitionForTxn(id, this.o.numPartitions);
            try {
              // Not fsynced: a lost tombstone only brings the idle id back.
              await this.o.log.append(
                partition,
                { transactionalId: id, metadata: null },
                { durable: false },
              );
            } catch {
              return false;
            }
            this.state.remove(id);
            return true;
          }),
        ),
      );
      return removed.filter(Boolean).length;
    });
    return this.track(run);
  }

  /** The periodic job: aborts expired transactions, retries markers that failed. */
  abortExpired(): Promise<number> {
    const run = this.partitions.settled().then(async () => {
      const expired = this.state.expired(this.o.nowMs()).map((m) => m.transactionalId);
      const expiring = new Set(expired);
      const pending = this.state
        .pendingMarkers()
        .map((m) => m.transactionalId)
        .filter((id) => !expiring.has(id));
      const aborted = await Promise.all(
        expired.map((id) =>
          this.serial(id, async () => {
            // Checked again: an operation queued before this one may have ended it.
            const m = this.state.expiredOne(id, this.o.nowMs());
            if (m === null || !(await this.persist(m))) return 0;
            await this.finish(m);
            return 1;
          }),
        ),
      );
      await Promise.all(
        pending.map((id) =>
          this.serial(id, async () => {
            const m = this.state.get(id);
            const prepared =
              m?.state === TxnState.PrepareCommit || m?.state === TxnState.PrepareAbort;
            if (prepared) await this.finish(m);
          }),
        ),
      );
      return aborted.filter((n) => n === 1).length;
    });
    return this.track(run);
  }
}

/**
 * A failed write to __transaction_state, as Kafka's coordinator maps it: a disk failure or
 * a lost leadership is NOT_COORDINATOR (the producer looks the coordinator up again and
 * retries), anything else COORDINATOR_NOT_AVAILABLE.
 */
function writeError(err: unknown): ErrorName {
  if (isStorageFailure(err)) return 'NOT_COORDINATOR';
  if (err instanceof InternalTopicWriteError) {
    const lost = err.error === 'KAFKA_STORAGE_ERROR' || err.error === 'NOT_LEADER_OR_FOLLOWER';
    return lost ? 'NOT_COORDINATOR' : 'COORDINATOR_NOT_AVAILABLE';
  }
  return 'COORDINATOR_NOT_AVAILABLE';
}

const refuseWith = (error: ErrorName): ErrorName | null => error;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
