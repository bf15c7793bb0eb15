// The registry's state kept in a compacted Kafka topic (`_schemas` by default), as
// Confluent's KafkaStore keeps it: one partition, compacted, created if missing. At start the
// store reads the topic to its end offset before the registry serves; afterwards it keeps
// reading, so every instance sees every write. A write returns only once the store has read
// its own record back, so a client that registers and then reads sees its write on any path
// through this instance.
import { Admin, Consumer, Producer, type ClusterOptions } from '../client/index.js';
import {
  decodeRecord,
  encodeKey,
  encodeValue,
  type RecordKey,
  type RegistryRecord,
} from './schema-records.js';

const TOPIC_ALREADY_EXISTS = 36;

export interface KafkaStoreOptions extends ClusterOptions {
  /** kafkastore.topic */
  topic?: string;
  /** kafkastore.topic.replication.factor (-1: the broker's default) */
  replicationFactor?: number;
  /** kafkastore.timeout.ms: how long a write waits to be read back. */
  timeoutMs?: number;
}

export class KafkaStore {
  readonly topic: string;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  /** The offset after the last record applied. */
  private readOffset = 0n;
  private readonly waiters: { offset: bigint; resolve: () => void }[] = [];
  private reading: Promise<void> | null = null;
  private failure: Error | null = null;

  constructor(
    private readonly options: KafkaStoreOptions,
    private readonly apply: (record: RegistryRecord, offset: bigint) => void,
  ) {
    this.topic = options.topic ?? '_schemas';
    this.producer = new Producer({ ...options, acks: 'all', lingerMs: 0, idempotent: false });
    this.consumer = new Consumer({ ...options, autoOffsetReset: 'earliest' });
    this.admin = new Admin(options);
  }

  /** Creates the topic if missing, then replays it to its end offset. */
  async start(): Promise<void> {
    await this.admin.connect();
    const [created] = await this.admin.createTopics([
      {
        name: this.topic,
        numPartitions: 1,
        replicationFactor: this.options.replicationFactor ?? -1,
        configs: { 'cleanup.policy': 'compact' },
      },
    ]);
    if (
      created !== undefined &&
      created.errorCode !== 0 &&
      created.errorCode !== TOPIC_ALREADY_EXISTS
    )
      throw new Error(`cannot create ${this.topic}: ${created.errorMessage ?? created.errorCode}`);
    await this.producer.connect();
    await this.consumer.connect();
    const tp = { topic: this.topic, partition: 0 };
    const end = await this.consumer.listOffset(tp, -1n);
    this.consumer.assign([{ ...tp, offset: 'earliest' }]);
    this.reading = this.readLoop();
    await this.waitForOffset(end);
  }

  /** Writes one record and resolves once it has been read back and applied. */
  async write(key: RecordKey, value: unknown): Promise<void> {
    if (this.failure !== null) throw this.failure;
    const metadata = await this.producer.send({
      topic: this.topic,
      partition: 0,
      key: encodeKey(key),
      value: encodeValue(value),
    });
    await this.waitForOffset(metadata.offset + 1n);
  }

  /** The Kafka cluster's id, as DescribeCluster answers it. */
  async clusterId(): Promise<string> {
    return (await this.admin.describeCluster()).clusterId ?? '';
  }

  async close(): Promise<void> {
    this.consumer.close();
    await this.producer.close().catch(() => undefined);
    this.admin.close();
    await this.reading?.catch(() => undefined);
  }

  private waitForOffset(offset: bigint): Promise<void> {
    if (this.readOffset >= offset) return Promise.resolve();
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const at = this.waiters.indexOf(waiter);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(new Error(`timed out reading ${this.topic} to offset ${offset}`));
      }, timeoutMs);
      const waiter = {
        offset,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
    });
  }

  private async readLoop(): Promise<void> {
    try {
      for await (const batch of this.consumer.batches()) {
        for (const record of batch.records) {
          const decoded = decodeRecord(record.key, record.value);
          if (decoded !== null) this.apply(decoded, record.offset);
        }
        this.readOffset = batch.nextOffset;
        for (let i = this.waiters.length - 1; i >= 0; i--) {
          if (this.waiters[i]!.offset <= this.readOffset) this.waiters.splice(i, 1)[0]!.resolve();
        }
      }
    } catch (err) {
      this.failure = err as Error;
    }
  }
}
