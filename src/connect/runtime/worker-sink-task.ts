// Runs one sink task: a consumer in the group `connect-<connector>` reads the topics, each
// record goes through the converters and the transforms (under the error handler) into
// SinkRecords, the task puts them, and every `offset.flush.interval.ms` (and before partitions
// are given up, and on stop) the task flushes and only then are the offsets committed, so
// nothing is acknowledged to Kafka before the sink has it.
import {
  GroupConsumer,
  Producer,
  type ClusterOptions,
  type ConsumerBatch,
  type TopicPartition,
} from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import { SerialQueue } from '../../util/serial-queue.js';
import type { SinkRecord, SinkTask, TaskConfig, TopicPartitionOffset } from '../connector.js';
import type { TransformChain } from '../transforms/transform-chain.js';
import { ErrorHandler, SKIPPED, type FailedRecord } from './error-handler.js';
import type { ErrorSettings } from './connector-config.js';
import { headersToConnect, type TaskConverters } from './task-converters.js';

export interface WorkerSinkTaskOptions {
  connector: string;
  task: number;
  cluster: ClusterOptions;
  topics: string[];
  topicsRegex: string;
  taskConfig: TaskConfig;
  converters: TaskConverters;
  transforms: TransformChain;
  errors: ErrorSettings;
  offsetFlushIntervalMs: number;
  logger: Logger;
  /** Told when the task fails (its status becomes FAILED with this trace). */
  onFailure(err: Error): void;
}

export class WorkerSinkTask {
  private consumer: GroupConsumer | undefined;
  private dlqProducer: Producer | undefined;
  private readonly queue = new SerialQueue();
  /** Next offset per partition of records put but not yet committed. */
  private readonly pending = new Map<string, TopicPartitionOffset>();
  private flushTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private paused = false;
  private readonly errors: ErrorHandler;

  constructor(
    private readonly task: SinkTask,
    private readonly o: WorkerSinkTaskOptions,
  ) {
    this.errors = new ErrorHandler(o.errors, {
      connector: o.connector,
      task: o.task,
      logger: o.logger,
      dlq: o.errors.dlqTopic === '' ? undefined : { send: (r, h) => this.sendToDlq(r, h) },
    });
  }

  async start(): Promise<void> {
    if (this.o.errors.dlqTopic !== '') {
      this.dlqProducer = new Producer({ ...this.o.cluster, lingerMs: 0 });
      await this.dlqProducer.connect();
    }
    await this.task.start(this.o.taskConfig, {
      configs: () => this.o.taskConfig,
      offset: (offsets) => {
        for (const o of offsets)
          this.consumer?.seek({ topic: o.topic, partition: o.partition }, o.offset);
      },
      requestCommit: () => void this.commit().catch((err: unknown) => this.fail(err as Error)),
      assignment: () => this.consumer?.assignment() ?? [],
    });
    const consumer = new GroupConsumer({
      ...this.o.cluster,
      groupId: `connect-${this.o.connector}`,
      autoCommit: false,
      autoOffsetReset: 'earliest',
      assignors: ['cooperative-sticky', 'range'],
      rebalanceListener: {
        onPartitionsAssigned: (tps) => this.task.open?.(tps),
        // The group commits the processed offsets right after this: flush first.
        onPartitionsRevoked: (tps) =>
          this.queue.run(async () => {
            await this.flushAndCommit(tps);
            // What the task did not let us commit is read again by the partition's next
            // owner: forget it here, so a later commit never moves that owner's offsets.
            for (const tp of tps) this.pending.delete(key(tp));
            await this.task.close?.(tps);
          }),
        onPartitionsLost: (tps) => {
          for (const tp of tps) this.pending.delete(key(tp));
          return this.task.close?.(tps);
        },
      },
    });
    this.consumer = consumer;
    await consumer.connect();
    consumer.subscribe(this.o.topicsRegex !== '' ? { pattern: this.o.topicsRegex } : this.o.topics);
    this.flushTimer = setInterval(() => {
      void this.commit().catch((err: unknown) => this.fail(err as Error));
    }, this.o.offsetFlushIntervalMs);
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    try {
      for await (const batch of this.consumer!.batches()) {
        if (this.stopping) break;
        await this.queue.run(() => this.deliver(batch));
      }
    } catch (err) {
      if (!this.stopping) this.fail(err as Error);
    }
  }

