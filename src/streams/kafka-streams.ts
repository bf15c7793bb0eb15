// KafkaStreams runs a topology against a Kafka cluster (Kafka's KafkaStreams with one stream
// thread): it joins the consumer group named by application.id, makes one StreamTask per
// (sub-topology, partition) it is assigned, restores the tasks' stores from their changelogs,
// processes records and commits every commit.interval.ms. With exactly_once_v2 all output,
// changelog writes and consumed offsets of a commit interval go into one transaction.
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Admin,
  Consumer,
  GroupConsumer,
  Producer,
  type ConsumerBatch,
  partitionForKey,
  type ProducerRecord,
  type RecordMetadata,
  type TopicPartition,
} from '../client/index.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import { createInternalTopics, planInternalTopics } from './internal-topics.js';
import type { KeyValue, ReadOnlyKeyValueStore } from './state/key-value-store.js';
import type { StateStore } from './state/state-store.js';
import type { ReadOnlyWindowStore } from './state/window-store.js';
import { readOnlySessionStore, type ReadOnlySessionStore } from './state/session-store.js';
import {
  checkpointKey,
  deleteCheckpoint,
  readCheckpoint,
  writeCheckpoint,
  type CheckpointOffsets,
} from './state/checkpoint-file.js';
import { ThreadCache } from './state/thread-cache.js';
import type { Serializer } from './serdes.js';
import { StandbyTasks } from './standby-tasks.js';
import { StreamTask, type IncomingRecord, type OutgoingRecord } from './stream-task.js';
import {
  NOT_AVAILABLE,
  parseHostInfo,
  streamsAssignor,
  type KeyQueryMetadata,
  type PartitionsByHost,
  type StreamsMetadata,
} from './streams-metadata.js';
import type { SubTopology, Topology } from './topology.js';

export type StreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'PENDING_ERROR'
  | 'ERROR';

export type StreamThreadExceptionResponse =
  'REPLACE_THREAD' | 'SHUTDOWN_CLIENT' | 'SHUTDOWN_APPLICATION';

export type HandlerResponse = 'CONTINUE' | 'FAIL';

export interface StreamsConfig {
  /** application.id: the group id, and the prefix of internal topics. */
  applicationId: string;
  /** bootstrap.servers */
  bootstrapServers: string | string[];
  /** processing.guarantee */
  processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  /** commit.interval.ms (Kafka: 30000, or 100 with exactly-once). */
  commitIntervalMs?: number;
  /** replication.factor of internal topics (-1: the broker's default). */
  replicationFactor?: number;
  /** default.deserialization.exception.handler: LogAndFail (default) or LogAndContinue. */
  deserializationExceptionHandler?:
    'logAndFail' | 'logAndContinue' | ((record: IncomingRecord, err: Error) => HandlerResponse);
  /** default.production.exception.handler: fail (default) or continue past a failed send. */
  productionExceptionHandler?: (record: OutgoingRecord, err: Error) => HandlerResponse;
  /** state.dir: persistent stores live in <state.dir>/<application.id>/<task id> (Kafka: /tmp/kafka-streams). */
  stateDir?: string;
  /** client.id prefix */
  clientId?: string;
  /** The consumer's session.timeout.ms: how soon a dead instance's tasks move. */
  sessionTimeoutMs?: number;
  /** transaction.timeout.ms of the exactly-once producer (Kafka Streams sets 10000). */
  transactionTimeoutMs?: number;
  /**
   * statestore.cache.max.bytes: the record cache of key-value stores (Kafka: 10 MiB); between
   * commits only the last change of a key reaches the changelog and downstream. 0 turns it off.
   */
  statestoreCacheMaxBytes?: number;
  /**
   * application.server: host:port where this instance serves interactive queries; shared
   * with the other instances through the group so queryMetadataForKey can name it.
   */
  applicationServer?: string;
  /**
   * num.standby.replicas: how many other instances keep a copy of each stateful task's stores
   * from its changelog, so that a task moving there restores only the tail (default 0).
   */
  numStandbyReplicas?: number;
  /**
   * fetch.min.bytes and fetch.max.wait.ms of the main consumer. Kafka's defaults are 1 and
   * 500; here they are 65536 and 20: a consumer that reads a repartition topic while the same
   * process writes it otherwise fetches a few records at a time, and word count then runs at
   * a third of the speed (bench/streams/word-count.bench.ts). The cost is up to 20 ms more
   * latency on a quiet topic.
   */
  fetchMinBytes?: number;
  fetchMaxWaitMs?: number;
  logger?: Logger;
}

