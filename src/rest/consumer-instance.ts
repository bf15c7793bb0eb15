// One v2 consumer instance: a consumer in a group, either subscribed (group membership,
// partitions assigned by the group) or with partitions assigned by hand (no membership, the
// group only keeps its offsets), as Kafka's consumer is. Its operations run one at a time, in
// the order they arrive. A poll waits for records up to its timeout and returns as soon as it
// has some and no more are ready at once, keeping what exceeds max_bytes for the next poll.
import {
  Consumer,
  GroupConsumer,
  commitOffsets,
  fetchCommittedOffsets,
  type ClusterOptions,
  type ConsumerBatch,
  type ConsumerRecord,
  type TopicPartition,
} from '../client/index.js';
import { SerialQueue } from '../util/serial-queue.js';
import { illegalState } from './rest-errors.js';
import type { EmbeddedFormat } from './v2-media-types.js';

export interface ConsumerInstanceOptions {
  group: string;
  name: string;
  format: EmbeddedFormat;
  autoOffsetReset: 'earliest' | 'latest' | 'none';
  autoCommit: boolean;
  fetchMinBytes: number | undefined;
  /** consumer.request.timeout.ms of this instance: the default poll wait. */
  requestTimeoutMs: number;
  cluster: ClusterOptions;
}

interface PendingBatch {
  promise: Promise<IteratorResult<ConsumerBatch>>;
  settled: boolean;
  /** Partitions sought after this batch was fetched: its records of them are dropped. */
  stale: Set<string>;
}

const keyOf = (tp: TopicPartition) => `${tp.topic}\u0000${tp.partition}`;

export class ConsumerInstance {
  readonly options: ConsumerInstanceOptions;
  lastUsedMs = Date.now();
  private readonly queue = new SerialQueue();
  private group: GroupConsumer | null = null;
  private manual: Consumer | null = null;
  private iterator: AsyncIterator<ConsumerBatch> | null = null;
  private pending: PendingBatch | null = null;
  private leftover: ConsumerRecord[] = [];
  /** The offset after the last record returned, per partition: what a bare commit commits. */
  private readonly fetched = new Map<string, TopicPartition & { offset: bigint }>();
  private subscription: string[] | { pattern: string } | null = null;
  private closed = false;

  constructor(options: ConsumerInstanceOptions) {
    this.options = options;
  }

  /** Runs an operation after the ones before it; the instance counts as used meanwhile. */
  run<T>(op: () => Promise<T> | T): Promise<T> {
    this.lastUsedMs = Date.now();
    return this.queue.run(op).finally(() => {
      this.lastUsedMs = Date.now();
    });
  }

  get busy(): boolean {
    return this.queue.size > 0;
  }

  async subscribe(subscription: string[] | { pattern: string }): Promise<void> {
    if (this.manual !== null) {
      throw illegalState('Subscription to topics, partitions and pattern are mutually exclusive.');
    }
    if (this.group === null) {
      this.group = new GroupConsumer({
        ...this.consumerOptions(),
        groupId: this.options.group,
        autoCommit: this.options.autoCommit,
      });
      await this.group.connect();
      this.resetIterator();
    }
    this.subscription = subscription;
    this.group.subscribe(
      Array.isArray(subscription) ? subscription : { pattern: subscription.pattern },
    );
  }

  subscribed(): string[] | { pattern: string } | null {
    return this.subscription;
  }

  async unsubscribe(): Promise<void> {
    const group = this.group;
    this.group = null;
    this.subscription = null;
    this.resetIterator();
    await group?.close();
  }

  async assign(partitions: TopicPartition[]): Promise<void> {
    if (this.group !== null) {
      throw illegalState('Subscription to topics, partitions and pattern are mutually exclusive.');
    }
    if (this.manual === null) {
      this.manual = new Consumer(this.consumerOptions());
      await this.manual.connect();
      this.resetIterator();
    }
    // As Kafka's consumer does, a partition starts from the group's committed offset.
    const committed =
      partitions.length === 0
        ? []
        : await fetchCommittedOffsets(this.manual.cluster, this.options.group, { partitions });
    this.manual.assign(
      partitions.map((tp) => {
        const c = committed.find((o) => o.topic === tp.topic && o.partition === tp.partition);
        return c !== undefined && c.offset >= 0n ? { ...tp, offset: c.offset } : tp;
      }),
    );
    this.leftover = this.leftover.filter((r) => partitions.some((tp) => keyOf(tp) === keyOf(r)));
  }

  assignment(): TopicPartition[] {
    return this.manual?.assignment() ?? this.group?.assignment() ?? [];
  }

