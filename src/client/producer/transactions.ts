// The transactional side of a producer (transactional.id): its state, and the requests to the
// transaction coordinator (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn, EndTxn) and
// to a group coordinator (TxnOffsetCommit). As in Kafka's clients, a transaction goes
// Ready -> InTransaction -> (commit | abort) -> Ready; a failed send makes it abortable (only
// abortTransaction() is allowed), and fencing (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH) is
// fatal: the producer can only be closed.
import {
  createAddOffsetsToTxnRequest,
  createAddPartitionsToTxnRequest,
  createEndTxnRequest,
  createInitProducerIdRequest,
  createTxnOffsetCommitRequest,
  type AddOffsetsToTxnResponse,
  type AddPartitionsToTxnResponse,
  type EndTxnResponse,
  type InitProducerIdResponse,
  type TxnOffsetCommitResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import { ClientError, isFatalForTransactions, transactionError } from '../errors.js';
import { findGroupCoordinator, findTransactionCoordinator } from '../group-requests.js';

export type TransactionState =
  | 'uninitialized'
  | 'ready'
  | 'in-transaction'
  | 'committing'
  | 'aborting'
  /** A send or an offset commit failed: only abortTransaction() is allowed. */
  | 'abortable-error'
  /** Fenced or not authorised: the producer can only be closed. */
  | 'fatal-error';

/** Which consumer-group generation consumed the records whose offsets are committed (KIP-447). */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId?: number;
  memberId?: string;
  groupInstanceId?: string | null;
}

export interface TransactionOffset {
  topic: string;
  partition: number;
  /** The next offset to read, as in any commit. */
  offset: bigint;
  leaderEpoch?: number;
  metadata?: string | null;
}

export interface ProducerIdAndEpoch {
  producerId: bigint;
  producerEpoch: number;
}

const NOT_COORDINATOR_CODES: ReadonlySet<number> = new Set([14, 15, 16]);
const OPERATION_NOT_ATTEMPTED = 55;

export class TransactionManager {
  state: TransactionState = 'uninitialized';
  /** Why the transaction (abortable) or the producer (fatal) cannot go on. */
  error: Error | null = null;
  /** Partitions (`topic\0partition`) already in the current transaction. */
  private readonly added = new Set<string>();
  /** Something was added (partitions or a group's offsets): EndTxn is needed to finish. */
  private touched = false;
  private coordinator: number | null = null;

  constructor(
    private readonly cluster: Cluster,
    readonly transactionalId: string,
    private readonly transactionTimeoutMs: number,
  ) {}

  /** Checks the state before a transactional call; throws ERR_INVALID_STATE or the error. */
  require(operation: string, ...allowed: TransactionState[]): void {
    if (this.state === 'fatal-error') throw this.error!;
    if (allowed.includes(this.state)) return;
    if (this.state === 'abortable-error') throw this.error!;
    throw new ClientError(
      'ERR_INVALID_STATE',
      `cannot ${operation} while the transactional producer is ${this.state}`,
    );
  }

  /** Records an error of the transaction: fatal when it fenced the producer, else abortable. */
  fail(error: Error): void {
    if (this.state === 'fatal-error') return;
    if (isFatalForTransactions(error)) this.state = 'fatal-error';
    else if (this.state === 'in-transaction' || this.state === 'committing')
      this.state = 'abortable-error';
    else return;
    this.error = error;
  }

  /**
   * InitProducerId with the transactional id: a new epoch that fences earlier instances.
   * `current` asks to bump this producer's own epoch (KIP-360, v3+), after an abort that left
   * a gap in some partition's sequence.
   */
  async initProducerId(current?: ProducerIdAndEpoch): Promise<ProducerIdAndEpoch> {
    const response = await this.coordinatorRequest<InitProducerIdResponse>(
      ApiKey.InitProducerId,
      createInitProducerIdRequest({
        transactionalId: this.transactionalId,
        transactionTimeoutMs: this.transactionTimeoutMs,
        producerId: current?.producerId ?? -1n,
        producerEpoch: current?.producerEpoch ?? -1,
      }),
      (r) => r.errorCode,
    );
    this.state = 'ready';
    this.error = null;
    return { producerId: response.producerId, producerEpoch: response.producerEpoch };
  }

  begin(): void {
    this.require('begin a transaction', 'ready');
    this.added.clear();
    this.touched = false;
    this.state = 'in-transaction';
  }

  isAdded(topic: string, partition: number): boolean {
    return this.added.has(`${topic}\u0000${partition}`);
  }

