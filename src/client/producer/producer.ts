// The producer: records are appended to a batch per partition (the accumulator), batches are
// sent when full (batch.size) or after linger.ms, one Produce request per leader carrying at
// most one batch per partition. With idempotence (the default) the producer gets a producer id
// and epoch from InitProducerId and numbers batches per partition; up to
// max.in.flight.requests.per.connection requests are in flight per broker, and a batch that
// fails with a retriable error is resent with its original sequence after everything in flight
// for its partition has come back, so retries never reorder records.
import {
  CompressionType,
  createInitProducerIdRequest,
  encodeRecordBatch,
  type InitProducerIdResponse,
  type ProduceResponse,
  type RecordHeader,
  type RecordInput,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import { Cluster, type TopicMetadata } from '../cluster.js';
import { ClientError, isRetriable, KafkaError, needsMetadataRefresh } from '../errors.js';
import { DefaultPartitioner } from '../partitioner.js';
import { DeliverySink, ProducerBatch, RECORD_OVERHEAD_BYTES } from './batch.js';
import { ProducerMetrics, type ProducerMetric } from './producer-metrics.js';
import {
  TransactionManager,
  type ConsumerGroupMetadata,
  type TransactionOffset,
} from './transactions.js';
import type {
  Bytes,
  CompressionName,
  ProducerOptions,
  ProducerRecord,
  RecordMetadata,
} from './types.js';

const CODECS: Record<CompressionName, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

const DUPLICATE_SEQUENCE_NUMBER = 46;
const OUT_OF_ORDER_SEQUENCE_NUMBER = 45;
const MESSAGE_TOO_LARGE = 10;

/** Sending state of one partition. */
interface PartitionQueue {
  topic: string;
  partition: number;
  open: ProducerBatch | null;
  ready: ProducerBatch[];
  inFlight: number;
  nextSequence: number;
  /** A batch failed and waits to be resent: send one at a time until it succeeds. */
  retrying: boolean;
  /** Transactional producers: AddPartitionsToTxn for this partition is under way. */
  adding: boolean;
}

export class Producer {
  readonly cluster: Cluster;
  readonly options: ProducerOptions;
  private readonly acks: number;
  private readonly lingerMs: number;
  private readonly batchSize: number;
  private readonly compression: CompressionType;
  private readonly idempotent: boolean;
  private readonly bufferMemory: number;
  private readonly maxBlockMs: number;
  private readonly maxInFlight: number;
  private readonly deliveryTimeoutMs: number;
  private readonly requestTimeoutMs: number;
  private readonly partitioner: DefaultPartitioner;
  private readonly now: () => number;
  /** Every partition queue, in creation order, and the same queues by topic and partition. */
  private readonly queues: PartitionQueue[] = [];
  private readonly queuesByTopic = new Map<string, PartitionQueue[]>();
  private readonly available = new WeakMap<TopicMetadata, number[]>();
  private readonly inFlightByNode = new Map<number, number>();
  private readonly writeChains = new Map<number, Promise<void>>();
  private readonly unfinished = new Set<ProducerBatch>();
  private readonly accepting = new Set<Promise<unknown>>();
  private bufferedBytes = 0;
  private memoryWaiters: MemoryWaiter[] = [];
  private producerId = -1n;
  private producerEpoch = -1;
  private producerIdPending: Promise<void> | null = null;
  private resetPending = false;
  private lingerTimer: NodeJS.Timeout | null = null;
  private drainScheduled = false;
  private flushing = 0;
  private closed = false;
  /** Set for a transactional producer (transactionalId). */
  private readonly txn: TransactionManager | null;
  /** Partitions waiting to be added to the transaction, sent together. */
  private toAdd: PartitionQueue[] = [];
  /** An aborted transaction left a gap in some partition's sequence: take a new epoch. */
  private sequenceGap = false;
  /** AddPartitionsToTxn requests under way: EndTxn waits for them. */
  private readonly addRequests = new Set<Promise<void>>();
  private readonly counters: ProducerMetrics;

  constructor(options: ProducerOptions) {
    // Kafka's producer lets the broker create the topics it writes to (when the broker's
    // auto.create.topics.enable allows it).
    this.cluster = new Cluster({
      ...options,
      allowAutoCreateTopics: options.allowAutoCreateTopics ?? true,
    });
    this.options = options;
    const acks = options.acks ?? 'all';
    this.acks = acks === 'all' ? -1 : acks;
    const transactional = (options.transactionalId ?? null) !== null;
    this.idempotent = options.idempotent ?? this.acks === -1;
    if (transactional && (options.idempotent === false || this.acks !== -1)) {
      throw new ClientError(
        'ERR_INVALID_ARGUMENT',
        'a transactional producer is idempotent and needs acks=all',
      );
    }
    if (this.idempotent && this.acks !== -1) {
      throw new ClientError('ERR_INVALID_ARGUMENT', 'an idempotent producer needs acks=all');
    }
    this.txn = transactional
      ? new TransactionManager(
          this.cluster,
          options.transactionalId!,
          options.transactionTimeoutMs ?? 60_000,
        )
      : null;
    this.lingerMs = options.lingerMs ?? 5;
    this.batchSize = options.batchSize ?? 16_384;
    this.compression = CODECS[options.compression ?? 'none'];
    this.bufferMemory = options.bufferMemory ?? 32 * 1024 * 1024;
    this.maxBlockMs = options.maxBlockMs ?? 60_000;
    this.maxInFlight = Math.min(
      options.maxInFlightRequestsPerConnection ?? 5,
      this.idempotent ? 5 : Infinity,
    );
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 120_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    this.partitioner =
      options.partitioner ?? new DefaultPartitioner({ batchSizeBytes: this.batchSize });
    this.now = options.now ?? Date.now;
    this.counters = new ProducerMetrics(options.clientId ?? 'rivulet');
  }

  /** The producer's own measurements, named as Kafka's producer names them. */
  metrics(): ProducerMetric[] {
    return this.counters.snapshot({
      bufferAvailableBytes: Math.max(0, this.bufferMemory - this.bufferedBytes),
      bufferTotalBytes: this.bufferMemory,
    });
  }

  /**
   * Connects to the cluster and, when idempotent, gets a producer id (a transactional
   * producer gets its own in initTransactions()).
   */
  async connect(): Promise<void> {
    await this.cluster.connect();
    if (this.idempotent && this.txn === null) await this.initProducerId();
  }

  /**
   * Registers the transactional id with its coordinator and takes a new epoch, which fences
   * any earlier producer with the same id and finishes (aborts) its open transaction.
   */
  async initTransactions(): Promise<void> {
    const txn = this.transactional('initTransactions');
    txn.require('initialise transactions', 'uninitialized');
    const run = txn.initProducerId().then(
      (id) => {
        this.producerId = id.producerId;
        this.producerEpoch = id.producerEpoch;
      },
      (err: unknown) => {
        txn.fail(err as Error);
        throw err;
      },
    );
    this.producerIdPending = run.finally(() => {
      this.producerIdPending = null;
    });
    await run;
  }

  /** Starts a transaction: every record sent until commit or abort belongs to it. */
  beginTransaction(): void {
    this.transactional('beginTransaction').begin();
  }

  /**
   * Commits consumed offsets of a group as part of the transaction (consume-transform-produce):
   * they become visible to the group only if the transaction commits. `group` is the
   * consumer's groupMetadata() (or just the group id, without generation fencing).
   */
  async sendOffsetsToTransaction(
    offsets: readonly TransactionOffset[],
    group: ConsumerGroupMetadata | string,
  ): Promise<void> {
    const txn = this.transactional('sendOffsetsToTransaction');
    txn.require('send offsets', 'in-transaction');
    const metadata = typeof group === 'string' ? { groupId: group } : group;
    try {
      await txn.sendOffsets(offsets, metadata, this.producerIdAndEpoch());
    } catch (err) {
      txn.fail(err as Error);
      throw err;
    }
  }

  /**
   * Sends everything buffered, then commits the transaction. Rejects (leaving the transaction
   * to be aborted) if any of its records or offsets failed.
   */
  async commitTransaction(): Promise<void> {
    const txn = this.transactional('commitTransaction');
    txn.require('commit', 'in-transaction');
    txn.state = 'committing';
    await this.flush();
    if (txn.error !== null) throw txn.error;
    try {
      await txn.end(true, this.producerIdAndEpoch());
    } catch (err) {
      txn.fail(err as Error);
      throw err;
    }
  }

  /**
   * Aborts the transaction: records not sent yet fail with ERR_TRANSACTION_ABORTED, those in
   * flight are awaited, then the coordinator writes the abort markers.
   */
  async abortTransaction(): Promise<void> {
    const txn = this.transactional('abortTransaction');
    txn.require('abort', 'in-transaction', 'abortable-error', 'committing', 'aborting');
    // A batch that failed for good, or one dropped here after it was numbered (waiting for a
    // retry), leaves a gap in its partition's sequence.
    if (txn.error !== null) this.sequenceGap = true;
    txn.state = 'aborting';
    await Promise.allSettled([...this.accepting]);
    const aborted = new ClientError(
      'ERR_TRANSACTION_ABORTED',
      `the transaction of ${txn.transactionalId} was aborted`,
    );
    for (const q of this.queues) {
      if (q.open !== null) q.ready.push(q.open);
      q.open = null;
      for (const b of q.ready.splice(0)) {
        if (b.baseSequence >= 0) this.sequenceGap = true;
        this.finish(b, aborted);
      }
      q.retrying = false;
    }
    await Promise.all([...this.unfinished].map((b) => b.done));
    await Promise.allSettled([...this.addRequests]);
    try {
      await txn.end(false, this.producerIdAndEpoch());
      // A new epoch (KIP-360) lets every partition start again from sequence 0.
      if (this.sequenceGap) {
        const id = await txn.initProducerId(this.producerIdAndEpoch());
        this.producerId = id.producerId;
        this.producerEpoch = id.producerEpoch;
        for (const q of this.queues) q.nextSequence = 0;
        this.sequenceGap = false;
      }
    } catch (err) {
      txn.fail(err as Error);
      throw err;
    }
  }

  private transactional(operation: string): TransactionManager {
    if (this.txn === null)
      throw new ClientError('ERR_INVALID_STATE', `${operation} needs a transactionalId`);
    if (this.closed) throw new ClientError('ERR_CLOSED', 'the producer is closed');
    return this.txn;
  }

  private producerIdAndEpoch() {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  /** Sends one record; resolves once the broker has it (per acks). */
  send(record: ProducerRecord): Promise<RecordMetadata> {
    // The common case without the arrays and map a call with many records needs.
    const topic =
      this.closed ||
      this.accepting.size > 0 ||
      (this.txn !== null && this.txn.state !== 'in-transaction')
        ? undefined
        : this.cluster.usableTopic(record.topic);
    if (topic === undefined) return this.start<RecordMetadata>([record], true);
    let input: RecordInput;
    let sizeBytes: number;
    let partition: number;
    try {
      input = toRecordInput(record, this.now());
      sizeBytes = recordSize(input);
      partition = this.choosePartition(record, input, sizeBytes, topic);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (!this.reserveNow(sizeBytes)) {
      const placed = {
        inputs: [input],
        sizes: [sizeBytes],
        partitions: [partition],
        totalBytes: sizeBytes,
      };
      return this.startLater([record], true, placed);
    }
    return new Promise<RecordMetadata>((resolve, reject) => {
      const sink = new DeliverySink(1, true, resolve, reject);
      this.append(this.queue(record.topic, partition), input, sizeBytes, sink, 0);
    });
  }

  /**
   * Sends several records with one metadata lookup and one buffer reservation; resolves with
   * their metadata in order once all are written, or rejects with the first failure.
   */
  sendBatch(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return Promise.resolve([]);
    return this.start<RecordMetadata[]>(records, false);
  }

  /**
   * Appends the records at once when their topics' metadata is known and the buffer has room,
   * so the common case costs one promise per call; otherwise waits for both first.
   */
  private start<T>(records: readonly ProducerRecord[], single: boolean): Promise<T> {
    if (this.closed) return Promise.reject(new ClientError('ERR_CLOSED', 'the producer is closed'));
    let placed: Placed;
    try {
      this.txn?.require('send', 'in-transaction');
      // Calls still waiting go first, so records keep the order of the calls.
      const known = this.accepting.size > 0 ? undefined : this.knownTopics(records);
      if (known === undefined) return this.startLater(records, single);
      placed = this.place(records, known);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.reserveNow(placed.totalBytes)) return this.appendAll<T>(records, placed, single);
    return this.startLater(records, single, placed);
  }

  /** The slow path: metadata to fetch or buffer space to wait for. */
  private startLater<T>(
    records: readonly ProducerRecord[],
    single: boolean,
    placed?: Placed,
  ): Promise<T> {
    // flush() must also wait for records still waiting for metadata or buffer space.
    const accepted = (async () => {
      if (placed === undefined) {
        const topics = new Map<string, TopicMetadata>();
        for (const r of records) {
          if (!topics.has(r.topic)) {
            topics.set(
              r.topic,
              await this.cluster.topicMetadata(r.topic, { timeoutMs: this.maxBlockMs }),
            );
          }
        }
        placed = this.place(records, topics);
      }
      const reserved = this.reserveMemory(placed.totalBytes);
      if (reserved !== undefined) await reserved;
      // Wrapped so that the async function does not wait for the delivery itself.
      return { delivery: this.appendAll<T>(records, placed, single) };
    })();
    this.accepting.add(accepted);
    const done = () => this.accepting.delete(accepted);
    accepted.then(done, done);
    return accepted.then((a) => a.delivery);
  }

  /** The topics' metadata when every one is cached and usable, else undefined. */
  private knownTopics(records: readonly ProducerRecord[]): Map<string, TopicMetadata> | undefined {
    const topics = new Map<string, TopicMetadata>();
    let last = '';
    for (let i = 0; i < records.length; i++) {
      const name = records[i]!.topic;
      if (name === last || topics.has(name)) continue;
      const t = this.cluster.usableTopic(name);
      if (t === undefined) return undefined;
      topics.set(name, t);
      last = name;
    }
    return topics;
  }

  /** Record inputs, sizes and partitions, chosen now so a full buffer cannot reorder them. */
  private place(records: readonly ProducerRecord[], topics: Map<string, TopicMetadata>): Placed {
    const nowMs = this.now();
    const n = records.length;
    const inputs = new Array<RecordInput>(n);
    const sizes = new Array<number>(n);
    const partitions = new Array<number>(n);
    let totalBytes = 0;
    for (let i = 0; i < n; i++) {
      const record = records[i]!;
      const input = toRecordInput(record, nowMs);
      const sizeBytes = recordSize(input);
      inputs[i] = input;
      sizes[i] = sizeBytes;
      totalBytes += sizeBytes;
      partitions[i] = this.choosePartition(record, input, sizeBytes, topics.get(record.topic)!);
    }
    return { inputs, sizes, partitions, totalBytes };
  }

  private appendAll<T>(records: readonly ProducerRecord[], placed: Placed, single: boolean) {
    return new Promise<T>((resolve, reject) => {
      const sink = new DeliverySink(records.length, single, resolve, reject);
      for (let i = 0; i < records.length; i++) {
        const q = this.queue(records[i]!.topic, placed.partitions[i]!);
        this.append(q, placed.inputs[i]!, placed.sizes[i]!, sink, i);
      }
    });
  }

  private choosePartition(
    record: ProducerRecord,
    input: RecordInput,
    sizeBytes: number,
    topic: TopicMetadata,
  ): number {
    const partitionCount = topic.partitions.length;
    const partition = record.partition;
    if (partition === undefined) {
      return this.partitioner.partition(record.topic, input.key, {
        partitionCount,
        sizeBytes,
        available: this.availablePartitions(topic),
      });
    }
    if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) {
      throw new ClientError(
        'ERR_INVALID_ARGUMENT',
        `topic ${record.topic} has no partition ${partition}`,
      );
    }
    return partition;
  }

  /** Partitions with a leader, computed once per metadata version of the topic. */
  private availablePartitions(topic: TopicMetadata): number[] {
    let available = this.available.get(topic);
    if (available === undefined) {
      available = topic.partitions.filter((p) => p.leaderId >= 0).map((p) => p.partition);
      this.available.set(topic, available);
    }
    return available;
  }

  /** Sends every buffered record now and resolves when all of them have been answered. */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.accepting]);
    const waiting = [...this.unfinished].map((b) => b.done);
    this.flushing++;
    try {
      this.drain();
      await Promise.all(waiting);
    } finally {
      this.flushing--;
    }
  }

  /** Flushes, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.lingerTimer !== null) clearTimeout(this.lingerTimer);
    this.cluster.close();
  }

  private append(
    q: PartitionQueue,
    input: RecordInput,
    sizeBytes: number,
    sink: DeliverySink,
    index: number,
  ): void {
    if (
      q.open !== null &&
      q.open.sizeBytes + sizeBytes > this.batchSize &&
      q.open.records.length > 0
    ) {
      q.ready.push(q.open);
      q.open = null;
    }
    if (q.open === null) {
      q.open = new ProducerBatch(q.topic, q.partition, this.now());
      this.unfinished.add(q.open);
    }
    q.open.add(input, sizeBytes, sink, index);
    if (this.txn !== null && !q.adding && !this.txn.isAdded(q.topic, q.partition))
      this.addToTransaction(q);
    if (q.open.sizeBytes >= this.batchSize) {
      q.ready.push(q.open);
      q.open = null;
    }
    if (q.ready.length > 0 || this.flushing > 0 || this.lingerMs === 0) this.scheduleDrain();
    else if (this.lingerTimer === null) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.drain();
      }, this.lingerMs);
    }
  }

  /**
   * Adds the partition to the transaction before any batch goes to it; partitions appended
   * to in the same tick share one AddPartitionsToTxn.
   */
  private addToTransaction(q: PartitionQueue): void {
    q.adding = true;
    this.toAdd.push(q);
    if (this.toAdd.length > 1) return;
    queueMicrotask(() => {
      const queues = this.toAdd;
      this.toAdd = [];
      const txn = this.txn!;
      if (txn.state !== 'in-transaction' && txn.state !== 'committing') {
        // Appended while the transaction was being aborted: those records are failed there,
        // and an AddPartitionsToTxn now would open a transaction nobody ends.
        for (const q of queues) q.adding = false;
        return;
      }
      const added = txn.addPartitions(queues, this.producerIdAndEpoch()).then(
        () => {
          for (const q of queues) q.adding = false;
          this.scheduleDrain();
        },
        (err: unknown) => {
          txn.fail(err as Error);
          for (const q of queues) {
            q.adding = false;
            if (q.open !== null) q.ready.push(q.open);
            q.open = null;
            for (const b of q.ready.splice(0)) this.finish(b, err as Error);
          }
        },
      );
      this.addRequests.add(added);
      void added.finally(() => this.addRequests.delete(added));
    });
  }

  private queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queuesByTopic.get(topic);
    if (byPartition === undefined) {
      byPartition = [];
      this.queuesByTopic.set(topic, byPartition);
    }
    let q = byPartition[partition];
    if (q === undefined) {
      q = {
        topic,
        partition,
        open: null,
        ready: [],
        inFlight: 0,
        nextSequence: 0,
        retrying: false,
        adding: false,
      };
      byPartition[partition] = q;
      this.queues.push(q);
    }
    return q;
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain();
    });
  }

  /** Sends what can be sent: full batches, lingered ones, everything while flushing. */
  private drain(): void {
    if (this.resetPending || this.producerIdPending !== null) return;
    const nowMs = this.now();
    let lingering = false;
    for (const q of this.queues) {
      if (q.open !== null && (this.flushing > 0 || nowMs - q.open.createdMs >= this.lingerMs)) {
        q.ready.push(q.open);
        q.open = null;
      }
      if (q.open !== null) lingering = true;
      this.expire(q, nowMs);
    }
    // Each round forms at most one request per broker, with one batch per partition.
    for (let round = this.collect(); round.size > 0; round = this.collect()) {
      for (const [nodeId, batches] of round) this.sendTo(nodeId, batches);
    }
    if (lingering && this.lingerTimer === null) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.drain();
      }, this.lingerMs);
    }
  }

  private collect(): Map<number, ProducerBatch[]> {
    const byNode = new Map<number, ProducerBatch[]>();
    for (const q of this.queues) {
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
        const q = this.queue(b.topic, b.partition);
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
        producerId: this.producerId,
        producerEpoch: this.producerEpoch,
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
      const q = this.queue(b.topic, b.partition);
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
      const q = this.queue(b.topic, b.partition);
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
    if (
      error instanceof KafkaError &&
      error.code === MESSAGE_TOO_LARGE &&
      b.records.length > 1 &&
      !expired &&
      !this.closed &&
      this.txn === null
    ) {
      this.splitTooLarge(q, b);
      return;
    }
    if (retriable && !expired && !this.closed) {
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
    if (this.idempotent) this.resetProducerId();
  }

  /**
   * The broker refused a batch of several records as too large: each record is sent again in
   * a batch of its own, in the same place, so only a record that is too large by itself fails.
   */
  private splitTooLarge(q: PartitionQueue, b: ProducerBatch): void {
    const singles = b.splitRecords(recordSize);
    this.unfinished.delete(b);
    let sizeBytes = 0;
    singles.forEach((single, i) => {
      // Sent before (attempts) at the old sequences, so that batches sent after the refused one
      // and coming back out of order are queued behind these.
      single.attempts = 1;
      single.baseSequence = b.baseSequence < 0 ? -1 : b.baseSequence + i;
      sizeBytes += single.sizeBytes;
      this.unfinished.add(single);
    });
    this.bufferedBytes += sizeBytes - b.sizeBytes;
    q.ready.unshift(...singles);
    q.retrying = true;
    // The refused batch left a gap in the partition's sequence: new epoch, sequences from 0.
    if (this.idempotent) this.resetProducerId();
    else this.scheduleDrain();
  }

  private retryLater(): void {
    setTimeout(() => this.drain(), this.cluster.options.retryBackoffMs ?? 100).unref();
  }

  private finish(b: ProducerBatch, error: Error | null, baseOffset = -1n): void {
    this.unfinished.delete(b);
    this.bufferedBytes -= b.sizeBytes;
    if (error === null) {
      this.counters.recordsDelivered(b.records.length);
      b.succeed(baseOffset);
    } else {
      this.counters.recordsFailed(b.records.length);
      b.fail(error);
    }
    this.releaseMemory();
  }

  private resetProducerId(): void {
    if (this.resetPending) return;
    this.resetPending = true;
    const waitIdle = async () => {
      while (this.queues.some((q) => q.inFlight > 0)) await new Promise((r) => setTimeout(r, 5));
      for (const q of this.queues) {
        q.nextSequence = 0;
        // Batches being resent (such as the parts of a split one) still go one at a time.
        q.retrying = q.ready[0] !== undefined && q.ready[0].attempts > 0;
        for (const b of q.ready) {
          b.baseSequence = -1;
          b.encoded = null;
        }
      }
      this.resetPending = false;
      await this.initProducerId();
      this.scheduleDrain();
    };
    void waitIdle().catch(() => this.retryLater());
  }

  private initProducerId(): Promise<void> {
    const run = this.cluster
      .retry(async () => {
        const response = await this.cluster.send<InitProducerIdResponse>(
          'any',
          ApiKey.InitProducerId,
          createInitProducerIdRequest({ transactionalId: null, transactionTimeoutMs: 60_000 }),
        );
        if (response.errorCode !== 0) throw new KafkaError(response.errorCode);
        this.producerId = response.producerId;
        this.producerEpoch = response.producerEpoch;
      })
      .finally(() => {
        this.producerIdPending = null;
        this.scheduleDrain();
      });
    this.producerIdPending = run;
    return run;
  }

  /** Takes `sizeBytes` of buffer.memory if that needs no waiting. */
  private reserveNow(sizeBytes: number): boolean {
    const fits = this.bufferedBytes + sizeBytes <= this.bufferMemory || this.bufferedBytes === 0;
    if (!fits || this.memoryWaiters.length > 0) return false;
    this.bufferedBytes += sizeBytes;
    return true;
  }

  /**
   * Takes `sizeBytes` of buffer.memory, waiting (first come, first served) until records
   * already buffered have been answered, for at most max.block.ms.
   */
  private reserveMemory(sizeBytes: number): Promise<void> | undefined {
    if (this.reserveNow(sizeBytes)) return undefined;
    return new Promise((resolve, reject) => {
      const waiter: MemoryWaiter = { sizeBytes, resolve, timer: undefined! };
      waiter.timer = setTimeout(() => {
        const at = this.memoryWaiters.indexOf(waiter);
        if (at >= 0) this.memoryWaiters.splice(at, 1);
        reject(
          new ClientError('ERR_BUFFER_FULL', `buffer.memory stayed full for ${this.maxBlockMs} ms`),
        );
      }, this.maxBlockMs);
      this.memoryWaiters.push(waiter);
      // Full buffers must still drain while the caller waits.
      this.scheduleDrain();
    });
  }

  private releaseMemory(): void {
    while (this.memoryWaiters.length > 0) {
      const w = this.memoryWaiters[0]!;
      if (this.bufferedBytes + w.sizeBytes > this.bufferMemory && this.bufferedBytes > 0) return;
      this.memoryWaiters.shift();
      clearTimeout(w.timer);
      this.bufferedBytes += w.sizeBytes;
      w.resolve();
    }
  }
}

interface Placed {
  inputs: RecordInput[];
  sizes: number[];
  partitions: number[];
  totalBytes: number;
}

interface MemoryWaiter {
  sizeBytes: number;
  resolve(): void;
  timer: NodeJS.Timeout;
}

function toBuffer(b: Bytes | null | undefined): Buffer | null {
  if (b == null) return null;
  return typeof b === 'string' ? Buffer.from(b) : b;
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

function toRecordInput(record: ProducerRecord, nowMs: number): RecordInput {
  let headers: readonly RecordHeader[] = NO_HEADERS;
  if (Array.isArray(record.headers)) {
    headers = record.headers.map((h: { key: string; value: Bytes | null }) => ({
      key: h.key,
      value: toBuffer(h.value),
    }));
  } else if (record.headers !== undefined) {
    headers = Object.entries(record.headers).map(([key, value]) => ({
      key,
      value: toBuffer(value as Bytes),
    }));
  }
  return {
    key: toBuffer(record.key),
    value: toBuffer(record.value),
    headers,
    timestamp: record.timestamp ?? nowMs,
  };
}

function recordSize(r: RecordInput): number {
  let size = RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const headers = r.headers;
  if (headers !== undefined)
    for (let i = 0; i < headers.length; i++)
      size += headers[i]!.key.length + (headers[i]!.value?.length ?? 0) + 4;
  return size;
}
