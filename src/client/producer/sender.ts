// The sender (Kafka's Sender): takes the ready batches from the accumulator, forms at most one
// Produce request per leader with at most one batch per partition, keeps up to
// max.in.flight.requests.per.connection requests in flight per broker, and settles each batch
// from its partition's answer. A batch that fails with a retriable error is resent with its
// original sequence after everything in flight for its partition has come back, so retries
// never reorder records; a batch refused as too large is split into single records.
import { CompressionType, encodeRecordBatch, type ProduceResponse } from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import { ClientError, isRetriable, KafkaError, needsMetadataRefresh } from '../errors.js';
import type { ProducerBatch } from './batch.js';
import type { ProducerIdManager } from './producer-id.js';
import type { ProducerMetrics } from './producer-metrics.js';
import { recordSize, type PartitionQueue, type RecordAccumulator } from './record-accumulator.js';
import type { TransactionManager } from './transactions.js';

const DUPLICATE_SEQUENCE_NUMBER = 46;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const MESSAGE_TOO_LARGE = 10;

export interface SenderOptions {
  cluster: Cluster;
  accumulator: RecordAccumulator;
  ids: ProducerIdManager;
  /** Set for a transactional producer. */
  txn: TransactionManager | null;
  counters: ProducerMetrics;
  acks: number;
  idempotent: boolean;
  compression: CompressionType;
  maxInFlight: number;
  deliveryTimeoutMs: number;
  requestTimeoutMs: number;
  now: () => number;
  /** True once the producer is closed: failures are no longer retried. */
  closed: () => boolean;
}

export class Sender {
  private readonly cluster: Cluster;
  private readonly accumulator: RecordAccumulator;
  private readonly ids: ProducerIdManager;
  private readonly txn: TransactionManager | null;
  private readonly counters: ProducerMetrics;
  private readonly acks: number;
  private readonly idempotent: boolean;
  private readonly compression: CompressionType;
  private readonly maxInFlight: number;
  private readonly deliveryTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly now: () => number;
  private readonly closed: () => boolean;
  private readonly inFlightByNode = new Map<number, number>();
  private readonly writeChains = new Map<number, Promise<void>>();
  private lingerTimer: NodeJS.Timeout | null = null;
  private drainScheduled = false;

  constructor(options: SenderOptions) {
    this.cluster = options.cluster;
    this.accumulator = options.accumulator;
    this.ids = options.ids;
    this.txn = options.txn;
    this.counters = options.counters;
    this.acks = options.acks;
    this.idempotent = options.idempotent;
    this.compression = options.compression;
    this.maxInFlight = options.maxInFlight;
    this.deliveryTimeoutMs = options.deliveryTimeoutMs;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.now = options.now;
    this.closed = options.closed;
  }

  /** Something was appended: send soon if `now`, else once the open batch has lingered. */
  wake(now: boolean): void {
    if (now) this.scheduleDrain();
    else if (this.lingerTimer === null) this.startLingerTimer();
  }

  /** Drains on the next turn of the event loop, once however often it is asked. */
  scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Sends what can be sent: full batches, lingered ones, everything while flushing. */
  drain(): void {
    if (this.ids.blocked) return;
    const nowMs = this.now();
    let lingering = false;
    for (const q of this.accumulator.queues) {
      if (this.accumulator.closeLingered(q, nowMs)) lingering = true;
      this.expire(q, nowMs);
    }
    // Each round forms at most one request per broker, with one batch per partition.
    for (let round = this.collect(); round.size > 0; round = this.collect()) {
      for (const [nodeId, batches] of round) this.sendTo(nodeId, batches);
    }
    if (lingering && this.lingerTimer === null) this.startLingerTimer();
  }

  retryLater(): void {
    setTimeout(() => this.drain(), this.cluster.options.retryBackoffMs ?? 100).unref();
  }

  /** Settles every record of `b` and gives its buffer memory back. */
  finish(b: ProducerBatch, error: Error | null, baseOffset = -1n): void {
    if (error === null) {
      this.counters.recordsDelivered(b.records.length);
      b.succeed(baseOffset);
    } else {
      this.counters.recordsFailed(b.records.length);
      b.fail(error);
    }
    this.accumulator.deallocate(b);
  }

  close(): void {
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
  }

  private startLingerTimer(): void {
    this.lingerTimer = setTimeout(() => {
      this.lingerTimer = null;
      this.drain();
    }, this.accumulator.lingerMs);
  }

