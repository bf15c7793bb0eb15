// Runs one source task: poll the task, put each record through the transforms and the
// converters (under the error handler), send it, and keep its source offset. Offsets are
// stored every `offset.flush.interval.ms` (and on stop) for records the brokers have
// acknowledged, so a restarted task resumes after them (at least once). With exactly-once
// support (KIP-618) every polled batch is one transaction that also writes the batch's
// offsets to the offsets topic: the records and the offsets land together or not at all.
import { Producer, type ClusterOptions, type ProducerRecord } from '../../client/index.js';
import type { Logger } from '../../util/logger.js';
import type {
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
  TaskConfig,
} from '../connector.js';
import type { TransformChain } from '../transforms/transform-chain.js';
import { ErrorHandler, SKIPPED } from './error-handler.js';
import type { ErrorSettings } from './connector-config.js';
import { partitionKey, type OffsetBackingStore, type OffsetEntry } from './offset-store.js';
import { headersFromConnect, type TaskConverters } from './task-converters.js';

export interface WorkerSourceTaskOptions {
  connector: string;
  task: number;
  cluster: ClusterOptions;
  taskConfig: TaskConfig;
  converters: TaskConverters;
  transforms: TransformChain;
  errors: ErrorSettings;
  offsetStore: OffsetBackingStore;
  offsetFlushIntervalMs: number;
  /** KIP-618: a transactional id makes every polled batch one transaction. */
  transactionalId?: string;
  /** Exactly once: the offset records to write inside the transaction. */
  offsetRecords?(entries: readonly OffsetEntry[]): Omit<ProducerRecord, 'partition'>[];
  /** Exactly once: reads the offsets topic to its end before the task starts. */
  readOffsetsToEnd?(): Promise<void>;
  /** Exactly once: told the offsets a committed transaction stored. */
  offsetsCommitted?(entries: readonly OffsetEntry[]): void;
  logger: Logger;
  onFailure(err: Error): void;
}

export class WorkerSourceTask {
  private producer: Producer | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private paused = false;
  private resumeWaiter: (() => void) | undefined;
  /** Offsets of acknowledged records not yet stored, by partition key. */
  private readonly unflushed = new Map<string, OffsetEntry>();
  private lastFlushMs = Date.now();
  private readonly errors: ErrorHandler;

  constructor(
    private readonly task: SourceTask,
    private readonly o: WorkerSourceTaskOptions,
  ) {
    this.errors = new ErrorHandler(o.errors, {
      connector: o.connector,
      task: o.task,
      logger: o.logger,
    });
  }