type Resolved = Required<
  Omit<
    StreamsConfig,
    | 'deserializationExceptionHandler'
    | 'productionExceptionHandler'
    | 'clientId'
    | 'logger'
    | 'applicationServer'
    | 'numStandbyReplicas'
    | 'fetchMinBytes'
    | 'fetchMaxWaitMs'
  >
> &
  StreamsConfig;

export class KafkaStreams {
  private stateValue: StreamsState = 'CREATED';
  private readonly listeners: ((next: StreamsState, old: StreamsState) => void)[] = [];
  private exceptionHandler: ((err: Error) => StreamThreadExceptionResponse) | null = null;
  private readonly c: Resolved;
  private readonly log: Logger;
  private readonly processId = randomUUID();
  private admin: Admin | null = null;
  private consumer: GroupConsumer | null = null;
  private producer: Producer | null = null;
  private globalConsumer: Consumer | null = null;
  private readonly globalStores = new Map<string, StateStore>();
  private readonly tasks = new Map<string, StreamTask>();
  private subs: SubTopology[] = [];
  /** Offsets (next to read) of processed records, not committed yet. */
  private readonly consumed = new Map<string, TopicPartition & { offset: bigint }>();
  private inTransaction = false;
  private lock: Promise<unknown> = Promise.resolve();
  private assigning: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private lastCommitMs = Date.now();
  private sendError: Error | null = null;
  private loop: Promise<void> | null = null;
  private threadCount = 0;
  /** The record cache of the stream thread (one thread: the whole budget). */
  private cache: ThreadCache | null = null;
  /** Per changelog partition: the next offset past what this instance wrote or restored. */
  private readonly changelogOffsets: CheckpointOffsets = new Map();
  /** Sends not answered yet: a checkpoint waits for them to know the changelog offsets. */
  private readonly pendingSends = new Set<Promise<unknown>>();
  /** What each instance with an application.server runs, from the last assignment. */
  private hosts: PartitionsByHost = new Map();
  /** The standby tasks the last assignment gave this instance. */
  private standbyIds: string[] = [];
  private readonly standbys: StandbyTasks = this.makeStandbys();

  private makeStandbys(): StandbyTasks {
    return new StandbyTasks({
      bootstrapServers: () => this.c.bootstrapServers,
      makeTask: (id) => {
        const at = id.lastIndexOf('_');
        const sub = this.subs.find((s) => String(s.id) === id.slice(0, at));
        return sub === undefined ? null : this.newTask(sub, Number(id.slice(at + 1)));
      },
      changelogs: (task) => {
        const out = new Map<string, TopicPartition>();
        for (const name of task.stores.keys()) {
          if (!this.topology.storeBuilders.get(name)!.loggingEnabled) continue;
          out.set(name, { topic: this.topicName(`${name}-changelog`), partition: task.partition });
        }
        return out;
      },
      exclusive: (fn) => this.exclusive(fn),
      onError: (err) => void this.fail(err),
    });
  }

  constructor(
    private readonly topology: Topology,
    config: StreamsConfig,
  ) {
    const eos = config.processingGuarantee === 'exactly_once_v2';
    this.c = {
      processingGuarantee: 'at_least_once',
      commitIntervalMs: eos ? 100 : 30_000,
      replicationFactor: -1,
      sessionTimeoutMs: 45_000,
      transactionTimeoutMs: 10_000,
      statestoreCacheMaxBytes: 10 * 1024 * 1024,
      ...config,
    } as Resolved;
    this.log = config.logger ?? silentLogger;
    if (config.applicationServer !== undefined) parseHostInfo(config.applicationServer);
  }

  get state(): StreamsState {
    return this.stateValue;
  }

  setStateListener(listener: (newState: StreamsState, oldState: StreamsState) => void): void {
    this.listeners.push(listener);
  }

  setUncaughtExceptionHandler(handler: (err: Error) => StreamThreadExceptionResponse): void {
    this.exceptionHandler = handler;
  }

  /** Creates the internal topics, loads global stores and joins the group. */
  async start(): Promise<void> {
    if (this.stateValue !== 'CREATED') throw new Error(`cannot start in state ${this.stateValue}`);
    this.setState('REBALANCING');
    try {
      this.admin = new Admin({ bootstrapServers: this.c.bootstrapServers });
      await this.admin.connect();
      const plan = await planInternalTopics(this.admin, this.topology, (n) => this.topicName(n));
      await createInternalTopics(this.admin, plan, this.c.replicationFactor);
      await this.startGlobal();
    } catch (err) {
      this.setState('PENDING_ERROR');
      await this.shutdownClients();
      this.setState('ERROR');
      throw err;
    }
    this.subs = this.topology.subTopologies();
    this.startThread();
    this.timer = setInterval(
      () => void this.exclusive(() => this.tick()).catch((e: Error) => this.fail(e)),
      50,
    );
  }