  private collect(): Map<number, ProducerBatch[]> {
    const byNode = new Map<number, ProducerBatch[]>();
    for (const q of this.accumulator.queues) {
      if (q.ready.length === 0 || (q.retrying && q.inFlight > 0) || q.adding) continue;
      if (q.inFlight >= this.maxInFlight) continue;
      const leader = this.cluster.leaderFor(q.topic, q.partition);
      if (leader < 0) {
        void this.cluster.refreshMetadata([q.topic]).then(
          () => this.retryLater(),
          () => this.retryLater(),
        );
        continue;
      }
      const list = byNode.get(leader);
      if (list === undefined && (this.inFlightByNode.get(leader) ?? 0) >= this.maxInFlight)
        continue;
      const batch = q.ready.shift()!;
      q.inFlight++;
      if (list === undefined) {
        byNode.set(leader, [batch]);
        this.inFlightByNode.set(leader, (this.inFlightByNode.get(leader) ?? 0) + 1);
      } else list.push(batch);
    }
    return byNode;
  }

  /** Fails batches that have waited longer than delivery.timeout.ms. */
  private expire(q: PartitionQueue, nowMs: number): void {
    // Only batches never sent may expire here; sent ones are judged when their answer arrives.
    while (
      q.ready.length > 0 &&
      q.ready[0]!.attempts === 0 &&
      nowMs - q.ready[0]!.createdMs > this.deliveryTimeoutMs
    ) {
      const batch = q.ready.shift()!;
      this.finish(
        batch,
        new ClientError('ERR_DELIVERY_TIMEOUT', `records for ${q.topic}-${q.partition} expired`),
      );
    }
  }

  private sendTo(nodeId: number, batches: ProducerBatch[]): void {
    for (const b of batches) {
      if (this.idempotent && b.baseSequence < 0) {
        const q = this.accumulator.queue(b.topic, b.partition);
        b.baseSequence = q.nextSequence;
        q.nextSequence = (q.nextSequence + b.records.length) % 2 ** 31;
      }
      b.attempts++;
    }
    // Requests to one broker are written in the order they were formed, whatever the time
    // their compression takes, so the broker sees each partition's sequences in order.
    const previous = this.writeChains.get(nodeId) ?? Promise.resolve();
    let response!: Promise<ProduceResponse | undefined>;
    let sentAtMs = 0;
    const written = previous.then(async () => {
      const topicData = await this.encode(batches);
      this.counters.requestSent(
        batches.map((b) => ({
          encodedBytes: b.encoded?.length ?? 0,
          rawBytes: b.sizeBytes,
          records: b.records.length,
        })),
      );
      sentAtMs = performance.now();
      response = this.cluster.send<ProduceResponse | undefined>(
        nodeId,
        ApiKey.Produce,
        {
          transactionalId: this.txn?.transactionalId ?? null,
          acks: this.acks,
          timeoutMs: this.requestTimeoutMs,
          topicData,
        },
        { expectResponse: this.acks !== 0 },
      );
    });
    const chain = written.catch(() => {});
    this.writeChains.set(nodeId, chain);
    void written
      .then(() => response)
      .then(
        (r) => {
          this.counters.requestAnswered(performance.now() - sentAtMs, r?.throttleTimeMs ?? 0);
          this.onResponse(nodeId, batches, r);
        },
        (err: unknown) => this.onRequestError(nodeId, batches, err as Error),
      );
  }

  private async encode(batches: ProducerBatch[]) {
    const byTopic = new Map<string, { index: number; records: Buffer }[]>();
    for (const b of batches) {
      b.encoded ??= await encodeRecordBatch(b.records, {
        compression: this.compression,
        producerId: this.ids.producerId,
        producerEpoch: this.ids.producerEpoch,
        baseSequence: b.baseSequence,
        timestamp: b.createdMs,
        isTransactional: this.txn !== null,
      });
      const list = byTopic.get(b.topic) ?? [];
      list.push({ index: b.partition, records: b.encoded });
      byTopic.set(b.topic, list);
    }
    return [...byTopic].map(([name, partitionData]) => ({
      name,
      topicId: '00000000-0000-0000-0000-000000000000',
      partitionData,
    }));
  }