  async start(): Promise<void> {
    this.producer = new Producer({
      ...this.o.cluster,
      transactionalId: this.o.transactionalId ?? null,
      lingerMs: 5,
    });
    await this.producer.connect();
    if (this.o.transactionalId !== undefined) {
      // Fencing first (a zombie of this task aborts), then the committed offsets are read.
      await this.producer.initTransactions();
      await this.o.readOffsetsToEnd?.();
    }
    await this.task.start(this.o.taskConfig, {
      configs: () => this.o.taskConfig,
      offsetStorageReader: {
        offset: (p: SourcePartition) =>
          Promise.resolve(this.o.offsetStore.get(this.o.connector, p)),
      },
    });
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopping) {
        if (this.paused) {
          await new Promise<void>((r) => (this.resumeWaiter = r));
          continue;
        }
        const polled = await this.errors.execute('TASK_POLL', undefined, () => this.task.poll());
        if (this.stopping) break;
        const records = polled === SKIPPED ? null : polled;
        if (records !== null && records.length > 0) {
          if (this.o.transactionalId !== undefined) await this.sendTransaction(records);
          else await this.send(records);
        }
        if (
          this.o.transactionalId === undefined &&
          Date.now() - this.lastFlushMs >= this.o.offsetFlushIntervalMs
        )
          await this.flushOffsets();
      }
    } catch (err) {
      if (!this.stopping) {
        this.o.onFailure(err as Error);
        void this.stop(false);
      }
    }
  }

  private async convert(
    records: SourceRecord[],
  ): Promise<{ record: ProducerRecord; source: SourceRecord }[]> {
    const out: { record: ProducerRecord; source: SourceRecord }[] = [];
    for (const r of records) {
      const t = await this.errors.execute('TRANSFORMATION', undefined, () =>
        this.o.transforms.apply(r),
      );
      if (t === SKIPPED || t === null) {
        out.push({ record: null as unknown as ProducerRecord, source: r });
        continue;
      }
      const k = await this.errors.execute('KEY_CONVERTER', undefined, () =>
        this.o.converters.key.fromConnectData(t.topic, t.keySchema, t.key),
      );
      const v = await this.errors.execute('VALUE_CONVERTER', undefined, () =>
        this.o.converters.value.fromConnectData(t.topic, t.valueSchema, t.value),
      );
      if (k === SKIPPED || v === SKIPPED) {
        out.push({ record: null as unknown as ProducerRecord, source: r });
        continue;
      }
      out.push({
        source: r,
        record: {
          topic: t.topic,
          ...(t.kafkaPartition !== null && { partition: t.kafkaPartition }),
          key: k,
          value: v,
          headers: headersFromConnect(t.headers),
          ...(t.timestamp !== null && { timestamp: t.timestamp }),
        },
      });
    }
    return out;
  }

  /** At least once: send, and keep each record's offset once it is acknowledged. */
  private async send(records: SourceRecord[]): Promise<void> {
    const converted = await this.convert(records);
    const sends = converted.map(async ({ record, source }) => {
      // A skipped record's offset still counts: the source moved past it.
      if (record !== null) await this.producer!.send(record);
      return source;
    });
    for (const source of await Promise.all(sends)) this.track(source);
    await this.task.commit?.();
  }

  private async sendTransaction(records: SourceRecord[]): Promise<void> {
    const converted = await this.convert(records);
    const entries = new Map<string, OffsetEntry>();
    for (const { source } of converted) {
      if (source.sourcePartition !== null && source.sourceOffset !== null)
        entries.set(partitionKey(this.o.connector, source.sourcePartition), {
          partition: source.sourcePartition,
          offset: source.sourceOffset,
        });
    }
    const producer = this.producer!;
    producer.beginTransaction();
    try {
      const sends = converted.filter((c) => c.record !== null).map((c) => producer.send(c.record));
      const offsetRecords = this.o.offsetRecords?.([...entries.values()]) ?? [];
      sends.push(...offsetRecords.map((r) => producer.send(r)));
      await Promise.all(sends);
      await producer.commitTransaction();
    } catch (err) {
      await producer.abortTransaction().catch(() => undefined);
      throw err;
    }
    this.o.offsetsCommitted?.([...entries.values()]);
    await this.task.commit?.();
  }

  private track(source: SourceRecord): void {
    if (source.sourcePartition === null || source.sourceOffset === null) return;
    this.unflushed.set(partitionKey(this.o.connector, source.sourcePartition), {
      partition: source.sourcePartition,
      offset: source.sourceOffset as SourceOffset,
    });
  }

  private async flushOffsets(): Promise<void> {
    this.lastFlushMs = Date.now();
    if (this.unflushed.size === 0) return;
    const entries = [...this.unflushed.values()];
    this.unflushed.clear();
    await this.o.offsetStore.set(this.o.connector, entries);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.resumeWaiter?.();
    this.resumeWaiter = undefined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  async stop(flush = true): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.resumeWaiter?.();
    try {
      await this.task.stop();
      await this.loop?.catch(() => undefined);
      if (flush) {
        await this.producer?.flush();
        await this.flushOffsets();
      }
    } finally {
      await this.producer?.close();
    }
  }
}