  /** Moves partitions to an offset or to their start or end. */
  seek(partitions: (TopicPartition & { offset: bigint | 'earliest' | 'latest' })[]): void {
    const assigned = new Set(this.assignment().map(keyOf));
    for (const p of partitions) {
      if (!assigned.has(keyOf(p))) {
        throw illegalState(`No current assignment for partition ${p.topic}-${p.partition}`);
      }
    }
    for (const p of partitions) {
      const tp = { topic: p.topic, partition: p.partition };
      if (this.manual !== null) this.manual.seek(tp, p.offset);
      else this.group!.seek(tp, p.offset);
      this.leftover = this.leftover.filter((r) => keyOf(r) !== keyOf(tp));
      if (this.pending?.settled === true) this.pending.stale.add(keyOf(tp));
    }
  }

  /** Records up to `maxBytes` of keys and values, waiting at most `timeoutMs` for the first. */
  async poll(timeoutMs: number, maxBytes: number): Promise<ConsumerRecord[]> {
    if (this.group === null && this.manual === null) {
      throw illegalState('Consumer is not subscribed to any topics or assigned any partitions');
    }
    const out: ConsumerRecord[] = [];
    let bytes = 0;
    let full = false;
    const take = (records: ConsumerRecord[]) => {
      for (let i = 0; i < records.length; i++) {
        const r = records[i]!;
        const size = (r.key?.length ?? 0) + (r.value?.length ?? 0);
        if (out.length > 0 && bytes + size > maxBytes) {
          this.leftover = records.slice(i).concat(this.leftover);
          full = true;
          return;
        }
        out.push(r);
        bytes += size;
        this.fetched.set(keyOf(r), {
          topic: r.topic,
          partition: r.partition,
          offset: r.offset + 1n,
        });
      }
    };
    if (this.leftover.length > 0) {
      const held = this.leftover;
      this.leftover = [];
      take(held);
    }
    const deadline = Date.now() + timeoutMs;
    while (!full) {
      const waitMs = out.length > 0 ? 0 : deadline - Date.now();
      const batch = await this.nextBatch(waitMs);
      if (batch === null) break;
      take(batch.records);
    }
    return out;
  }

  /** Commits the given offsets, or those after every record returned so far. */
  async commit(
    offsets?: (TopicPartition & { offset: bigint })[],
  ): Promise<(TopicPartition & { offset: bigint })[]> {
    const list = offsets ?? [...this.fetched.values()];
    if (list.length === 0) return list;
    if (this.group !== null) await this.group.commit(list);
    else if (this.manual !== null)
      await commitOffsets(this.manual.cluster, this.options.group, list);
    else throw illegalState('Consumer is not subscribed to any topics or assigned any partitions');
    return list;
  }

  /** The group's committed offsets of the given partitions (-1 for none). */
  async committed(partitions: TopicPartition[]) {
    const cluster = this.group?.cluster ?? this.manual?.cluster;
    if (cluster === undefined || partitions.length === 0) return [];
    return fetchCommittedOffsets(cluster, this.options.group, { partitions });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.resetIterator();
    await this.group?.close();
    this.manual?.close();
  }

  private consumerOptions() {
    return {
      ...this.options.cluster,
      clientId: this.options.name,
      autoOffsetReset: this.options.autoOffsetReset,
      ...(this.options.fetchMinBytes === undefined
        ? {}
        : { fetchMinBytes: this.options.fetchMinBytes }),
    };
  }

  private resetIterator(): void {
    this.iterator = null;
    this.pending = null;
    this.leftover = [];
  }

  /** The next fetched batch, waiting at most `waitMs` (0: only one ready now); null if none. */
  private async nextBatch(waitMs: number): Promise<ConsumerBatch | null> {
    if (this.iterator === null) {
      const source = this.group ?? this.manual;
      if (source === null) return null;
      this.iterator = source.batches()[Symbol.asyncIterator]();
    }
    if (this.pending === null) {
      const pending: PendingBatch = {
        promise: this.iterator.next(),
        settled: false,
        stale: new Set(),
      };
      pending.promise.then(
        () => (pending.settled = true),
        () => (pending.settled = true),
      );
      this.pending = pending;
    }
    const pending = this.pending;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      if (waitMs <= 0) setImmediate(() => resolve(null));
      else timer = setTimeout(() => resolve(null), waitMs);
    });
    let result: IteratorResult<ConsumerBatch> | null;
    try {
      result = await Promise.race([pending.promise, timeout]);
    } catch (err) {
      this.pending = null;
      this.iterator = null;
      throw err;
    } finally {
      clearTimeout(timer);
    }
    if (result === null) return null;
    this.pending = null;
    if (result.done === true) {
      this.iterator = null;
      return null;
    }
    const batch = result.value;
    if (pending.stale.has(keyOf(batch))) return { ...batch, records: [] };
    return batch;
  }
}