  private onResponse(
    nodeId: number,
    batches: ProducerBatch[],
    response: ProduceResponse | undefined,
  ) {
    this.requestDone(nodeId);
    const results = new Map<
      string,
      { errorCode: number; baseOffset: bigint; errorMessage: string | null }
    >();
    for (const t of response?.responses ?? []) {
      for (const p of t.partitionResponses) results.set(`${t.name}\u0000${p.index}`, p);
    }
    for (const b of batches) {
      const q = this.accumulator.queue(b.topic, b.partition);
      q.inFlight--;
      const r = results.get(`${b.topic}\u0000${b.partition}`);
      if (response === undefined) this.finish(b, null, -1n);
      else if (r === undefined)
        this.onBatchError(q, b, new KafkaError(-1, 'no answer for the partition'));
      else if (r.errorCode === 0) this.onBatchSuccess(q, b, r.baseOffset);
      else if (r.errorCode === DUPLICATE_SEQUENCE_NUMBER) this.onBatchSuccess(q, b, -1n);
      else this.onBatchError(q, b, new KafkaError(r.errorCode, r.errorMessage));
    }
    this.scheduleDrain();
  }

  private onRequestError(nodeId: number, batches: ProducerBatch[], error: Error): void {
    this.requestDone(nodeId);
    for (const b of batches) {
      const q = this.accumulator.queue(b.topic, b.partition);
      q.inFlight--;
      this.onBatchError(q, b, error);
    }
    this.scheduleDrain();
  }

  private requestDone(nodeId: number): void {
    this.inFlightByNode.set(nodeId, (this.inFlightByNode.get(nodeId) ?? 1) - 1);
  }

  private onBatchSuccess(q: PartitionQueue, b: ProducerBatch, baseOffset: bigint): void {
    if (q.ready[0] === undefined || q.ready[0].attempts === 0) q.retrying = false;
    this.finish(b, null, baseOffset);
  }

  private onBatchError(q: PartitionQueue, b: ProducerBatch, error: Error): void {
    // A later batch is rejected as out of order when an earlier one failed: it is resent too.
    const outOfOrderAfterFailure =
      error instanceof KafkaError && error.code === OUT_OF_ORDER_SEQUENCE_NUMBER && q.retrying;
    const retriable = isRetriable(error) || outOfOrderAfterFailure;
    const expired = this.now() - b.createdMs > this.deliveryTimeoutMs;
    const closed = this.closed();
    if (
      error instanceof KafkaError &&
      error.code === MESSAGE_TOO_LARGE &&
      b.records.length > 1 &&
      !expired &&
      !closed &&
      this.txn === null
    ) {
      this.splitTooLarge(q, b);
      return;
    }
    if (retriable && !expired && !closed) {
      if (needsMetadataRefresh(error)) void this.cluster.refreshMetadata([b.topic]).catch(() => {});
      q.retrying = true;
      // Keep sequence order: the failed batch goes before any later ones that are queued.
      const at = q.ready.findIndex((r) => r.attempts === 0 || r.baseSequence > b.baseSequence);
      q.ready.splice(at < 0 ? q.ready.length : at, 0, b);
      this.counters.recordsRetried(b.records.length);
      this.retryLater();
      return;
    }
    this.finish(
      b,
      expired
        ? new ClientError(
            'ERR_DELIVERY_TIMEOUT',
            `delivery of ${b.topic}-${b.partition} timed out: ${error.message}`,
            { cause: error },
          )
        : error,
    );
    if (this.txn !== null) {
      // The transaction can only be aborted now (abortTransaction takes a new epoch).
      this.txn.fail(error);
      return;
    }
    // A gap in the sequence would block the partition: start afresh with a new epoch.
    if (this.idempotent) this.ids.reset();
  }

  /**
   * The broker refused a batch of several records as too large: each record is sent again in
   * a batch of its own, in the same place, so only a record that is too large by itself fails.
   */
  private splitTooLarge(q: PartitionQueue, b: ProducerBatch): void {
    const singles = b.splitRecords(recordSize);
    singles.forEach((single, i) => {
      // Sent before (attempts) at the old sequences, so that batches sent after the refused one
      // and coming back out of order are queued behind these.
      single.attempts = 1;
      single.baseSequence = b.baseSequence < 0 ? -1 : b.baseSequence + i;
    });
    this.accumulator.replaceWithParts(q, b, singles);
    q.retrying = true;
    // The refused batch left a gap in the partition's sequence: new epoch, sequences from 0.
    if (this.idempotent) this.ids.reset();
    else this.scheduleDrain();
  }
}
