// The producer's public face. A record is placed on a partition and appended to that
// partition's open batch in the accumulator (record-accumulator.ts), holding buffer.memory
// (buffer-memory.ts) until the broker answers; the sender (sender.ts) sends the ready batches,
// one Produce request per leader. With idempotence (the default) batches carry a producer id
// and epoch from InitProducerId (producer-id.ts) and per-partition sequence numbers. A
// transactional producer adds partitions to its transaction before their first batch and ends
// the transaction through the coordinator (transactions.ts).
import { CompressionType, type RecordInput } from '../../protocol/index.js';
import { Cluster, type TopicMetadata } from '../cluster.js';
import { ClientError } from '../errors.js';
import { DefaultPartitioner } from '../partitioner.js';
import { DeliverySink } from './batch.js';
import { BufferMemory } from './buffer-memory.js';
import { ProducerIdManager } from './producer-id.js';
import { ProducerMetrics, type ProducerMetric } from './producer-metrics.js';
import {
  RecordAccumulator,
  recordSize,
  toRecordInput,
  type PartitionQueue,
} from './record-accumulator.js';
import { Sender } from './sender.js';
import {
  TransactionManager,
  type ConsumerGroupMetadata,
  type TransactionOffset,
} from './transactions.js';
import type { CompressionName, ProducerOptions, ProducerRecord, RecordMetadata } from './types.js';

const CODECS: Record<CompressionName, CompressionType> = {
  none: CompressionType.None,
  gzip: CompressionType.Gzip,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.Lz4,
  zstd: CompressionType.Zstd,
};

export class Producer {
  readonly cluster: Cluster;
  readonly options: ProducerOptions;
  private readonly acks: number;
  private readonly idempotent: boolean;
  private readonly maxBlockMs: number;
  private readonly partitioner: DefaultPartitioner;
  private readonly now: () => number;
  private readonly memory: BufferMemory;
  private readonly accumulator: RecordAccumulator;
  private readonly ids: ProducerIdManager;
  private readonly sender: Sender;
  private readonly available = new WeakMap<TopicMetadata, number[]>();
  /** send() calls waiting for metadata or buffer memory, in call order. */
  private readonly accepting = new Set<Promise<unknown>>();
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
    const batchSize = options.batchSize ?? 16_384;
    this.maxBlockMs = options.maxBlockMs ?? 60_000;
    this.partitioner = options.partitioner ?? new DefaultPartitioner({ batchSizeBytes: batchSize });
    this.now = options.now ?? Date.now;
    this.counters = new ProducerMetrics(options.clientId ?? 'rivulet');
    this.memory = new BufferMemory(options.bufferMemory ?? 32 * 1024 * 1024, this.maxBlockMs);
    this.accumulator = new RecordAccumulator({
      batchSize,
      lingerMs: options.lingerMs ?? 5,
      memory: this.memory,
      now: this.now,
    });
    this.ids = new ProducerIdManager(this.cluster, this.accumulator, {
      wake: () => this.sender.scheduleDrain(),
      retryLater: () => this.sender.retryLater(),
    });
    this.sender = new Sender({
      cluster: this.cluster,
      accumulator: this.accumulator,
      ids: this.ids,
      txn: this.txn,
      counters: this.counters,
      acks: this.acks,
      idempotent: this.idempotent,
      compression: CODECS[options.compression ?? 'none'],
      maxInFlight: Math.min(
        options.maxInFlightRequestsPerConnection ?? 5,
        this.idempotent ? 5 : Infinity,
      ),
      deliveryTimeoutMs: options.deliveryTimeoutMs ?? 120_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      now: this.now,
      closed: () => this.closed,
    });
  }

  /** The producer's own measurements, named as Kafka's producer names them. */
  metrics(): ProducerMetric[] {
    return this.counters.snapshot({
      bufferAvailableBytes: this.memory.availableBytes,
      bufferTotalBytes: this.memory.totalBytes,
    });
  }

  /**
   * Connects to the cluster and, when idempotent, gets a producer id (a transactional
   * producer gets its own in initTransactions()).
   */
  async connect(): Promise<void> {
    await this.cluster.connect();
    if (this.idempotent && this.txn === null) await this.ids.init();
  }

  /**
   * Registers the transactional id with its coordinator and takes a new epoch, which fences
   * any earlier producer with the same id and finishes (aborts) its open transaction.
   */
  async initTransactions(): Promise<void> {
    const txn = this.transactional('initTransactions');
    txn.require('initialise transactions', 'uninitialized');
    const run = txn.initProducerId().then(
      (id) => this.ids.set(id),
      (err: unknown) => {
        txn.fail(err as Error);
        throw err;
      },
    );
    this.ids.track(run);
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
      await txn.sendOffsets(offsets, metadata, this.ids.idAndEpoch());
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
      await txn.end(true, this.ids.idAndEpoch());
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
    for (const q of this.accumulator.queues) {
      for (const b of this.accumulator.takeUnsent(q)) {
        if (b.baseSequence >= 0) this.sequenceGap = true;
        this.sender.finish(b, aborted);
      }
      q.retrying = false;
    }
    await Promise.all([...this.accumulator.unfinished].map((b) => b.done));
    await Promise.allSettled([...this.addRequests]);
    try {
      await txn.end(false, this.ids.idAndEpoch());
      // A new epoch (KIP-360) lets every partition start again from sequence 0.
      if (this.sequenceGap) {
        this.ids.set(await txn.initProducerId(this.ids.idAndEpoch()));
        for (const q of this.accumulator.queues) q.nextSequence = 0;
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
    if (!this.memory.tryReserve(sizeBytes)) {
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
      this.append(this.accumulator.queue(record.topic, partition), input, sizeBytes, sink, 0);
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
    if (this.memory.tryReserve(placed.totalBytes))
      return this.appendAll<T>(records, placed, single);
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
      const reserved = this.memory.reserve(placed.totalBytes, () => this.sender.scheduleDrain());
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
        const q = this.accumulator.queue(records[i]!.topic, placed.partitions[i]!);
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
    const waiting = [...this.accumulator.unfinished].map((b) => b.done);
    this.accumulator.flushing++;
    try {
      this.sender.drain();
      await Promise.all(waiting);
    } finally {
      this.accumulator.flushing--;
    }
  }

  /** Flushes, then closes every connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.sender.close();
    this.cluster.close();
  }

  private append(
    q: PartitionQueue,
    input: RecordInput,
    sizeBytes: number,
    sink: DeliverySink,
    index: number,
  ): void {
    const sendNow = this.accumulator.append(q, input, sizeBytes, sink, index);
    if (this.txn !== null && !q.adding && !this.txn.isAdded(q.topic, q.partition))
      this.addToTransaction(q);
    this.sender.wake(sendNow);
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
      const added = txn.addPartitions(queues, this.ids.idAndEpoch()).then(
        () => {
          for (const q of queues) q.adding = false;
          this.sender.scheduleDrain();
        },
        (err: unknown) => {
          txn.fail(err as Error);
          for (const q of queues) {
            q.adding = false;
            for (const b of this.accumulator.takeUnsent(q)) this.sender.finish(b, err as Error);
          }
        },
      );
      this.addRequests.add(added);
      void added.finally(() => this.addRequests.delete(added));
    });
  }
}

interface Placed {
  inputs: RecordInput[];
  sizes: number[];
  partitions: number[];
  totalBytes: number;
}
