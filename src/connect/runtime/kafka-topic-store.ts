// A compacted Kafka topic read into memory, as Kafka Connect's KafkaBasedLog: created if
// missing (compacted, with the configured partitions and replication factor), read from the
// beginning at start, then followed; `readToEnd()` waits until every record written before
// it was called has been seen, which is how a writer reads its own writes back. The config,
// offset and status stores of distributed workers sit on it.
import {
  Admin,
  Consumer,
  Producer,
  type ClusterOptions,
  type ConsumerRecord,
  type ProducerRecord,
} from '../../client/index.js';

const TOPIC_ALREADY_EXISTS = 36;
const POSITION_POLL_MS = 50;

export interface KafkaTopicStoreOptions extends ClusterOptions {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Told each record as it is read, in offset order per partition. */
  onRecord(record: ConsumerRecord): void;
  /** read_committed for topics written in transactions (exactly-once source offsets). */
  isolationLevel?: 'read_uncommitted' | 'read_committed';
  /** A producer of the caller's (a transactional one, say); else the store makes one. */
  producer?: Producer;
}

export class KafkaTopicStore {
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private ownsProducer = false;
  private running = false;
  private loop: Promise<void> | undefined;
  private partitions: number[] = [];
  private readonly positions = new Map<number, bigint>();
  private waiters: { resolve: () => void }[] = [];

  constructor(private readonly o: KafkaTopicStoreOptions) {}

  get topic(): string {
    return this.o.topic;
  }

  async start(): Promise<void> {
    const admin = new Admin(this.o);
    try {
      const existing = await admin.listTopics({ includeInternal: true });
      if (!existing.includes(this.o.topic)) {
        const [created] = await admin.createTopics([
          {
            name: this.o.topic,
            numPartitions: this.o.partitions,
            replicationFactor: this.o.replicationFactor,
            configs: { 'cleanup.policy': 'compact' },
          },
        ]);
        // 36: another worker created it first.
        if (
          created !== undefined &&
          created.errorCode !== 0 &&
          created.errorCode !== TOPIC_ALREADY_EXISTS
        )
          throw new Error(
            `could not create ${this.o.topic}: error ${created.errorCode} ${created.errorMessage ?? ''}`.trim(),
          );
      }
      const [meta] = await admin.describeTopics([this.o.topic]);
      this.partitions = (meta?.partitions ?? []).map((p) => p.partition).sort((a, b) => a - b);
      if (this.partitions.length === 0) throw new Error(`topic ${this.o.topic} has no partitions`);
    } finally {
      admin.close();
    }
    this.producer = this.o.producer;
    if (this.producer === undefined) {
      this.producer = new Producer({ ...this.o, lingerMs: 0 });
      this.ownsProducer = true;
      await this.producer.connect();
    }
    this.consumer = new Consumer({ ...this.o, autoOffsetReset: 'earliest', fetchMaxWaitMs: 200 });
    await this.consumer.connect();
    this.consumer.assign(
      this.partitions.map((partition) => ({
        topic: this.o.topic,
        partition,
        offset: 'earliest' as const,
      })),
    );
    this.running = true;
    this.loop = this.follow();
    await this.readToEnd();
  }

  private async follow(): Promise<void> {
    const consumer = this.consumer!;
    try {
      for await (const batch of consumer.batches()) {
        for (const r of batch.records) this.o.onRecord(r);
        this.positions.set(batch.partition, batch.nextOffset);
        this.wake();
        if (!this.running) break;
      }
    } catch (err) {
      if (this.running) throw err;
    }
  }

  private wake(): void {
    // Waiters check their own targets again when woken.
    const woken = this.waiters;
    this.waiters = [];
    for (const w of woken) w.resolve();
  }

  /** Resolves once every record in the topic when this was called has been read. */
  async readToEnd(): Promise<void> {
    const admin = new Admin(this.o);
    let ends: Map<number, bigint>;
    try {
      const offsets = await admin.listOffsets(
        this.partitions.map((partition) => ({ topic: this.o.topic, partition })),
        'latest',
      );
      ends = new Map(offsets.map((o) => [o.partition, o.offset]));
    } finally {
      admin.close();
    }
    // Batches of control records only (transaction markers) may never reach the loop above,
    // so the consumer's own position counts too.
    const reached = () =>
      [...ends].every(([p, end]) => {
        const seen = this.positions.get(p) ?? 0n;
        const pos = this.consumer!.position({ topic: this.o.topic, partition: p }) ?? 0n;
        return (seen > pos ? seen : pos) >= end;
      });
    while (!reached()) {
      if (!this.running) throw new Error(`${this.o.topic}: the store stopped`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, POSITION_POLL_MS);
        this.waiters.push({ resolve: () => (clearTimeout(timer), resolve()) });
      });
    }
  }

  async send(records: readonly Omit<ProducerRecord, 'topic'>[]): Promise<void> {
    await this.producer!.sendBatch(records.map((r) => ({ ...r, topic: this.o.topic })));
  }

  async stop(): Promise<void> {
    this.running = false;
    this.consumer?.close();
    await this.loop?.catch(() => undefined);
    if (this.ownsProducer) await this.producer?.close();
  }
}