  private async deliver(batch: ConsumerBatch): Promise<void> {
    const out: SinkRecord[] = [];
    for (const r of batch.records) {
      const original: FailedRecord = {
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        key: r.key,
        value: r.value,
        headers: r.headers,
      };
      const k = await this.errors.execute('KEY_CONVERTER', original, () =>
        this.o.converters.key.toConnectData(r.topic, r.key),
      );
      if (k === SKIPPED) continue;
      const v = await this.errors.execute('VALUE_CONVERTER', original, () =>
        this.o.converters.value.toConnectData(r.topic, r.value),
      );
      if (v === SKIPPED) continue;
      const record: SinkRecord = {
        topic: r.topic,
        kafkaPartition: r.partition,
        kafkaOffset: r.offset,
        keySchema: k.schema,
        key: k.value,
        valueSchema: v.schema,
        value: v.value,
        timestamp: r.timestamp,
        timestampType: r.timestampType === 'log-append-time' ? 'LogAppendTime' : 'CreateTime',
        headers: headersToConnect(r.headers),
        originalTopic: r.topic,
        originalKafkaPartition: r.partition,
        originalKafkaOffset: r.offset,
      };
      const t = await this.errors.execute('TRANSFORMATION', original, () =>
        this.o.transforms.apply(record),
      );
      if (t === SKIPPED || t === null) continue;
      out.push(t);
    }
    const put = await this.errors.execute('TASK_PUT', undefined, () => this.task.put(out));
    if (put === SKIPPED) return;
    this.pending.set(key(batch), {
      topic: batch.topic,
      partition: batch.partition,
      offset: batch.nextOffset,
    });
  }

  /** Flushes the task and commits what it made durable. */
  commit(): Promise<void> {
    return this.queue.run(() => this.flushAndCommit());
  }

  private async flushAndCommit(only?: readonly TopicPartition[]): Promise<void> {
    const offsets = [...this.pending.values()].filter(
      (o) =>
        only === undefined ||
        only.some((tp) => tp.topic === o.topic && tp.partition === o.partition),
    );
    if (offsets.length === 0) return;
    let commit = offsets;
    if (this.task.preCommit !== undefined) commit = await this.task.preCommit(offsets);
    else await this.task.flush?.(offsets);
    if (commit.length === 0) return;
    await this.consumer!.commit(
      commit.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })),
    );
    for (const o of commit)
      if (this.pending.get(key(o))?.offset === o.offset) this.pending.delete(key(o));
  }

  pause(): void {
    this.paused = true;
    this.consumer?.pause(this.consumer.assignment());
  }

  resume(): void {
    this.paused = false;
    this.consumer?.resume(this.consumer.assignment());
  }

  get isPaused(): boolean {
    return this.paused;
  }

  private fail(err: Error): void {
    if (this.stopping) return;
    this.o.onFailure(err);
    void this.stop(false);
  }

  private async sendToDlq(
    record: FailedRecord,
    headers: { key: string; value: Buffer }[],
  ): Promise<void> {
    await this.dlqProducer!.send({
      topic: this.o.errors.dlqTopic,
      key: record.key,
      value: record.value,
      headers: [...record.headers.map((h) => ({ key: h.key, value: h.value })), ...headers],
    });
  }

  /** Stops the task; with `commit`, flushes and commits what was put first. */
  async stop(commit = true): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.flushTimer !== undefined) clearInterval(this.flushTimer);
    try {
      if (commit) await this.commit();
    } finally {
      await this.consumer?.close();
      await this.loop?.catch(() => undefined);
      await this.queue.run(() => this.task.stop());
      await this.dlqProducer?.close();
    }
  }
}

function key(tp: { topic: string; partition: number }): string {
  return `${tp.topic}\u0000${tp.partition}`;
}
