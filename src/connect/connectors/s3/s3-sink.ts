// The S3 sink connector (`io.confluent.connect.s3.S3SinkConnector`, with Confluent's config
// names). Each Kafka partition a task reads has a writer: records go into one open file per
// directory the partitioner names, and the files are uploaded ("committed") together when
// `flush.size` records are buffered, when the timestamps span `rotate.interval.ms`, when a
// record's schema changes, or on the wall clock every `rotate.schedule.interval.ms`.
//
// Exactly once: an object is named `<topic>+<partition>+<start offset, 10 digits>.<ext>`, and
// the consumer offsets are committed (through preCommit) only up to the records in uploaded
// objects. After a crash the task reads again from the committed offset; because the file
// boundaries depend only on the records (not on time or on when the crash happened), it
// writes the very same objects again, overwriting any that had been uploaded before the
// offsets were committed. Wall-clock rotation and the Wallclock timestamp extractor break
// that determinism, as in Confluent's connector.
import type {
  SinkConnector,
  SinkRecord,
  SinkTask,
  TaskConfig,
  TopicPartitionOffset,
} from '../../connector.js';
import { ConnectError } from '../../connector.js';
import type { ConfigDef } from '../../config-def.js';
import { VERSION } from '../../version.js';
import { makeFormat, type Format, type FormatWriter } from './formats.js';
import { makePartitioner, type S3Partitioner } from './partitioner.js';
import {
  S3_SINK_CONFIG,
  s3SinkSettings,
  validateS3Sink,
  type S3SinkSettings,
} from './s3-sink-config.js';
import { S3Storage } from './s3-storage.js';

export class S3SinkConnector implements SinkConnector {
  readonly kind = 'sink';
  private props: Record<string, string> = {};
  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return S3_SINK_CONFIG;
  }
  validate(props: Record<string, string>): Record<string, string[]> {
    return validateS3Sink(props);
  }
  start(props: Record<string, string>): void {
    s3SinkSettings(props);
    this.props = props;
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
  taskFactory(): SinkTask {
    return new S3SinkTask();
  }
}

/** Uploads whole objects; the seam tests and benchmarks could replace. */
export interface ObjectStore {
  put(key: string, body: Buffer): Promise<void>;
  close(): void;
}

export class S3SinkTask implements SinkTask {
  private settings!: S3SinkSettings;
  private storage: ObjectStore | undefined;
  private format!: Format;
  private partitioner!: S3Partitioner;
  private readonly writers = new Map<string, TopicPartitionWriter>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  version(): string {
    return VERSION;
  }

  async start(props: TaskConfig): Promise<void> {
    this.settings = s3SinkSettings(props);
    this.format = makeFormat(this.settings.format, this.settings.gzip);
    this.partitioner = makePartitioner(this.settings, this.nowMs);
    this.storage = await S3Storage.open(this.settings);
  }

  open(partitions: readonly { topic: string; partition: number }[]): void {
    for (const tp of partitions) this.writer(tp.topic, tp.partition);
  }

  close(partitions: readonly { topic: string; partition: number }[]): void {
    // What was buffered and not uploaded is dropped: its offsets were not committed, so
    // whoever owns the partition next reads those records again.
    for (const tp of partitions) this.writers.delete(key(tp.topic, tp.partition));
  }

  private writer(topic: string, partition: number): TopicPartitionWriter {
    let w = this.writers.get(key(topic, partition));
    if (w === undefined) {
      w = new TopicPartitionWriter(topic, partition, {
        settings: this.settings,
        format: this.format,
        partitioner: this.partitioner,
        storage: this.storage!,
        nowMs: this.nowMs,
      });
      this.writers.set(key(topic, partition), w);
    }
    return w;
  }

  async put(records: SinkRecord[]): Promise<void> {
    for (const r of records) await this.writer(r.originalTopic, r.originalKafkaPartition).add(r);
    for (const w of this.writers.values()) await w.rotateOnSchedule();
  }

