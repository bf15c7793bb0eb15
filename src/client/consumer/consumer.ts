// A consumer with manual assignment: positions per partition, seek, pause/resume, and fetch
// pipelining — one Fetch in flight per leader, the next one sent as soon as an answer has been
// decoded, while the application works through records already buffered (up to
// maxBufferedBytes). Positions without an offset are resolved with ListOffsets following
// auto.offset.reset, as is OFFSET_OUT_OF_RANGE.
import {
  createFetchRequest,
  createFetchRequestFetchPartition,
  createListOffsetsRequest,
  type FetchResponse,
  type ListOffsetsResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import { Cluster } from '../cluster.js';
import { ClientError, CorruptRecordError, KafkaError, needsMetadataRefresh } from '../errors.js';
import { readFetchedRecords } from './batch-reader.js';
import type {
  ConsumerBatch,
  ConsumerOptions,
  ConsumerRecord,
  OffsetSpec,
  TopicPartition,
} from './types.js';

const OFFSET_OUT_OF_RANGE = 1;
const EARLIEST_TIMESTAMP = -2n;
const LATEST_TIMESTAMP = -1n;

interface PartitionState {
  topic: string;
  partition: number;
  /** null: to be resolved with ListOffsets from `reset`. */
  position: bigint | null;
  /** auto.offset.reset for this partition (null: 'none'). */
  reset: 'earliest' | 'latest' | null;
  /** Where a seek to 'earliest'/'latest' asked to go; overrides `reset` once. */
  seekTo: 'earliest' | 'latest' | null;
  paused: boolean;
  /** Bumped by seek; answers to fetches sent before it are dropped. */
  generation: number;
  resetting: boolean;
  highWatermark: bigint;
  /** A batch at the position did not decode: not fetched again until a seek. */
  corrupt: CorruptRecordError | null;
}

export class Consumer {
  readonly cluster: Cluster;
  private readonly options: ConsumerOptions;
  private readonly states = new Map<string, PartitionState>();
  private readonly fetching = new Set<number>();
  private readonly buffer: ConsumerBatch[] = [];
  private bufferedBytes = 0;
  private waiters: (() => void)[] = [];
  private failure: Error | null = null;
  private running = false;
  private closed = false;

  constructor(options: ConsumerOptions) {
    this.options = options;
    this.cluster = new Cluster(options);
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    this.running = true;
    this.pump();
  }

  /** Replaces the assignment. Partitions without an offset start per auto.offset.reset. */
  assign(partitions: readonly (TopicPartition & { offset?: OffsetSpec })[]): void {
    const next = new Map<string, PartitionState>();
    for (const p of partitions) {
      const key = keyOf(p);
      const state = this.states.get(key) ?? this.newState(p);
      if (p.offset !== undefined) setPosition(state, p.offset);
      next.set(key, state);
    }
    this.states.clear();
    for (const [k, v] of next) this.states.set(k, v);
    this.dropBuffered((b) => !this.states.has(keyOf(b)));
    this.cluster.addTopics(partitions.map((p) => p.topic));
    this.pump();
  }

  assignment(): TopicPartition[] {
    return [...this.states.values()].map(({ topic, partition }) => ({ topic, partition }));
  }

  /** Moves the position of an assigned partition; buffered records of it are dropped. */
  seek(tp: TopicPartition, offset: OffsetSpec): void {
    const state = this.stateOf(tp);
    setPosition(state, offset);
    state.generation++;
    this.dropBuffered((b) => keyOf(b) === keyOf(tp));
    this.pump();
  }

  /** The offset of the next record to be returned, if known. */
  position(tp: TopicPartition): bigint | null {
    const state = this.stateOf(tp);
    const buffered = this.buffer.find((b) => keyOf(b) === keyOf(tp));
    return buffered?.records[0]?.offset ?? state.position;
  }

  /** The high watermark seen in the last fetch of a partition (-1 before any). */
  highWatermark(tp: TopicPartition): bigint {
    return this.stateOf(tp).highWatermark;
  }

  pause(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.stateOf(tp).paused = true;
  }

  resume(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.stateOf(tp).paused = false;
    this.pump();
  }

  paused(): TopicPartition[] {
    return [...this.states.values()]
      .filter((s) => s.paused)
      .map(({ topic, partition }) => ({ topic, partition }));
  }

  /**
   * Fetched batches as they arrive (records of paused partitions are held back). Ends when
   * the consumer closes; throws non-retriable fetch errors, and a {@link CorruptRecordError}
   * for a partition whose next batch cannot be decoded, again each time until the application
   * seeks that partition (as Kafka's consumer throws on every poll).
   */
  async *batches(): AsyncGenerator<ConsumerBatch> {
    while (!this.closed) {
      const at = this.buffer.findIndex((b) => this.states.get(keyOf(b))?.paused === false);
      if (at >= 0) {
        const [batch] = this.buffer.splice(at, 1);
        this.bufferedBytes -= batchBytes(batch!);
        this.pump();
        yield batch!;
        continue;
      }
      if (this.failure !== null) {
        const error = this.failure;
        this.failure = null;
        throw error;
      }
      for (const st of this.states.values())
        if (st.corrupt !== null && !st.paused) throw st.corrupt;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Fetched records one by one (see {@link batches}). */
  async *records(): AsyncGenerator<ConsumerRecord> {
    for await (const batch of this.batches()) yield* batch.records;
  }

  close(): void {
    this.closed = true;
    this.running = false;
    this.wake();
    this.cluster.close();
  }

  private newState(tp: TopicPartition): PartitionState {
    const reset = this.options.autoOffsetReset ?? 'latest';
    return {
      topic: tp.topic,
      partition: tp.partition,
      position: null,
      reset: reset === 'none' ? null : reset,
      seekTo: null,
      paused: false,
      generation: 0,
      resetting: false,
      highWatermark: -1n,
      corrupt: null,
    };
  }

  private stateOf(tp: TopicPartition): PartitionState {
    const state = this.states.get(keyOf(tp));
    if (state === undefined) {
      throw new ClientError('ERR_INVALID_ARGUMENT', `${tp.topic}-${tp.partition} is not assigned`);
    }
    return state;
  }

  private dropBuffered(drop: (b: ConsumerBatch) => boolean): void {
    for (let i = this.buffer.length - 1; i >= 0; i--) {
      if (!drop(this.buffer[i]!)) continue;
      this.bufferedBytes -= batchBytes(this.buffer[i]!);
      this.buffer.splice(i, 1);
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Starts the offset lookups and fetches that can start now. */
  private pump(): void {
    if (!this.running) return;
    const maxBuffered = this.options.maxBufferedBytes ?? 64 * 1024 * 1024;
    if (this.bufferedBytes >= maxBuffered) return;
    const byLeader = new Map<number, PartitionState[]>();
    const toReset: PartitionState[] = [];
    for (const s of this.states.values()) {
      if (s.paused || s.corrupt !== null) continue;
      if (s.position === null) {
        if (!s.resetting) toReset.push(s);
        continue;
      }
      const leader = this.cluster.leaderFor(s.topic, s.partition);
      if (leader < 0) {
        this.refreshSoon([s.topic]);
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(s);
      byLeader.set(leader, list);
    }
    if (toReset.length > 0) void this.resetOffsets(toReset);
    for (const [nodeId, states] of byLeader) {
      if (this.fetching.has(nodeId)) continue;
      this.fetching.add(nodeId);
      void this.fetch(nodeId, states)
        .catch((err: unknown) => {
          // Not a fetch error (those are handled inside): report it rather than lose it.
          this.failure = err instanceof Error ? err : new Error(String(err));
          this.wake();
        })
        .finally(() => {
          this.fetching.delete(nodeId);
          this.pump();
        });
    }
  }

  private refreshSoon(topics: string[]): void {
    const backoffMs = this.options.retryBackoffMs ?? 100;
    void this.cluster
      .refreshMetadata(topics)
      .catch(() => {})
      .then(() => setTimeout(() => this.pump(), backoffMs).unref());
  }

  private async fetch(nodeId: number, states: PartitionState[]): Promise<void> {
    const o = this.options;
    const generations = new Map(
      states.map((s) => [keyOf(s), { s, generation: s.generation, offset: s.position! }]),
    );
    const topics = new Map<string, ReturnType<typeof createFetchRequestFetchPartition>[]>();
    for (const s of states) {
      const list = topics.get(s.topic) ?? [];
      list.push(
        createFetchRequestFetchPartition({
          partition: s.partition,
          fetchOffset: s.position!,
          partitionMaxBytes: o.maxPartitionFetchBytes ?? 1024 * 1024,
        }),
      );
      topics.set(s.topic, list);
    }
    const readCommitted = o.isolationLevel === 'read_committed';
    let response: FetchResponse;
    try {
      const maxWaitMs = o.fetchMaxWaitMs ?? 500;
      response = await this.cluster.send<FetchResponse>(
        nodeId,
        ApiKey.Fetch,
        createFetchRequest({
          maxWaitMs,
          minBytes: o.fetchMinBytes ?? 1,
          maxBytes: o.fetchMaxBytes ?? 50 * 1024 * 1024,
          isolationLevel: readCommitted ? 1 : 0,
          topics: [...topics].map(([topic, partitions]) => ({
            topic,
            topicId: '00000000-0000-0000-0000-000000000000',
            partitions,
          })),
        }),
        { timeoutMs: (this.options.requestTimeoutMs ?? 30_000) + maxWaitMs },
      );
    } catch {
      // Lost connections and timeouts: find the leaders again and fetch after a backoff.
      if (!this.running) return;
      this.refreshSoon([...topics.keys()]);
      await sleepMs(this.options.retryBackoffMs ?? 100);
      return;
    }
    if (response.errorCode !== 0)
      return this.onError(new KafkaError(response.errorCode), [...topics.keys()]);
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const sent = generations.get(`${t.topic}\u0000${p.partitionIndex}`);
        if (
          sent === undefined ||
          sent.s.generation !== sent.generation ||
          !this.states.has(keyOf(sent.s))
        )
          continue;
        await this.onPartition(sent.s, sent.offset, p, readCommitted);
      }
    }
  }

  private async onPartition(
    s: PartitionState,
    fetchOffset: bigint,
    p: FetchResponse['responses'][number]['partitions'][number],
    readCommitted: boolean,
  ): Promise<void> {
    if (p.errorCode === OFFSET_OUT_OF_RANGE && s.reset !== null) {
      s.position = null;
      return;
    }
    if (p.errorCode !== 0) return this.onError(new KafkaError(p.errorCode), [s.topic]);
    s.highWatermark = p.highWatermark;
    const generation = s.generation;
    const read = await readFetchedRecords(p.records, {
      topic: s.topic,
      partition: s.partition,
      fetchOffset,
      readCommitted,
      abortedTransactions: p.abortedTransactions,
      verifyCrc: this.options.checkCrcs ?? true,
    });
    if (generation !== s.generation || !this.states.has(keyOf(s))) return;
    s.position = read.nextOffset;
    if (read.corrupt !== null) {
      const where = { topic: s.topic, partition: s.partition, offset: read.nextOffset };
      s.corrupt = new CorruptRecordError(
        { ...where, lastOffset: read.corrupt.lastOffset },
        read.corrupt.error,
      );
      this.wake();
    }
    if (read.records.length === 0) return;
    const batch: ConsumerBatch = {
      topic: s.topic,
      partition: s.partition,
      records: read.records,
      highWatermark: p.highWatermark,
      nextOffset: read.nextOffset,
    };
    this.buffer.push(batch);
    this.bufferedBytes += batchBytes(batch);
    this.wake();
  }

  private onError(error: KafkaError, topics: string[]): void {
    if (needsMetadataRefresh(error) || error.retriable) {
      this.refreshSoon(topics);
      return;
    }
    this.failure = error;
    this.wake();
  }

  private async resetOffsets(states: PartitionState[]): Promise<void> {
    for (const s of states) s.resetting = true;
    try {
      for (const s of states) {
        const target = s.seekTo ?? s.reset;
        if (target === null) {
          this.failure = new KafkaError(
            OFFSET_OUT_OF_RANGE,
            `no position for ${s.topic}-${s.partition} and auto.offset.reset is none`,
          );
          this.wake();
          continue;
        }
        const offset = await this.cluster.retry(() =>
          this.listOffset(s, target === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP),
        );
        if (s.position === null) {
          s.position = offset;
          s.seekTo = null;
        }
      }
    } catch (err) {
      this.failure = err as Error;
      this.wake();
    } finally {
      for (const s of states) s.resetting = false;
      this.pump();
    }
  }

  /** The offset for a timestamp (-2 earliest, -1 latest) of one partition. */
  async listOffset(tp: TopicPartition, timestamp: bigint): Promise<bigint> {
    await this.cluster.topicMetadata(tp.topic);
    const leader = this.cluster.leaderFor(tp.topic, tp.partition);
    const connection = await this.cluster.connection(leader);
    const version = connection.versionFor(ApiKey.ListOffsets);
    const readCommitted = this.options.isolationLevel === 'read_committed' && version >= 2;
    const response = await connection.send<ListOffsetsResponse>(
      ApiKey.ListOffsets,
      createListOffsetsRequest({
        replicaId: -1,
        isolationLevel: readCommitted ? 1 : 0,
        timeoutMs: version >= 10 ? 30_000 : 0,
        topics: [
          {
            name: tp.topic,
            partitions: [{ partitionIndex: tp.partition, currentLeaderEpoch: -1, timestamp }],
          },
        ],
      }),
    );
    const p = response.topics[0]?.partitions[0];
    if (p === undefined) throw new KafkaError(-1, 'empty ListOffsets answer');
    if (p.errorCode !== 0) throw new KafkaError(p.errorCode);
    return p.offset;
  }
}

function keyOf(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

function setPosition(state: PartitionState, offset: OffsetSpec): void {
  state.corrupt = null;
  if (typeof offset === 'bigint') {
    state.position = offset;
    state.seekTo = null;
  } else {
    state.position = null;
    state.seekTo = offset;
  }
}

function batchBytes(b: ConsumerBatch): number {
  let n = 0;
  for (const r of b.records) n += 32 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  return n;
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