  /** AddPartitionsToTxn: the partitions must be in the transaction before batches go to them. */
  async addPartitions(
    partitions: readonly { topic: string; partition: number }[],
    producer: ProducerIdAndEpoch,
  ): Promise<void> {
    const byTopic = new Map<string, number[]>();
    for (const tp of partitions)
      byTopic.set(tp.topic, [...(byTopic.get(tp.topic) ?? []), tp.partition]);
    this.touched = true;
    await this.coordinatorRequest<AddPartitionsToTxnResponse>(
      ApiKey.AddPartitionsToTxn,
      createAddPartitionsToTxnRequest({
        v3AndBelowTransactionalId: this.transactionalId,
        v3AndBelowProducerId: producer.producerId,
        v3AndBelowProducerEpoch: producer.producerEpoch,
        v3AndBelowTopics: [...byTopic].map(([name, ps]) => ({ name, partitions: ps })),
      }),
      (r) => firstPartitionError(r),
    );
    for (const tp of partitions) this.added.add(`${tp.topic}\u0000${tp.partition}`);
  }

  /** AddOffsetsToTxn then TxnOffsetCommit: the offsets commit or abort with the transaction. */
  async sendOffsets(
    offsets: readonly TransactionOffset[],
    group: ConsumerGroupMetadata,
    producer: ProducerIdAndEpoch,
  ): Promise<void> {
    this.touched = true;
    await this.coordinatorRequest<AddOffsetsToTxnResponse>(
      ApiKey.AddOffsetsToTxn,
      createAddOffsetsToTxnRequest({
        transactionalId: this.transactionalId,
        producerId: producer.producerId,
        producerEpoch: producer.producerEpoch,
        groupId: group.groupId,
      }),
      (r) => r.errorCode,
    );
    const byTopic = new Map<string, TransactionOffset[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    await this.cluster.retry(async () => {
      const coordinator = await findGroupCoordinator(this.cluster, group.groupId);
      const response = await this.cluster.send<TxnOffsetCommitResponse>(
        coordinator,
        ApiKey.TxnOffsetCommit,
        createTxnOffsetCommitRequest({
          transactionalId: this.transactionalId,
          groupId: group.groupId,
          producerId: producer.producerId,
          producerEpoch: producer.producerEpoch,
          generationId: group.generationId ?? -1,
          memberId: group.memberId ?? '',
          groupInstanceId: group.groupInstanceId ?? null,
          topics: [...byTopic].map(([name, list]) => ({
            name,
            partitions: list.map((o) => ({
              partitionIndex: o.partition,
              committedOffset: o.offset,
              committedLeaderEpoch: o.leaderEpoch ?? -1,
              committedMetadata: o.metadata ?? null,
            })),
          })),
        }),
      );
      for (const t of response.topics)
        for (const p of t.partitions) if (p.errorCode !== 0) throw transactionError(p.errorCode);
    });
  }

  /** EndTxn (when anything was added), then Ready for the next transaction. */
  async end(committed: boolean, producer: ProducerIdAndEpoch): Promise<void> {
    if (this.touched) {
      await this.coordinatorRequest<EndTxnResponse>(
        ApiKey.EndTxn,
        createEndTxnRequest({
          transactionalId: this.transactionalId,
          producerId: producer.producerId,
          producerEpoch: producer.producerEpoch,
          committed,
        }),
        (r) => r.errorCode,
      );
    }
    this.added.clear();
    this.touched = false;
    this.state = 'ready';
    this.error = null;
  }

  /**
   * One request to the transaction coordinator, retried (with a fresh lookup of the
   * coordinator when it moved) while the error is retriable: CONCURRENT_TRANSACTIONS while
   * the previous transaction's markers are written, COORDINATOR_LOAD_IN_PROGRESS...
   */
  private coordinatorRequest<T>(
    apiKey: number,
    body: object,
    errorOf: (response: T) => number,
  ): Promise<T> {
    return this.cluster.retry(async () => {
      this.coordinator ??= await findTransactionCoordinator(this.cluster, this.transactionalId);
      let response: T;
      try {
        response = await this.cluster.send<T>(this.coordinator, apiKey, body);
      } catch (err) {
        this.coordinator = null;
        throw err;
      }
      const code = errorOf(response);
      if (code !== 0) {
        if (NOT_COORDINATOR_CODES.has(code)) this.coordinator = null;
        throw transactionError(code);
      }
      return response;
    }, RETRY_SOON);
  }
}

/** CONCURRENT_TRANSACTIONS clears as soon as markers are written: retry sooner than usual. */
const RETRY_SOON = { retryBackoffMs: 20, retryBackoffMaxMs: 500 };

/** The error of an AddPartitionsToTxn answer: the first that is not OPERATION_NOT_ATTEMPTED. */
function firstPartitionError(r: AddPartitionsToTxnResponse): number {
  if (r.errorCode !== 0) return r.errorCode;
  let fallback = 0;
  for (const t of r.resultsByTopicV3AndBelow) {
    for (const p of t.resultsByPartition) {
      if (p.partitionErrorCode === 0) continue;
      if (p.partitionErrorCode !== OPERATION_NOT_ATTEMPTED) return p.partitionErrorCode;
      fallback = p.partitionErrorCode;
    }
  }
  return fallback;
}