  /** The offsets to commit: up to the records in uploaded objects, never beyond. */
  async preCommit(offsets: readonly TopicPartitionOffset[]): Promise<TopicPartitionOffset[]> {
    const out: TopicPartitionOffset[] = [];
    for (const o of offsets) {
      const w = this.writers.get(key(o.topic, o.partition));
      if (w === undefined) continue;
      await w.rotateOnSchedule();
      if (w.committedOffset !== undefined)
        out.push({ topic: o.topic, partition: o.partition, offset: w.committedOffset });
    }
    return out;
  }

  stop(): void {
    this.writers.clear();
    this.storage?.close();
    this.storage = undefined;
  }
}

interface WriterContext {
  settings: S3SinkSettings;
  format: Format;
  partitioner: S3Partitioner;
  storage: ObjectStore;
  nowMs: () => number;
}

interface OpenFile {
  writer: FormatWriter;
  startOffset: bigint;
}

/** The files of one Kafka partition, as Confluent's TopicPartitionWriter. */
class TopicPartitionWriter {
  /** The next offset to read after the records in uploaded objects. */
  committedOffset: bigint | undefined;
  private files = new Map<string, OpenFile>();
  private recordCount = 0;
  private lastOffset: bigint | undefined;
  private baseTimestamp: number | undefined;
  private nextScheduledRotation: number | undefined;

  constructor(
    private readonly topic: string,
    private readonly partition: number,
    private readonly c: WriterContext,
  ) {}

  async add(r: SinkRecord): Promise<void> {
    const s = this.c.settings;
    if (r.value === null || r.value === undefined) {
      if (!s.ignoreNulls)
        throw new ConnectError(
          `Null valued records are not writeable with current behavior.on.null.values 'settings' (${r.topic}-${r.kafkaPartition}@${r.kafkaOffset})`,
        );
      if (this.recordCount === 0) this.committedOffset = r.originalKafkaOffset + 1n;
      this.lastOffset = r.originalKafkaOffset;
      return;
    }
    const encoded = this.c.partitioner.encodePartition(r);
    const ts = this.timestamp(r);
    const file = this.files.get(encoded);
    if (
      this.recordCount > 0 &&
      ((s.rotateIntervalMs > 0 &&
        this.baseTimestamp !== undefined &&
        ts - this.baseTimestamp >= s.rotateIntervalMs) ||
        (file !== undefined && !file.writer.accepts(r)))
    )
      await this.commitFiles();
    let open = this.files.get(encoded);
    if (open === undefined) {
      open = { writer: this.c.format.newWriter(), startOffset: r.originalKafkaOffset };
      this.files.set(encoded, open);
    }
    open.writer.write(r);
    if (this.recordCount === 0) {
      this.baseTimestamp = ts;
      if (s.rotateScheduleIntervalMs > 0)
        this.nextScheduledRotation = this.c.nowMs() + s.rotateScheduleIntervalMs;
    }
    this.recordCount++;
    this.lastOffset = r.originalKafkaOffset;
    if (this.recordCount >= s.flushSize) await this.commitFiles();
  }

  private timestamp(r: SinkRecord): number {
    if (this.c.settings.rotateIntervalMs <= 0) return 0;
    if (this.c.partitioner.timestamp !== undefined) return this.c.partitioner.timestamp(r);
    return r.timestamp ?? this.c.nowMs();
  }

  async rotateOnSchedule(): Promise<void> {
    if (
      this.recordCount > 0 &&
      this.nextScheduledRotation !== undefined &&
      this.c.nowMs() >= this.nextScheduledRotation
    )
      await this.commitFiles();
  }

  /** Uploads every open file, then moves the offset to commit past their records. */
  private async commitFiles(): Promise<void> {
    const s = this.c.settings;
    for (const [encoded, f] of this.files) {
      const name = [this.topic, this.partition, String(f.startOffset).padStart(10, '0')].join(
        s.fileDelim,
      );
      const dir = [s.topicsDir, this.topic, encoded].filter((p) => p !== '').join(s.directoryDelim);
      await this.c.storage.put(
        `${dir}${s.directoryDelim}${name}${this.c.format.extension}`,
        f.writer.finish(),
      );
    }
    this.files = new Map();
    this.committedOffset = this.lastOffset! + 1n;
    this.recordCount = 0;
    this.baseTimestamp = undefined;
    this.nextScheduledRotation = undefined;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
