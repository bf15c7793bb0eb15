// A StreamTask runs one sub-topology for one partition (Kafka's StreamTask): it owns a
// processor instance per node and the task's stores, keeps stream time (the largest timestamp
// seen), runs punctuations, and hands every sink and changelog record to a RecordCollector.
// The test driver and the KafkaStreams runtime both drive tasks, so a topology behaves the
// same under either.
import {
  PunctuationType,
  StreamRecord,
  type Cancellable,
  type Processor,
  type ProcessorContext,
  type Punctuator,
  type RecordHeader,
  type RecordMetadata,
} from './processor.js';
import { CachingKeyValueStore } from './state/caching-key-value-store.js';
import type { StateStore } from './state/state-store.js';
import type { ThreadCache } from './state/thread-cache.js';
import type { SinkNode, SourceNode, SubTopology, Topology, TopologyNode } from './topology.js';

export interface OutgoingRecord {
  topic: string;
  key: Buffer | null;
  value: Buffer | null;
  timestamp: number;
  headers: readonly RecordHeader[];
  /** A fixed partition, or one chosen from the topic's partition count. */
  partition?: number | ((numPartitions: number) => number | undefined);
}

export interface RecordCollector {
  send(record: OutgoingRecord): void;
}

export interface IncomingRecord {
  topic: string;
  partition: number;
  offset: bigint;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: readonly RecordHeader[];
}

export interface TaskOptions {
  applicationId: string;
  collector: RecordCollector;
  nowMs: () => number;
  /** The full name of an internal topic (`<application.id>-<name>`), or the name itself. */
  topicName: (name: string) => string;
  /** Called when a record cannot be deserialized: true continues, false fails. */
  onDeserializationError?: (record: IncomingRecord, err: Error) => boolean;
  /** state.dir/<application.id>: tasks keep persistent stores in <this>/<task id>. */
  stateDir?: string;
  /** The instance's global stores, shared by all its tasks. */
  globalStores?: ReadonlyMap<string, StateStore>;
  /** The thread's record cache (statestore.cache.max.bytes); absent: stores do not cache. */
  cache?: ThreadCache | null;
}

interface Schedule {
  type: PunctuationType;
  intervalMs: number;
  nextMs: number;
  node: string;
  punctuator: Punctuator;
  cancelled: boolean;
}

export class StreamTask {
  readonly id: string;
  readonly stores = new Map<string, StateStore>();
  private readonly processors = new Map<string, Processor<unknown, unknown, unknown, unknown>>();
  private readonly schedules: Schedule[] = [];
  private streamTimeMs = -1;
  private current: RecordMetadata | null = null;
  private currentTimestampMs = 0;
  commitRequested = false;

  constructor(
    private readonly topology: Topology,
    readonly subTopology: SubTopology,
    readonly partition: number,
    private readonly o: TaskOptions,
  ) {
    this.id = `${subTopology.id}_${partition}`;
    for (const name of subTopology.stores) {
      this.stores.set(name, topology.storeBuilders.get(name)!.build());
    }
  }

  /** Opens the stores and initializes the processors. */
  init(): void {
    this.initStores();
    this.initProcessors();
  }

  /**
   * Opens the stores (before restoration fills them). `localStateValid` names the persistent
   * stores whose copy on disk a checkpoint vouches for: they keep it and restore the tail.
   */
  initStores(options: { localStateValid?: (store: string) => boolean } = {}): void {
    for (const [name, store] of this.stores) {
      const builder = this.topology.storeBuilders.get(name)!;
      const changelog = this.o.topicName(`${name}-changelog`);
      store.init({
        streamTimeMs: () => this.streamTimeMs,
        stateDir: this.o.stateDir === undefined ? null : `${this.o.stateDir}/${this.id}`,
        cache: this.o.cache ?? null,
        localStateValid: options.localStateValid?.(name) ?? false,
        recordTimestamp: {
          get: () => this.currentTimestampMs,
          set: (ms) => (this.currentTimestampMs = ms),
        },
        changeLogger: builder.loggingEnabled
          ? {
              log: (key, value) =>
                this.o.collector.send({
                  topic: changelog,
                  partition: this.partition,
                  key,
                  value,
                  timestamp: this.currentTimestampMs,
                  headers: [],
                }),
            }
          : null,
      });
    }
  }

  /** Initializes the processors (after restoration: they may read their stores). */
  initProcessors(): void {
    for (const node of this.subTopology.nodes) {
      if (node.kind !== 'processor') continue;
      const p = node.supplier();
      this.processors.set(node.name, p);
      p.init?.(this.context(node.name));
    }
  }

  get streamTime(): number {
    return this.streamTimeMs;
  }

  /** Processes one input record, then any stream-time punctuation that became due. */
  process(r: IncomingRecord): void {
    const source = this.sources.get(r.topic) ?? this.sourceOf(r.topic);
    let key: unknown;
    let value: unknown;
    try {
      key = source.keyDeserializer.deserialize(r.topic, r.key);
      value = source.valueDeserializer.deserialize(r.topic, r.value);
    } catch (err) {
      if (this.o.onDeserializationError?.(r, err as Error) === true) return;
      throw err;
    }
    const extract = source.timestampExtractor;
    const timestamp =
      extract === null
        ? r.timestamp
        : extract({ topic: r.topic, key, value, timestamp: r.timestamp }, this.streamTimeMs);
    // Kafka drops records with a negative timestamp (LogAndSkipOnInvalidTimestamp).
    if (timestamp < 0) return;
    this.streamTimeMs = Math.max(this.streamTimeMs, timestamp);
    this.current = { topic: r.topic, partition: r.partition, offset: r.offset };
    this.currentTimestampMs = timestamp;
    this.forward(source.name, new StreamRecord(key, value, timestamp, r.headers));
    this.current = null;
    this.punctuate(PunctuationType.STREAM_TIME, this.streamTimeMs);
  }