  /** Commits, closes the tasks and leaves the group. */
  async close(): Promise<void> {
    if (this.stateValue === 'NOT_RUNNING' || this.stateValue === 'ERROR') return;
    this.setState('PENDING_SHUTDOWN');
    await this.stopThread(true);
    await this.shutdownClients();
    this.setState('NOT_RUNNING');
  }

  /** A read-only view of a key-value store over the tasks of this instance (interactive queries). */
  store<K, V>(
    name: string,
    options: { enableStaleStores?: boolean } = {},
  ): ReadOnlyKeyValueStore<K, V> {
    // Stale stores (Kafka's StoreQueryParameters.enableStaleStores): standby copies too.
    const stores = () =>
      this.localStores<ReadOnlyKeyValueStore<K, V> & StateStore>(
        name,
        options.enableStaleStores === true,
      );
    return {
      get: (key) => {
        for (const s of stores()) {
          const v = s.get(key);
          if (v !== null) return v;
        }
        return null;
      },
      range: (from, to) => stores().flatMap((s) => s.range(from, to)),
      all: (): KeyValue<K, V>[] => stores().flatMap((s) => s.all()),
      approximateNumEntries: () => stores().reduce((n, s) => n + s.approximateNumEntries(), 0),
    };
  }

  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    const stores = () => this.localStores<ReadOnlyWindowStore<K, V> & StateStore>(name);
    return {
      fetch: (key, start) => {
        for (const s of stores()) {
          const v = s.fetch(key, start);
          if (v !== null) return v;
        }
        return null;
      },
      fetchRange: (key, from, to) => stores().flatMap((s) => s.fetchRange(key, from, to)),
      fetchKeyRange: (kf, kt, from, to) =>
        stores().flatMap((s) => s.fetchKeyRange(kf, kt, from, to)),
      fetchAll: (from, to) => stores().flatMap((s) => s.fetchAll(from, to)),
      all: () => stores().flatMap((s) => s.all()),
    };
  }

  /** A read-only view of a session store over the tasks of this instance. */
  sessionStore<K, V>(name: string): ReadOnlySessionStore<K, V> {
    return readOnlySessionStore(() =>
      this.localStores<ReadOnlySessionStore<K, V> & StateStore>(name),
    );
  }

  /** Every instance with an application.server, what it runs and which stores it has. */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    return [...this.hosts.values()].map(({ hostInfo, partitions }) => ({
      hostInfo,
      topicPartitions: partitions,
      stateStoreNames: this.subs
        .filter((sub) => partitions.some((tp) => this.readsTopic(sub, tp.topic)))
        .flatMap((sub) => sub.stores)
        .sort(),
    }));
  }

  /** The instances that run a task with `storeName`. */
  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    return this.metadataForAllStreamsClients().filter((m) => m.stateStoreNames.includes(storeName));
  }

  /**
   * Where the store holding `key` lives: the partition the default partitioner gives the
   * key's bytes among the store's sub-topology's input partitions, and the instance running it.
   */
  queryMetadataForKey<K>(storeName: string, key: K, serializer: Serializer<K>): KeyQueryMetadata {
    const sub = this.subs.find((s) => s.stores.includes(storeName));
    if (sub === undefined) throw new Error(`no task of this topology has a store ${storeName}`);
    const topic = this.topicName(sub.sourceTopics[0]!);
    const count = this.consumer?.cluster.topics.get(topic)?.partitions.length;
    const bytes = serializer.serialize(topic, key);
    if (count === undefined || bytes === null)
      return { activeHost: NOT_AVAILABLE, standbyHosts: [], partition: -1 };
    const partition = partitionForKey(bytes, count);
    const owner = [...this.hosts.values()].find((h) =>
      h.partitions.some((tp) => tp.partition === partition && this.readsTopic(sub, tp.topic)),
    );
    const task = `${sub.id}_${partition}`;
    const standbyHosts = [...this.hosts.values()]
      .filter((h) => h.standbyTasks.includes(task))
      .map((h) => h.hostInfo);
    return { activeHost: owner?.hostInfo ?? NOT_AVAILABLE, standbyHosts, partition };
  }

  private readsTopic(sub: SubTopology, topic: string): boolean {
    return this.subOf(topic) === sub;
  }

  /** The tasks this instance runs now (ids `<sub-topology>_<partition>`). */
  localTaskIds(): string[] {
    return [...this.tasks.keys()].sort();
  }

  private localStores<S extends StateStore>(name: string, stale = false): S[] {
    const global = this.globalStores.get(name);
    if (global !== undefined) return [global as S];
    const standbys = stale ? this.standbys.taskIds().map((id) => this.standbys.task(id)!) : [];
    return [...this.tasks.values(), ...standbys].flatMap((t) => {
      const s = t.stores.get(name);
      return s === undefined ? [] : [s as S];
    });
  }

  private get eos(): boolean {
    return this.c.processingGuarantee === 'exactly_once_v2';
  }

  /** Internal topics carry the application id; others keep their names. */
  private topicName(name: string): string {
    return this.topology.internalTopics.has(name) || name.endsWith('-changelog')
      ? `${this.c.applicationId}-${name}`
      : name;
  }

  private setState(next: StreamsState): void {
    const old = this.stateValue;
    if (old === next) return;
    this.stateValue = next;
    this.log.info(`State transition from ${old} to ${next}`);
    for (const l of this.listeners) l(next, old);
  }

  private startThread(): void {
    const thread = this.threadCount++;
    const cacheBytes = this.c.statestoreCacheMaxBytes;
    this.cache = cacheBytes > 0 ? new ThreadCache(cacheBytes) : null;
    const clientId = `${this.c.clientId ?? this.c.applicationId}-${this.processId}-StreamThread-${thread + 1}`;
    this.producer = new Producer({
      bootstrapServers: this.c.bootstrapServers,
      clientId: `${clientId}-producer`,
      lingerMs: this.eos ? 0 : 5,
      ...(this.eos
        ? {
            // EOS v2: one transactional producer per thread (KIP-447).
            transactionalId: `${this.c.applicationId}-${this.processId}-${thread + 1}`,
            transactionTimeoutMs: this.c.transactionTimeoutMs,
          }
        : {}),
    });
    this.consumer = new GroupConsumer({
      bootstrapServers: this.c.bootstrapServers,
      clientId: `${clientId}-consumer`,
      groupId: this.c.applicationId,
      autoCommit: false,
      autoOffsetReset: 'earliest',
      isolationLevel: this.eos ? 'read_committed' : 'read_uncommitted',
      sessionTimeoutMs: this.c.sessionTimeoutMs,
      fetchMinBytes: this.c.fetchMinBytes ?? 65_536,
      fetchMaxWaitMs: this.c.fetchMaxWaitMs ?? 20,
      heartbeatIntervalMs: Math.min(3000, Math.floor(this.c.sessionTimeoutMs / 3)),
      // Range assignment gives a member the same partition numbers of every co-partitioned
      // topic, which is what a task (one partition of each of its topics) needs; the host
      // map for interactive queries travels in the assignment's userData.
      assignors: [
        streamsAssignor({
          endpoint: this.c.applicationServer ?? null,
          onHosts: (hosts) => (this.hosts = hosts),
          standbyReplicas: this.c.numStandbyReplicas ?? 0,
          statefulTask: (topic, partition) => {
            const sub = this.subOf(topic);
            const logged = sub?.stores.some(
              (n) => this.topology.storeBuilders.get(n)!.loggingEnabled,
            );
            return sub !== undefined && logged === true ? `${sub.id}_${partition}` : null;
          },
          onStandbyTasks: (ids) => (this.standbyIds = ids),
        }),
      ],
      rebalanceListener: {
        onPartitionsAssigned: (tps) => this.onAssigned(tps),
        onPartitionsRevoked: (tps) => this.exclusive(() => this.onRevoked(tps, true)),
        onPartitionsLost: (tps) => this.exclusive(() => this.onRevoked(tps, false)),
        // Also after a rebalance that left this instance nothing to do: it is running, idle.
        onRebalanceComplete: () => this.onRebalanceComplete(),
      },
    });
    this.loop = this.run(this.consumer, this.producer);
  }

  private async run(consumer: GroupConsumer, producer: Producer): Promise<void> {
    try {
      await producer.connect();
      if (this.eos) await producer.initTransactions();
      await consumer.connect();
      const topics = [...new Set(this.subs.flatMap((s) => s.sourceTopics))].map((t) =>
        this.topicName(t),
      );
      consumer.subscribe(topics);
      for await (const batch of consumer.batches()) {
        await this.exclusive(() => this.processBatch(batch));
      }
    } catch (err) {
      if (this.consumer === consumer) await this.fail(err as Error);
    }
  }

  private async processBatch(batch: ConsumerBatch): Promise<void> {
    await this.assigning;
    if (this.sendError !== null) throw this.sendError;
    const sub = this.subOf(batch.topic);
    const task = sub && this.tasks.get(`${sub.id}_${batch.partition}`);
    if (task === undefined) return;
    for (const r of batch.records) task.process(r);
    const last = batch.records[batch.records.length - 1];
    if (last !== undefined)
      this.consumed.set(`${last.topic}\u0000${last.partition}`, {
        topic: last.topic,
        partition: last.partition,
        offset: last.offset + 1n,
      });
    this.sendOutgoing();
    if (task.commitRequested) await this.commit();
  }

  /** The sub-topology reading a (full) topic name, found once per topic. */
  private readonly subByTopic = new Map<string, SubTopology | undefined>();

  private subOf(topic: string): SubTopology | undefined {
    if (this.subByTopic.has(topic)) return this.subByTopic.get(topic);
    const sub = this.subs.find((s) => s.sourceTopics.some((t) => this.topicName(t) === topic));
    this.subByTopic.set(topic, sub);
    return sub;
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const t of this.tasks.values()) t.punctuateWallClock(now);
    this.sendOutgoing();
    if (now - this.lastCommitMs >= this.c.commitIntervalMs) await this.commit();
  }

  /**
   * Commits: flushes stores and output, then commits the consumed offsets — in the open
   * transaction with exactly-once, so output, changelogs and offsets become visible together.
   */
  private async commit(): Promise<void> {
    this.lastCommitMs = Date.now();
    const consumer = this.consumer;
    const producer = this.producer;
    if (consumer === null || producer === null) return;
    for (const t of this.tasks.values()) {
      await t.flush();
      t.commitRequested = false;
    }
    this.sendOutgoing();
    const offsets = [...this.consumed.values()];
    if (this.eos) {
      if (!this.inTransaction && offsets.length === 0) return;
      if (!this.inTransaction) this.begin(producer);
      if (offsets.length > 0)
        await producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      await producer.commitTransaction();
      this.inTransaction = false;
    } else {
      await producer.flush();
      if (offsets.length > 0) await consumer.commit(offsets);
    }
    if (this.sendError !== null) throw this.sendError;
    // At least once, a checkpoint after each commit; exactly once, only on a clean close.
    if (!this.eos) await this.writeCheckpoints(this.tasks.values());
    for (const o of offsets) {
      const key = `${o.topic}\u0000${o.partition}`;
      if (this.consumed.get(key) === o) this.consumed.delete(key);
    }
  }

  private begin(producer: Producer): void {
    producer.beginTransaction();
    this.inTransaction = true;
  }

  /** Records of the batch being processed, sent together when it is done. */
  private outgoing: ProducerRecord[] = [];
  /** The first record of each outgoing one, for the production exception handler. */
  private outgoingSources: OutgoingRecord[] = [];

  /** Turns a task's record into a producer record at once: one object per record, not two. */
  private collect(record: OutgoingRecord): void {
    let partition: number | undefined;
    if (typeof record.partition === 'number') partition = record.partition;
    else if (record.partition !== undefined) {
      // A StreamPartitioner needs the topic's partition count: the producer's metadata has it
      // once the topic has been written to; until then the default partitioner chooses.
      const count = this.producer?.cluster.usableTopic(record.topic)?.partitions.length;
      if (count !== undefined) partition = record.partition(count);
    }
    this.outgoing.push({
      topic: record.topic,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp,
      ...(record.headers.length > 0 ? { headers: record.headers } : {}),
      ...(partition !== undefined ? { partition } : {}),
    });
    if (this.outgoingSources.length === 0) this.outgoingSources.push(record);
  }

  /**
   * Sends the collected records with one sendBatch: one promise and one buffer reservation
   * for a whole input batch, where a send per record would cost each of them. A failed batch
   * goes to the production exception handler with its first record.
   */
  private sendOutgoing(): void {
    const producer = this.producer;
    const records = this.outgoing;
    const first = this.outgoingSources[0];
    this.outgoing = [];
    this.outgoingSources = [];
    if (producer === null || records.length === 0) return;
    if (this.eos && !this.inTransaction) this.begin(producer);
    const sent = producer.sendBatch(records).then(
      (metadata) => this.trackChangelogOffsets(metadata),
      (err: Error) => {
        const handler = this.c.productionExceptionHandler;
        if (handler !== undefined && handler(first!, err) === 'CONTINUE') return;
        this.sendError ??= err;
      },
    );
    this.pendingSends.add(sent);
    void sent.finally(() => this.pendingSends.delete(sent));
  }

  /** Remembers how far this instance has written each changelog partition (for checkpoints). */
  private trackChangelogOffsets(metadata: readonly RecordMetadata[]): void {
    for (const m of metadata) {
      if (m.offset < 0n || !m.topic.endsWith('-changelog')) continue;
      const key = checkpointKey(m.topic, m.partition);
      const next = m.offset + 1n;
      if ((this.changelogOffsets.get(key) ?? -1n) < next) this.changelogOffsets.set(key, next);
    }
  }

  /** Makes the tasks of newly assigned partitions and restores their stores. */
  private onAssigned(tps: TopicPartition[]): Promise<void> {
    const work = this.createTasks(tps);
    this.assigning = work.catch(() => {});
    return work.catch((err: Error) => this.fail(err));
  }

  /** The rebalance is over and the new tasks are restored (or there are none): RUNNING. */
  private async onRebalanceComplete(): Promise<void> {
    await this.assigning;
    if (this.stateValue === 'REBALANCING') this.setState('RUNNING');
    // Standbys are opened after: they never hold up processing.
    const standbys = this.standbyIds.filter((id) => !this.tasks.has(id));
    await this.exclusive(() => this.standbys.update(standbys)).catch((e: Error) => this.fail(e));
  }

  private async createTasks(tps: TopicPartition[]): Promise<void> {
    this.setState('REBALANCING');
    const created: { task: StreamTask; positions: CheckpointOffsets | null }[] = [];
    for (const tp of tps) {
      const sub = this.subOf(tp.topic);
      if (sub === undefined) continue;
      const id = `${sub.id}_${tp.partition}`;
      if (this.tasks.has(id)) continue;
      // A standby of the task becomes it, with its stores: only the tail is left to restore.
      const standby = await this.standbys.take(id);
      const task = standby?.task ?? this.newTask(sub, tp.partition);
      this.tasks.set(id, task);
      created.push({ task, positions: standby?.positions ?? null });
    }
    for (const { task, positions } of created) {
      let from = positions;
      if (from === null) {
        const checkpoint = await this.loadCheckpoint(task);
        task.initStores({
          localStateValid: (name) => checkpoint.has(this.changelogKey(name, task)),
        });
        from = checkpoint;
      }
      await this.restore(task, from);
      task.initProcessors();
    }
  }

  private newTask(sub: SubTopology, partition: number): StreamTask {
    return new StreamTask(this.topology, sub, partition, {
      applicationId: this.c.applicationId,
      collector: { send: (r) => this.collect(r) },
      nowMs: () => Date.now(),
      topicName: (n) => this.topicName(n),
      globalStores: this.globalStores,
      cache: this.cache,
      stateDir: this.stateRoot,
      onDeserializationError: (r, err) => this.onDeserializationError(r, err),
    });
  }

  /** The standby tasks this instance keeps (num.standby.replicas). */
  standbyTaskIds(): string[] {
    return this.standbys.taskIds();
  }

  /** `<state.dir>/<application.id>`: a task keeps its persistent stores in `<this>/<task id>`. */
  private get stateRoot(): string {
    return join(this.c.stateDir ?? join(tmpdir(), 'kafka-streams'), this.c.applicationId);
  }

  private changelogKey(store: string, task: StreamTask): string {
    return checkpointKey(this.topicName(`${store}-changelog`), task.partition);
  }

  /** The logged persistent stores of a task: those a checkpoint speaks for. */
  private checkpointedStores(task: StreamTask): string[] {
    return [...task.stores]
      .filter(([name, s]) => s.persistent && this.topology.storeBuilders.get(name)!.loggingEnabled)
      .map(([name]) => name);
  }

  /**
   * The task's checkpoint, kept only for persistent stores whose changelog still reaches the
   * offset (otherwise the store starts over). Under exactly-once the file is deleted once
   * read, as Kafka does: while the task runs, its store on disk may hold uncommitted writes,
   * so after a crash it must be restored from scratch.
   */
  private async loadCheckpoint(task: StreamTask): Promise<CheckpointOffsets> {
    const dir = join(this.stateRoot, task.id);
    const found = readCheckpoint(dir);
    if (this.eos) deleteCheckpoint(dir);
    const valid: CheckpointOffsets = new Map();
    for (const name of this.checkpointedStores(task)) {
      const key = this.changelogKey(name, task);
      const offset = found.get(key);
      if (offset === undefined) continue;
      const tp = { topic: this.topicName(`${name}-changelog`), partition: task.partition };
      const [end] = await this.admin!.listOffsets([tp], 'latest');
      if (end !== undefined && offset <= end.offset) valid.set(key, offset);
    }
    return valid;
  }

  /**
   * Writes the `.checkpoint` of each task with persistent stores: the changelog offsets their
   * disk copies hold, once every send has been answered (after a commit, or a clean close).
   */
  private async writeCheckpoints(tasks: Iterable<StreamTask>): Promise<void> {
    await Promise.allSettled([...this.pendingSends]);
    for (const task of tasks) {
      const offsets: CheckpointOffsets = new Map();
      for (const name of this.checkpointedStores(task)) {
        const key = this.changelogKey(name, task);
        const offset = this.changelogOffsets.get(key);
        if (offset !== undefined) offsets.set(key, offset);
      }
      if (offsets.size > 0) writeCheckpoint(join(this.stateRoot, task.id), offsets);
    }
  }

  /**
   * Reads each logged store's changelog partition up to its end before the task processes:
   * from the checkpointed offset for a persistent store that has one, else from the start.
   */
  private async restore(task: StreamTask, checkpoint: CheckpointOffsets): Promise<void> {
    for (const [name, store] of task.stores) {
      if (!this.topology.storeBuilders.get(name)!.loggingEnabled) continue;
      const tp = { topic: this.topicName(`${name}-changelog`), partition: task.partition };
      const key = checkpointKey(tp.topic, tp.partition);
      const { count, endOffset } = await this.readToEnd(
        tp,
        (r) => store.restore(r.key ?? Buffer.alloc(0), r.value),
        checkpoint.get(key),
      );
      this.changelogOffsets.set(key, endOffset);
      this.log.info(`Restored ${count} records of ${name} for task ${task.id}`, {
        store: name,
        task: task.id,
        records: count,
      });
    }
  }

  /**
   * Reads a partition from `from` (default: its start) to its current end (committed records
   * only); returns how many records it applied and the end offset.
   */
  private async readToEnd(
    tp: TopicPartition,
    apply: (r: { key: Buffer | null; value: Buffer | null }) => void,
    from?: bigint,
  ): Promise<{ count: number; endOffset: bigint }> {
    const admin = this.admin!;
    const isolationLevel = 'read_committed' as const;
    const [end] = await admin.listOffsets([tp], 'latest', { isolationLevel });
    const [earliest] = await admin.listOffsets([tp], 'earliest');
    if (end === undefined || earliest === undefined) return { count: 0, endOffset: 0n };
    const start = from !== undefined && from > earliest.offset ? from : earliest.offset;
    if (end.offset <= start) return { count: 0, endOffset: end.offset };
    const consumer = new Consumer({ bootstrapServers: this.c.bootstrapServers, isolationLevel });
    await consumer.connect();
    consumer.assign([{ ...tp, offset: start }]);
    let count = 0;
    try {
      const it = consumer.batches();
      let pending = it.next();
      while ((consumer.position(tp) ?? -1n) < end.offset) {
        // Control records (transaction markers) move the position without yielding records.
        const next = await Promise.race([
          pending,
          new Promise<null>((r) => setTimeout(() => r(null), 100)),
        ]);
        if (next === null) continue;
        if (next.done === true) break;
        for (const r of next.value.records) {
          if (r.offset >= end.offset) break;
          apply(r);
          count++;
        }
        if (next.value.nextOffset >= end.offset) break;
        pending = it.next();
      }
    } finally {
      consumer.close();
    }
    return { count, endOffset: end.offset };
  }

  private async onRevoked(tps: TopicPartition[], clean: boolean): Promise<void> {
    this.setState('REBALANCING');
    await this.assigning;
    if (clean) await this.commit();
    else await this.abortOpenTransaction();
    const gone = new Set<string>();
    for (const tp of tps) {
      const sub = this.subOf(tp.topic);
      if (sub !== undefined) gone.add(`${sub.id}_${tp.partition}`);
      this.consumed.delete(`${tp.topic}\u0000${tp.partition}`);
    }
    if (clean && this.eos)
      await this.writeCheckpoints([...gone].flatMap((id) => this.tasks.get(id) ?? []));
    for (const id of gone) {
      await this.tasks.get(id)?.close();
      this.tasks.delete(id);
    }
  }

  private async abortOpenTransaction(): Promise<void> {
    if (this.eos && this.inTransaction) {
      this.inTransaction = false;
      await this.producer?.abortTransaction().catch(() => {});
    }
  }

  private onDeserializationError(record: IncomingRecord, err: Error): boolean {
    const h = this.c.deserializationExceptionHandler ?? 'logAndFail';
    const response =
      typeof h === 'function' ? h(record, err) : h === 'logAndContinue' ? 'CONTINUE' : 'FAIL';
    this.log.warn(
      `Cannot deserialize a record of ${record.topic}-${record.partition} at offset ${record.offset}`,
      {
        error: err.message,
      },
    );
    return response === 'CONTINUE';
  }

  /** A processing failure: asks the uncaught-exception handler what to do. */
  private async fail(err: Error): Promise<void> {
    if (
      this.stateValue === 'PENDING_SHUTDOWN' ||
      this.stateValue === 'NOT_RUNNING' ||
      this.stateValue === 'ERROR'
    )
      return;
    this.log.error(`Stream thread failed: ${err.message}`);
    const response = this.exceptionHandler?.(err) ?? 'SHUTDOWN_CLIENT';
    if (response === 'REPLACE_THREAD') {
      await this.stopThread(false);
      this.sendError = null;
      this.setState('REBALANCING');
      this.startThread();
      return;
    }
    // SHUTDOWN_APPLICATION would ask every instance to stop through the group assignment;
    // this instance stops itself and the others keep running (see docs/streams.md).
    this.setState('PENDING_ERROR');
    await this.stopThread(false);
    await this.shutdownClients();
    this.setState('ERROR');
  }

  /** Stops the thread's clients; `clean` commits first, otherwise open work is aborted. */
  private async stopThread(clean: boolean): Promise<void> {
    const consumer = this.consumer;
    const producer = this.producer;
    this.consumer = null;
    await this.exclusive(async () => {
      if (clean) {
        this.consumer = consumer;
        const committed = await this.commit().then(
          () => true,
          (e: Error) => this.log.warn(`Final commit failed: ${e.message}`),
        );
        if (committed === true && this.eos) await this.writeCheckpoints(this.tasks.values());
        this.consumer = null;
      } else {
        await this.abortOpenTransaction();
      }
      for (const t of this.tasks.values()) await t.close();
      this.tasks.clear();
      await this.standbys.close();
      this.consumed.clear();
      this.inTransaction = false;
    });
    await consumer?.close({ timeoutMs: 5000 });
    await producer?.close();
    this.producer = null;
    await this.loop?.catch(() => {});
  }

  private async shutdownClients(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.globalConsumer?.close();
    this.admin?.close();
  }

  /** Processing, commits, punctuation and rebalances run one at a time. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn);
    this.lock = run.catch(() => {});
    return run;
  }

  /** Fills global stores from all partitions of their topics, then follows them. */
  private async startGlobal(): Promise<void> {
    if (this.topology.globalStores.size === 0) return;
    const admin = this.admin!;
    const assignment: (TopicPartition & { offset: bigint })[] = [];
    const storeOf = new Map<string, StateStore>();
    for (const [name, g] of this.topology.globalStores) {
      const store = g.builder.build();
      store.init({ changeLogger: null, streamTimeMs: () => -1 });
      this.globalStores.set(name, store);
      storeOf.set(g.topic, store);
      const [meta] = await admin.describeTopics([g.topic]);
      for (const p of meta?.partitions ?? []) {
        const tp = { topic: g.topic, partition: p.partition };
        await this.readToEnd(tp, (r) => store.restore(r.key ?? Buffer.alloc(0), r.value));
        const [end] = await admin.listOffsets([tp], 'latest', { isolationLevel: 'read_committed' });
        assignment.push({ ...tp, offset: end!.offset });
      }
    }
    const consumer = new Consumer({
      bootstrapServers: this.c.bootstrapServers,
      isolationLevel: 'read_committed',
    });
    await consumer.connect();
    consumer.assign(assignment);
    this.globalConsumer = consumer;
    void (async () => {
      for await (const batch of consumer.batches()) {
        const store = storeOf.get(batch.topic)!;
        await this.exclusive(async () => {
          for (const r of batch.records) store.restore(r.key ?? Buffer.alloc(0), r.value);
        });
      }
    })().catch((err: Error) => this.fail(err));
  }
}
