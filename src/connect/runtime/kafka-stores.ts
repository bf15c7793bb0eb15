// The stores of distributed workers, on compacted topics (KafkaTopicStore), in Kafka Connect's
// record formats (JSON, no schemas): source offsets in `offset.storage.topic` (key
// `["<connector>",{<partition>}]`, value the offset), statuses in `status.storage.topic`
// (key `status-connector-<name>` / `status-task-<name>-<id>`, value
// `{"state","trace","worker_id","generation"}`).
import type { ClusterOptions, ProducerRecord } from '../../client/index.js';
import type { SourcePartition } from '../connector.js';
import { writeJson } from '../converters/json-converter.js';
import { KafkaTopicStore } from './kafka-topic-store.js';
import { OffsetMap, type OffsetBackingStore, type OffsetEntry } from './offset-store.js';
import { MemoryStatusStore, type Status } from './status.js';

export interface TopicSettings {
  topic: string;
  partitions: number;
  replicationFactor: number;
}

export class KafkaOffsetStore implements OffsetBackingStore {
  private readonly map = new OffsetMap();
  private readonly store: KafkaTopicStore;

  constructor(cluster: ClusterOptions, settings: TopicSettings) {
    this.store = new KafkaTopicStore({
      ...cluster,
      ...settings,
      isolationLevel: 'read_committed',
      onRecord: (r) => {
        if (r.key === null) return;
        let key: unknown;
        try {
          key = JSON.parse(r.key.toString('utf8'));
        } catch {
          return;
        }
        if (!Array.isArray(key) || typeof key[0] !== 'string' || typeof key[1] !== 'object') return;
        const offset =
          r.value === null
            ? null
            : (JSON.parse(r.value.toString('utf8')) as Record<string, unknown>);
        this.map.apply(key[0], key[1] as SourcePartition, offset);
      },
    });
  }

  get topic(): string {
    return this.store.topic;
  }

  start(): Promise<void> {
    return this.store.start();
  }

  get(connector: string, partition: SourcePartition) {
    return this.map.get(connector, partition);
  }

  all(connector: string): OffsetEntry[] {
    return this.map.all(connector);
  }

  /** The records that store these offsets (also written inside source transactions). */
  records(connector: string, entries: readonly OffsetEntry[]): Omit<ProducerRecord, 'partition'>[] {
    return entries.map((e) => ({
      topic: this.store.topic,
      key: writeJson([connector, e.partition]),
      value: e.offset === null ? null : writeJson(e.offset),
    }));
  }

  /** Offsets a committed transaction stored: seen at once, before the topic is read back. */
  applied(connector: string, entries: readonly OffsetEntry[]): void {
    for (const e of entries) this.map.apply(connector, e.partition, e.offset);
  }

  async set(connector: string, entries: readonly OffsetEntry[]): Promise<void> {
    await this.store.send(this.records(connector, entries));
    this.applied(connector, entries);
  }

  readToEnd(): Promise<void> {
    return this.store.readToEnd();
  }

  stop(): Promise<void> {
    return this.store.stop();
  }
}

export class KafkaStatusStore extends MemoryStatusStore {
  private readonly store: KafkaTopicStore;

  constructor(cluster: ClusterOptions, settings: TopicSettings) {
    super();
    this.store = new KafkaTopicStore({
      ...cluster,
      ...settings,
      onRecord: (r) => {
        const key = r.key?.toString('utf8') ?? '';
        const value =
          r.value === null
            ? null
            : (JSON.parse(r.value.toString('utf8')) as Record<string, unknown>);
        const status: Status | null =
          value === null
            ? null
            : {
                state: value['state'] as Status['state'],
                trace: (value['trace'] as string | null) ?? null,
                workerId: String(value['worker_id']),
                generation: Number(value['generation'] ?? 0),
              };
        if (key.startsWith('status-connector-')) {
          const name = key.slice('status-connector-'.length);
          if (status === null) this.connectors.delete(name);
          else super.putConnector(name, status);
        } else if (key.startsWith('status-task-')) {
          const rest = key.slice('status-task-'.length);
          const at = rest.lastIndexOf('-');
          const name = rest.slice(0, at);
          const task = Number(rest.slice(at + 1));
          if (status === null) this.taskStates.get(name)?.delete(task);
          else super.putTask(name, task, status);
        }
      },
    });
  }

  start(): Promise<void> {
    return this.store.start();
  }

  stop(): Promise<void> {
    return this.store.stop();
  }

  override putConnector(name: string, status: Status): void {
    super.putConnector(name, status);
    void this.store
      .send([{ key: `status-connector-${name}`, value: encode(status) }])
      .catch(() => undefined);
  }

  override putTask(name: string, task: number, status: Status): void {
    super.putTask(name, task, status);
    void this.store
      .send([{ key: `status-task-${name}-${task}`, value: encode(status) }])
      .catch(() => undefined);
  }

  override remove(name: string): void {
    const tasks = [...this.tasks(name).keys()];
    super.remove(name);
    void this.store
      .send([
        { key: `status-connector-${name}`, value: null },
        ...tasks.map((t) => ({ key: `status-task-${name}-${t}`, value: null })),
      ])
      .catch(() => undefined);
  }
}

function encode(s: Status): string {
  return JSON.stringify({
    state: s.state,
    trace: s.trace,
    worker_id: s.workerId,
    generation: s.generation,
  });
}