  /** Runs the wall-clock punctuations that are due at nowMs. */
  punctuateWallClock(nowMs: number): void {
    this.punctuate(PunctuationType.WALL_CLOCK_TIME, nowMs);
  }

  /**
   * Flushes the stores. Cached entries go through first, as often as it takes for none to be
   * left: a flush forwards records, which may put into another cached store of the task.
   */
  async flush(): Promise<void> {
    const caches = [...this.stores.values()].filter((s) => s instanceof CachingKeyValueStore);
    for (let round = 0; caches.some((c) => c.hasDirtyEntries); round++) {
      if (round > caches.length) throw new Error(`task ${this.id}: caches keep refilling`);
      for (const c of caches) c.flushCache();
    }
    for (const s of this.stores.values()) await s.flush();
  }

  /** Source nodes by (full) topic name, found once: process() runs for every record. */
  private readonly sources = new Map<string, SourceNode>();

  private sourceOf(topic: string): SourceNode {
    const source = this.subTopology.nodes.find(
      (n) => n.kind === 'source' && n.topics.some((t) => this.o.topicName(t) === topic),
    );
    if (source?.kind !== 'source') throw new Error(`task ${this.id} has no source for ${topic}`);
    this.sources.set(topic, source);
    return source;
  }

  /** Full names of sink topics, made once. */
  private readonly sinkTopics = new Map<string, string>();

  async close(): Promise<void> {
    for (const p of this.processors.values()) p.close?.();
    for (const s of this.stores.values()) await s.close();
  }

  private punctuate(type: PunctuationType, timeMs: number): void {
    if (timeMs < 0) return;
    for (const s of this.schedules) {
      if (s.type !== type || s.cancelled || s.nextMs > timeMs) continue;
      this.currentTimestampMs = timeMs;
      s.punctuator(timeMs);
      // The next one is the first multiple of the interval after timeMs, so missed ones are
      // skipped rather than replayed (as Kafka's PunctuationSchedule.next).
      const next = s.nextMs + s.intervalMs;
      s.nextMs =
        next > timeMs ? next : timeMs - ((timeMs - s.nextMs) % s.intervalMs) + s.intervalMs;
    }
  }

  /** Children per node, computed once: forward() runs for every record at every node. */
  private readonly children = new Map<string, TopologyNode[]>();

  private childrenOf(name: string): TopologyNode[] {
    const list = this.topology.children(name);
    this.children.set(name, list);
    return list;
  }

  private forward(from: string, record: StreamRecord<unknown, unknown>, childName?: string): void {
    const all = this.children.get(from) ?? this.childrenOf(from);
    const children = childName === undefined ? all : all.filter((c) => c.name === childName);
    if (childName !== undefined && children.length === 0)
      throw new Error(`${childName} is not a child of ${from}`);
    for (const child of children) this.deliver(child, record);
  }

  private deliver(node: TopologyNode, record: StreamRecord<unknown, unknown>): void {
    if (node.kind === 'processor') {
      this.processors.get(node.name)!.process(record);
    } else if (node.kind === 'sink') {
      this.sink(node, record);
    }
  }

  private sink(node: SinkNode, record: StreamRecord<unknown, unknown>): void {
    let topic: string;
    if (typeof node.topic === 'string') {
      let full = this.sinkTopics.get(node.topic);
      if (full === undefined)
        this.sinkTopics.set(node.topic, (full = this.o.topicName(node.topic)));
      topic = full;
    } else {
      topic = node.topic(record.key, record.value, this.current);
    }
    const partitioner = node.partitioner;
    this.o.collector.send({
      topic,
      key: node.keySerializer.serialize(topic, record.key),
      value: node.valueSerializer.serialize(topic, record.value),
      timestamp: record.timestamp,
      headers: record.headers,
      partition:
        partitioner === null ? undefined : (n) => partitioner(topic, record.key, record.value, n),
    });
  }

  private context(node: string): ProcessorContext {
    const allowed = this.topology.nodes.get(node);
    return {
      applicationId: this.o.applicationId,
      taskId: this.id,
      forward: (record, childName) => this.forward(node, record, childName),
      recordMetadata: () => this.current,
      getStateStore: <S extends StateStore>(name: string): S => {
        const global = this.o.globalStores?.get(name);
        if (global !== undefined) return global as S;
        if (allowed?.kind !== 'processor' || !allowed.stores.includes(name))
          throw new Error(`processor ${node} has no access to store ${name}`);
        return this.stores.get(name) as S;
      },
      schedule: (intervalMs, type, punctuator): Cancellable => {
        if (intervalMs < 1) throw new Error('the punctuation interval must be at least 1 ms');
        const s: Schedule = {
          type,
          intervalMs,
          // Stream-time punctuation fires with the first record (Kafka aligns it to 0);
          // wall-clock punctuation first fires one interval from now.
          nextMs: type === PunctuationType.STREAM_TIME ? 0 : this.o.nowMs() + intervalMs,
          node,
          punctuator,
          cancelled: false,
        };
        this.schedules.push(s);
        return { cancel: () => (s.cancelled = true) };
      },
      currentStreamTimeMs: () => this.streamTimeMs,
      currentSystemTimeMs: () => this.o.nowMs(),
      commit: () => (this.commitRequested = true),
    };
  }
}
