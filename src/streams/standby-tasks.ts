// Standby tasks (Kafka's StandbyTask, num.standby.replicas): copies of another instance's
// stateful tasks, kept by following their changelog partitions with one consumer
// (read_committed). A standby never processes; when the assignment makes its task active
// here, KafkaStreams takes it over with its stores and restores only the changelog's tail
// past the standby's position, instead of the whole changelog.
import { Consumer, type TopicPartition } from '../client/index.js';
import { checkpointKey, type CheckpointOffsets } from './state/checkpoint-file.js';
import type { StreamTask } from './stream-task.js';

export interface StandbyHost {
  bootstrapServers: () => string | string[];
  /** A task of the topology, not started: its stores are opened here. */
  makeTask(taskId: string): StreamTask | null;
  /** The changelog partitions of a task's logged stores, by store name. */
  changelogs(task: StreamTask): Map<string, TopicPartition>;
  /** Runs `fn` when no processing, commit or rebalance step is under way. */
  exclusive(fn: () => Promise<void>): Promise<void>;
  onError(err: Error): void;
}

interface Standby {
  task: StreamTask;
  /** changelog partition key → store name */
  stores: Map<string, string>;
}

export class StandbyTasks {
  private readonly standbys = new Map<string, Standby>();
  /** Next offset to apply per changelog partition. */
  private readonly positions: CheckpointOffsets = new Map();
  private consumer: Consumer | null = null;

  constructor(private readonly host: StandbyHost) {}

  taskIds(): string[] {
    return [...this.standbys.keys()].sort();
  }

  /** A standby's stores, for stale interactive queries. */
  task(taskId: string): StreamTask | undefined {
    return this.standbys.get(taskId)?.task;
  }

  /** Keeps exactly the standbys in `taskIds` (less those that run here as active tasks). */
  async update(taskIds: readonly string[]): Promise<void> {
    const wanted = new Set(taskIds);
    let changed = false;
    for (const id of [...this.standbys.keys()]) {
      if (wanted.has(id)) continue;
      await this.drop(id);
      changed = true;
    }
    for (const id of wanted) {
      if (this.standbys.has(id)) continue;
      changed = true;
      const task = this.host.makeTask(id);
      if (task === null) continue;
      task.initStores();
      const stores = new Map<string, string>();
      for (const [name, tp] of this.host.changelogs(task)) {
        const key = checkpointKey(tp.topic, tp.partition);
        stores.set(key, name);
        this.positions.set(key, 0n);
      }
      this.standbys.set(id, { task, stores });
    }
    if (changed) await this.follow();
  }

  /**
   * Hands a standby over to become active: its task, with the positions its stores have
   * reached (to restore from), or undefined when there is no standby of it.
   */
  async take(
    taskId: string,
  ): Promise<{ task: StreamTask; positions: CheckpointOffsets } | undefined> {
    const s = this.standbys.get(taskId);
    if (s === undefined) return undefined;
    this.standbys.delete(taskId);
    const positions: CheckpointOffsets = new Map();
    for (const key of s.stores.keys()) {
      positions.set(key, this.positions.get(key) ?? 0n);
      this.positions.delete(key);
    }
    await this.follow();
    return { task: s.task, positions };
  }

  async close(): Promise<void> {
    this.consumer?.close();
    this.consumer = null;
    for (const id of [...this.standbys.keys()]) await this.drop(id);
  }

  private async drop(id: string): Promise<void> {
    const s = this.standbys.get(id)!;
    this.standbys.delete(id);
    for (const key of s.stores.keys()) this.positions.delete(key);
    await s.task.close();
  }

  /** (Re)assigns the follower consumer to the standbys' changelog partitions. */
  private async follow(): Promise<void> {
    this.consumer?.close();
    this.consumer = null;
    if (this.positions.size === 0) return;
    const consumer = new Consumer({
      bootstrapServers: this.host.bootstrapServers(),
      isolationLevel: 'read_committed',
      autoOffsetReset: 'earliest',
    });
    this.consumer = consumer;
    await consumer.connect();
    consumer.assign(
      [...this.positions].map(([key, offset]) => {
        const [topic, partition] = key.split('\u0000') as [string, string];
        return { topic, partition: Number(partition), offset };
      }),
    );
    void (async () => {
      for await (const batch of consumer.batches()) {
        const key = checkpointKey(batch.topic, batch.partition);
        await this.host.exclusive(async () => {
          if (this.consumer !== consumer) return;
          const s = [...this.standbys.values()].find((x) => x.stores.has(key));
          const store = s?.task.stores.get(s.stores.get(key)!);
          if (store === undefined) return;
          for (const r of batch.records) store.restore(r.key ?? Buffer.alloc(0), r.value);
          this.positions.set(key, batch.nextOffset);
        });
      }
    })().catch((err: Error) => {
      if (this.consumer === consumer) this.host.onError(err);
    });
  }
}
