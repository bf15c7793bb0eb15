// The partitions this node holds a replica of, leader or follower (on a single node it leads
// them all), created, moved between roles and removed as the metadata image changes, and the
// data path over them: produce appends (leaders only), fetch reads with the KIP-74 byte
// limits and the long-poll purgatory (consumers read from leaders up to the high watermark; a
// follower's fetch, with its replica id, reads up to the log end and moves the high
// watermark). Listeners hear every change of leadership (the coordinators load and unload
// their state on it).
import { ErrorCode, type ErrorName } from '../../protocol/errors.js';
import { BATCH_HEADER_BYTES, BatchHeader } from '../../protocol/records/batch-header.js';
import type { AbortedTxn, LogManager } from '../../storage/index.js';
import { BufferPool, systemClock, type Timers } from '../../util/index.js';
import type { BrokerConfig } from '../config/index.js';
import { isStorageFailure } from './storage-failure.js';
import { FetchPurgatory } from './fetch-purgatory.js';
import {
  FetchSessionCache,
  type FetchPartition,
  type FetchSessionRequest,
} from './fetch-session-cache.js';
import { Partition, type TxnMarker } from './partition.js';
import type { ReplicaAssignment } from './replica-state.js';
import {
  failedAppend,
  type AppendSink,
  type PartitionAppendResult,
  type RemoteWait,
} from './append-results.js';
import { topicSettings, type TopicSettings } from './topic-settings.js';
import type { ReplicaFetcherManager } from './replica-fetcher-manager.js';
import type { ControllerChannel } from './controller-channel.js';
import { selectReadReplica, type ReplicaSelector } from './replica-selector.js';
import { readHighWatermarks, writeHighWatermarks } from './high-watermark-checkpoint.js';
import type { Logger } from '../../util/index.js';

export interface ReplicaManagerOptions {
  logs: LogManager;
  broker: BrokerConfig;
  /** The environment's clock, timers and random numbers (fetch session ids). */
  nowMs?: () => number;
  timers?: Timers;
  random?: () => number;
  /** Fetches that may wait in the purgatory at once. */
  maxWaitingFetches?: number;
  /** max.incremental.fetch.session.cache.slots */
  fetchSessionSlots?: number;
  /** Free fetch read buffers kept for reuse (default 64 MiB). */
  readBufferPoolBytes?: number;
  /**
   * Null when the transaction coordinator has `topic-partition` in an ongoing transaction of
   * this producer (Kafka's transaction verification, KIP-890 part 1), else the error for the
   * batch (INVALID_TXN_STATE; INVALID_PRODUCER_EPOCH for a fenced producer). So a producer
   * cannot open a transaction that no coordinator will ever end (it would hold back the last
   * stable offset, and with it every read_committed consumer, forever). Without a
   * coordinator no transaction is ongoing: INVALID_TXN_STATE.
   */
  verifyTransaction?: (
    producerId: bigint,
    producerEpoch: number,
    topic: string,
    partition: number,
  ) => ErrorName | null;
  /** The follower side: fetch loops for the partitions this node follows. */
  fetchers?: ReplicaFetcherManager;
  /** Where ISR changes go (AlterPartition); without one the ISR never changes. */
  controller?: ControllerChannel;
  /** This broker's epoch, sent with AlterPartition (-1: unknown). */
  brokerEpoch?: () => bigint;
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs?: number;
  /** replica.selector.class (KIP-392); default: always the leader. */
  replicaSelector?: ReplicaSelector;
  /** A broker's broker.rack, from the metadata image (null: none). */
  rackOf?: (brokerId: number) => string | null;
  logger?: Logger;
}

/** One partition's batch of a produce request. */
export interface AppendRequest {
  topic: string;
  partition: number;
  records: Buffer | null;
  acks: number;
  /** The produce request's version (zstd needs v7+). */
  apiVersion: number;
  /** The produce request's timeout.ms (acks=all waits at most this for the ISR). */
  timeoutMs?: number;
}

export interface PartitionSpec {
  topic: string;
  partition: number;
  topicId: string;
  leaderEpoch: number;
  /** From the metadata image; without them this node leads alone. */
  leader?: number;
  replicas?: readonly number[];
  isr?: readonly number[];
  partitionEpoch?: number;
}

export interface ReadRequest {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** The partition's byte limit. */
  maxBytes: number;
  /** -1: not checked. */
  currentLeaderEpoch: number;
}

export interface ReadAnswer {
  error: ErrorName | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  records: Buffer;
  /** read_committed: aborted transactions the records may hold; null otherwise. */
  abortedTransactions?: AbortedTxn[] | null;
  /** KIP-392: the replica the consumer should fetch this partition from (no records then). */
  preferredReadReplica?: number;
}

export interface FetchOptions {
  /** The response's byte limit over all partitions. */
  maxBytes: number;
  minBytes: number;
  maxWaitMs: number;
  isolationLevel: number;
  /** A follower broker's id (its fetch moves the high watermark); -1 for a consumer. */
  replicaId?: number;
  /**
   * Read to the log end, not the high watermark (Kafka's FetchLogEnd): a coordinator loading
   * the partition it now leads reads all of it, as the new leader's log is the one that
   * stands; a freshly elected leader's high watermark may still lag its log end.
   */
  toLogEnd?: boolean;
  /** Told when the fetch waits in the purgatory and when it stops (RemoteTimeMs). */
  remote?: RemoteWait;
  /**
   * A consumer's rack (Fetch v11+ rack_id, '' when it names none). Set, the consumer may read
   * from a follower up to its high watermark, and a leader may answer with a preferred read
   * replica (KIP-392); unset (older fetches), consumers read from the leader only.
   */
  clientRack?: string;
}

/** One partition of a fetch response: what was asked, its topic's name, the answer. */
export interface FetchedPartition {
  request: FetchPartition;
  /** '' for a topic id this node does not know (its answer is UNKNOWN_TOPIC_ID). */
  topic: string;
  answer: ReadAnswer;
}

/** A fetch through its session (KIP-227): the partitions the response carries. */
export interface FetchResult {
  /** A session error (FETCH_SESSION_ID_NOT_FOUND, …) answers the whole fetch. */
  error: ErrorName | null;
  sessionId: number;
  /** In request (or session) order; an incremental fetch leaves out partitions with no news. */
  partitions: FetchedPartition[];
  /** Every read, sent or not: hand them to `releaseReads` once the response is written. */
  reads: ReadAnswer[];
}

interface TopicState {
  topicId: string;
  overrides: Map<string, string>;
  settings: TopicSettings;
}

/**
 * Heard when a partition opens on this node, changes role or leader epoch, or is about to be
 * deleted (isLeader false): the coordinators load and unload their partitions with it.
 */
export interface LeadershipChange {
  topic: string;
  partition: number;
  isLeader: boolean;
  leaderEpoch: number;
}

/** Told of each change; the change's caller waits for a returned promise. */
export type LeadershipListener = (change: LeadershipChange) => void | Promise<void>;

const EMPTY = Buffer.alloc(0);

export class ReplicaManager {
  readonly purgatory: FetchPurgatory;
  readonly fetchSessions: FetchSessionCache;
  private readonly partitions = new Map<string, Partition>();
  private readonly topics = new Map<string, TopicState>();
  private readonly namesById = new Map<string, string>();
  /** Partitions whose storage could not be opened at start, with why: KAFKA_STORAGE_ERROR. */
  private readonly offline = new Map<string, string>();
  private readonly nowMs: () => number;
  private readonly readBuffers: BufferPool;
  private readonly leadershipListeners = new Set<LeadershipListener>();
  /**
   * ISR changes seen on partitions this node leads (Kafka's IsrShrinksPerSec and
   * IsrExpandsPerSec), counted when an assignment with a different ISR is applied.
   */
  readonly isrChanges = { shrinks: 0, expands: 0 };
  /** replication-offset-checkpoint as read at start, by `topic-partition`. */
  private savedHighWatermarks = new Map<string, number>();

  constructor(private readonly options: ReplicaManagerOptions) {
    this.nowMs = options.nowMs ?? systemClock.nowMs;
    this.readBuffers = new BufferPool({
      maxPooledBytes: options.readBufferPoolBytes ?? 64 * 1024 * 1024,
    });
    this.purgatory = new FetchPurgatory({
      maxWaiters: options.maxWaitingFetches ?? 10_000,
      timers: options.timers,
    });
    this.fetchSessions = new FetchSessionCache({
      maxSessions: options.fetchSessionSlots ?? 1000,
      random: options.random,
      nowMs: this.nowMs,
    });
  }

  /**
   * Registers a listener for leadership changes of partitions (the coordinators load and
   * unload their internal-topic partitions with them); returns its removal.
   */
  onLeadershipChange(listener: LeadershipListener): () => void {
    this.leadershipListeners.add(listener);
    return () => this.leadershipListeners.delete(listener);
  }

  /** Tells the listeners of a leadership change; resolves once every listener has. */
  async notifyLeadershipChange(change: LeadershipChange): Promise<void> {
    await Promise.all([...this.leadershipListeners].map((listener) => listener(change)));
  }

  get logs(): LogManager {
    return this.options.logs;
  }

  /** This broker's id. */
  get localId(): number {
    return this.options.broker.nodeId;
  }

  private assignmentOf(spec: PartitionSpec): ReplicaAssignment {
    const self = this.localId;
    return {
      leader: spec.leader ?? self,
      leaderEpoch: spec.leaderEpoch,
      replicas: spec.replicas ?? [self],
      isr: spec.isr ?? [self],
      partitionEpoch: spec.partitionEpoch,
    };
  }

  /**
   * Creates a partition this node holds a replica of, or applies its new assignment (a
   * becomeLeader or becomeFollower transition when the leader or leader epoch changed).
   */
  async ensurePartition(
    spec: PartitionSpec,
    overrides?: ReadonlyMap<string, string>,
  ): Promise<Partition> {
    const topic = this.topicState(spec.topic, spec.topicId, overrides);
    const key = `${spec.topic}-${spec.partition}`;
    const existing = this.partitions.get(key);
    if (existing !== undefined) {
      await this.applyAssignment(existing, this.assignmentOf(spec));
      return existing;
    }
    // A log left by an earlier topic of the same name (deleted while this node was down)
    // must not leak its records into the new topic.
    const storedId = await this.options.logs.topicIdOf(spec.topic, spec.partition);
    if (storedId !== undefined && storedId !== spec.topicId) {
      await this.options.logs.deleteLog(spec.topic, spec.partition);
    }
    const log = await this.options.logs.createLog(spec.topic, spec.partition, topic.settings.log, {
      topicId: spec.topicId,
    });
    // An existing log without a readable topic id (written without fsync when the log was
    // created, then lost to a machine crash) learns it again.
    if (storedId === undefined && !log.fresh) {
      await this.options.logs.writeTopicId(spec.topic, spec.partition, spec.topicId);
    }
    // A log loaded at start carries the storage defaults until it learns its topic's config.
    this.options.logs.updateConfig(spec.topic, topic.settings.log, { partition: spec.partition });
    const created = await Partition.open(log, {
      topicId: spec.topicId,
      leaderEpoch: spec.leaderEpoch,
      localId: this.localId,
      assignment: this.assignmentOf(spec),
      timers: this.options.timers,
      checkpointedHighWatermark: this.savedHighWatermarks.get(key),
      nowMs: this.nowMs(),
    });
    // Another call may have opened it meanwhile; keep the first.
    const raced = this.partitions.get(key);
    if (raced !== undefined) return raced;
    this.offline.delete(key);
    this.partitions.set(key, created);
    if (!created.isLeader)
      this.options.fetchers?.follow(created, created.leaderId, created.leaderEpoch);
    await this.announce(created);
    return created;
  }

  /** The transition an image change asks for; nothing when role and epoch are as they were. */
  private async applyAssignment(p: Partition, assignment: ReplicaAssignment): Promise<void> {
    const leads = assignment.leader === this.localId;
    const newEpoch = assignment.leaderEpoch > p.leaderEpoch;
    if (leads) {
      const changed = newEpoch || !p.isLeader;
      if (p.isLeader) countIsrChange(this.isrChanges, p.isr, assignment.isr);
      if (changed) this.options.fetchers?.unfollow(p);
      // Also run at the same epoch: the ISR may have changed.
      await p.becomeLeader(assignment, this.nowMs());
      if (changed) await this.announce(p);
    } else if (newEpoch || p.isLeader || p.leaderId !== assignment.leader) {
      p.becomeFollower(assignment);
      this.options.fetchers?.follow(p, assignment.leader, assignment.leaderEpoch);
      await this.announce(p);
    }
  }

  /** Tells the leadership listeners of a partition's role, and waits for them. */
  private announce(p: Partition): Promise<void> {
    // Kafka's Partition.makeLeader line: what a checker reads to find two leaders in one epoch.
    if (p.isLeader) {
      this.options.logger?.info(
        `[Partition ${p.topic}-${p.partition} broker=${this.localId}] Leader ${p.topic}-${p.partition} ` +
          `starts at leader epoch ${p.leaderEpoch} from offset ${p.logEndOffset} ` +
          `with partition epoch ${p.partitionEpoch}, ISR [${p.isr.join(',')}]`,
      );
    }
    return this.notifyLeadershipChange({
      topic: p.topic,
      partition: p.partition,
      isLeader: p.isLeader,
      leaderEpoch: p.leaderEpoch,
    });
  }

  private topicState(
    name: string,
    topicId: string,
    overrides?: ReadonlyMap<string, string>,
  ): TopicState {
    let state = this.topics.get(name);
    if (state === undefined || overrides !== undefined) {
      const o = new Map(overrides ?? state?.overrides ?? []);
      state = { topicId, overrides: o, settings: topicSettings(o, this.options.broker) };
      this.topics.set(name, state);
      this.namesById.set(topicId, name);
    }
    return state;
  }

  /**
   * Recomputes every topic's settings after the broker's defaults changed (dynamic broker
   * configs): topics without their own override follow the new defaults.
   */
  refreshTopicSettings(): void {
    for (const [topic, state] of this.topics) this.setTopicConfig(topic, state.overrides);
  }

  /** Applies a topic's changed configuration to its partitions at run time. */
  setTopicConfig(topic: string, overrides: ReadonlyMap<string, string>): void {
    const state = this.topics.get(topic);
    if (state === undefined) return;
    this.topicState(topic, state.topicId, overrides);
    this.options.logs.updateConfig(topic, this.topics.get(topic)!.settings.log);
  }

  async deleteTopic(topic: string): Promise<void> {
    for (const key of [...this.offline.keys()]) {
      if (key.slice(0, key.lastIndexOf('-')) === topic) this.offline.delete(key);
    }
    const state = this.topics.get(topic);
    this.topics.delete(topic);
    if (state !== undefined) this.namesById.delete(state.topicId);
    for (const [key, p] of [...this.partitions]) {
      if (p.topic !== topic) continue;
      this.partitions.delete(key);
      this.options.fetchers?.unfollow(p);
      await p.close();
      await this.options.logs.deleteLog(topic, p.partition);
    }
  }

  /**
   * Removes a replica the metadata no longer assigns to this node (a completed or cancelled
   * reassignment moved it away): the leadership listeners hear it is not led here, the fetch
   * loop lets it go, waiting acks=all appends fail with NOT_LEADER_OR_FOLLOWER, and its log is
   * deleted, as Kafka's StopReplica with deletion does.
   */
  async removeReplica(topic: string, partition: number): Promise<void> {
    const key = `${topic}-${partition}`;
    const p = this.partitions.get(key);
    if (p === undefined) return;
    this.partitions.delete(key);
    this.options.fetchers?.unfollow(p);
    await this.notifyLeadershipChange({
      topic,
      partition,
      isLeader: false,
      leaderEpoch: p.leaderEpoch,
    });
    await p.close();
    await this.options.logs.deleteLog(topic, partition);
    this.options.logger?.info(`[ReplicaManager] removed the replica of ${key}: not assigned here`);
  }

  /**
   * Removes partitions whose creation did not commit: each open partition is closed and every
   * log made for them is deleted. With `forgetTopic` (a topic that never existed) the topic's
   * state goes too. Best effort: what cannot be removed now is a stray log at the next start.
   */
  async discardPartitions(
    topic: string,
    partitionIds: readonly number[],
    options: { forgetTopic: boolean },
  ): Promise<void> {
    for (const id of partitionIds) {
      const p = this.partitions.get(`${topic}-${id}`);
      if (p !== undefined) {
        this.partitions.delete(`${topic}-${id}`);
        this.options.fetchers?.unfollow(p);
        await p.close().catch(() => undefined);
      }
      await this.options.logs.deleteLog(topic, id).catch(() => false);
    }
    if (options.forgetTopic) {
      const state = this.topics.get(topic);
      this.topics.delete(topic);
      if (state !== undefined) this.namesById.delete(state.topicId);
    }
  }

  /**
   * Deletes the logs of partitions this node holds no replica of (neither leader nor
   * follower): strays of topics deleted while it was down. Called once the partitions of the
   * metadata image are open.
   */
  async deleteStrayLogs(): Promise<string[]> {
    const removed: string[] = [];
    for (const log of this.options.logs.allLogs()) {
      if (this.getPartition(log.topic, log.partition) !== undefined) continue;
      // Its topic exists; only its storage failed to open. Its records stay for a later start.
      if (this.offlineReason(log.topic, log.partition) !== undefined) continue;
      await this.options.logs.deleteLog(log.topic, log.partition);
      removed.push(`${log.topic}-${log.partition}`);
    }
    return removed;
  }

  /**
   * Records that a partition's storage could not be opened (at start): it answers
   * KAFKA_STORAGE_ERROR instead of UNKNOWN_TOPIC_OR_PARTITION, and its log is not a stray.
   */
  markOffline(topic: string, partition: number, reason: string): void {
    this.offline.set(`${topic}-${partition}`, reason);
  }

  /** Why a partition is offline, or undefined. */
  offlineReason(topic: string, partition: number): string | undefined {
    return this.offline.get(`${topic}-${partition}`);
  }

  /** The error for a partition this node has no open Partition for. */
  private missing(topic: string, partition: number): ErrorName {
    return this.offline.has(`${topic}-${partition}`)
      ? 'KAFKA_STORAGE_ERROR'
      : 'UNKNOWN_TOPIC_OR_PARTITION';
  }

  /** Every partition this node holds, leader or follower (read by the metrics at scrape). */
  heldPartitions(): IterableIterator<Partition> {
    return this.partitions.values();
  }

  /** Partitions whose storage could not be opened (Kafka's OfflineReplicaCount). */
  get offlineCount(): number {
    return this.offline.size;
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(`${topic}-${partition}`);
  }

  /**
   * The partition when this node leads it and the requester's leader epoch (KIP-320; -1: not
   * checked) matches, else the error, in Kafka's order: unknown partition, epoch, leadership.
   */
  leaderPartition(
    topic: string,
    partition: number,
    currentLeaderEpoch = -1,
  ): { partition: Partition; error: null } | { partition: null; error: ErrorName } {
    const p = this.getPartition(topic, partition);
    if (p === undefined) return { partition: null, error: this.missing(topic, partition) };
    const epochError = checkLeaderEpoch(currentLeaderEpoch, p.leaderEpoch);
    if (epochError !== null) return { partition: null, error: epochError };
    if (!p.isLeader) return { partition: null, error: 'NOT_LEADER_OR_FOLLOWER' };
    return { partition: p, error: null };
  }

  topicName(topicId: string): string | undefined {
    return this.namesById.get(topicId);
  }

  topicId(topic: string): string | undefined {
    return this.topics.get(topic)?.topicId;
  }

  settingsOf(topic: string): TopicSettings | undefined {
    return this.topics.get(topic)?.settings;
  }

  /**
   * Appends one partition's batch. Call synchronously for every partition of a request before
   * awaiting, so pipelined requests keep their order.
   */
  append(
    topic: string,
    partition: number,
    options: { records: Buffer | null; acks: number; apiVersion: number },
  ): Promise<PartitionAppendResult> {
    return new Promise((resolve, reject) => {
      const sink: AppendSink = { done: (_, result) => resolve(result), fail: reject };
      this.appendTo(sink, 0, { topic, partition, ...options });
    });
  }

  /**
   * As `append`, with the result going to slot `slot` of `sink`: a produce request's
   * partitions share one sink and one promise (see AppendResults).
   */
  appendTo(sink: AppendSink, slot: number, request: AppendRequest): void {
    const { topic, partition, records } = request;
    const p = this.getPartition(topic, partition);
    const settings = this.topics.get(topic)?.settings;
    if (p === undefined || settings === undefined) {
      sink.done(slot, failedAppend(this.missing(topic, partition)));
      return;
    }
    // The one view of the batch header the whole produce path uses (validation, the log).
    const header =
      records !== null && records.length >= BATCH_HEADER_BYTES ? new BatchHeader(records, 0) : null;
    const refused = this.verifyIfTransactional(header, topic, partition);
    if (refused !== null) {
      const message = 'the partition is not part of an ongoing transaction of this producer';
      sink.done(slot, failedAppend(refused, { message }));
      return;
    }
    const options = {
      acks: request.acks,
      apiVersion: request.apiVersion,
      nowMs: this.nowMs(),
      timestampBeforeMaxMs: settings.timestampBeforeMaxMs,
      timestampAfterMaxMs: settings.timestampAfterMaxMs,
      timeoutMs: request.timeoutMs ?? 30_000,
      minInsyncReplicas: settings.minInsyncReplicas,
    };
    p.appendTo({ records, header, options, sink, slot });
  }

  /** Transaction verification of a transactional batch; null for anything else. */
  private verifyIfTransactional(
    header: BatchHeader | null,
    topic: string,
    partition: number,
  ): ErrorName | null {
    const txn = transactionalProducer(header);
    if (txn === null) return null;
    const verify = this.options.verifyTransaction;
    if (verify === undefined) return 'INVALID_TXN_STATE';
    return verify(txn.producerId, txn.producerEpoch, topic, partition);
  }

  /**
   * A Fetch request: its fetch session (KIP-227) names the partitions to read (a full fetch:
   * those of the request; an incremental one: the session's, updated by the request), they are
   * read as `fetchPartitions` reads them, and the session keeps what was answered and leaves
   * out of an incremental response the partitions with nothing new.
   */
  async fetch(request: FetchSessionRequest, options: FetchOptions): Promise<FetchResult> {
    const session = this.fetchSessions.newContext(request);
    if (session.kind === 'error') {
      return { error: session.error, sessionId: 0, partitions: [], reads: [] };
    }
    const names = session.partitions.map((p) =>
      request.usesTopicIds ? (this.topicName(p.topicId) ?? '') : p.topic,
    );
    const reads = await this.fetchPartitions(
      session.partitions.map((p, i) => ({
        topic: names[i]!,
        partition: p.partition,
        fetchOffset: p.fetchOffset,
        maxBytes: p.maxBytes,
        currentLeaderEpoch: p.currentLeaderEpoch,
      })),
      options,
    );
    const partitions: FetchedPartition[] = [];
    session.partitions.forEach((p, i) => {
      let answer = reads[i]!;
      if (request.usesTopicIds && names[i] === '')
        answer = { ...answer, error: 'UNKNOWN_TOPIC_ID' };
      const send = this.fetchSessions.answer(session, p, {
        errorCode: answer.error === null ? 0 : ErrorCode[answer.error],
        highWatermark: answer.highWatermark,
        logStartOffset: answer.logStartOffset,
        recordBytes: answer.records.length,
      });
      // A redirect to a preferred read replica is always sent (Kafka's session does too).
      if (send || answer.preferredReadReplica !== undefined) {
        partitions.push({ request: p, topic: names[i]!, answer });
      }
    });
    return { error: null, sessionId: session.sessionId, partitions, reads };
  }

  /**
   * Reads every partition within the byte limits (KIP-74: the first partition with data gets
   * at least one whole batch even past the limits); when fewer than minBytes come back, waits
   * in the purgatory for appends or maxWaitMs, then reads once more.
   *
   * The records are read into reusable buffers: once they have been sent (or dropped),
   * `releaseReads(answers)` lets later fetches reuse that memory. Never releasing is safe (the
   * memory is garbage collected); releasing while the records are still in use is not.
   */
  async fetchPartitions(
    reads: readonly ReadRequest[],
    options: FetchOptions,
  ): Promise<ReadAnswer[]> {
    const first = await this.readAll(reads, options);
    const bytes = first.reduce((n, a) => n + a.records.length, 0);
    // An error or a preferred read replica (KIP-392) is answered at once, as in Kafka.
    const failed = first.some((a) => a.error !== null || a.preferredReadReplica !== undefined);
    if (bytes >= options.minBytes || options.maxWaitMs <= 0 || failed) return first;
    const partitions = reads
      .map((r) => this.getPartition(r.topic, r.partition))
      .filter((p): p is Partition => p !== undefined);
    options.remote?.enterRemote();
    const outcome = await this.purgatory.wait(partitions, {
      bytesNeeded: options.minBytes - bytes,
      maxWaitMs: options.maxWaitMs,
      committed: (options.replicaId ?? -1) < 0,
    });
    options.remote?.leaveRemote();
    if (outcome === 'full' || outcome === 'closed') return first;
    this.releaseReads(first);
    return this.readAll(reads, options);
  }

  /** Hands the read buffers of `answers` back for reuse; their records must not be used after. */
  releaseReads(answers: readonly ReadAnswer[]): void {
    for (const a of answers) this.readBuffers.release(a.records);
  }

  private async readAll(
    reads: readonly ReadRequest[],
    options: FetchOptions,
  ): Promise<ReadAnswer[]> {
    const out: ReadAnswer[] = [];
    let remaining = options.maxBytes;
    let minOneBatch = true;
    for (const r of reads) {
      const answer = await this.readOne(r, {
        maxBytes: Math.max(0, Math.min(r.maxBytes, remaining)),
        minOneBatch,
        isolationLevel: options.isolationLevel,
        replicaId: options.replicaId ?? -1,
        toLogEnd: options.toLogEnd ?? false,
        clientRack: options.clientRack,
      });
      remaining -= answer.records.length;
      if (answer.records.length > 0) minOneBatch = false;
      out.push(answer);
    }
    return out;
  }

  private async readOne(
    r: ReadRequest,
    options: {
      maxBytes: number;
      minOneBatch: boolean;
      isolationLevel: number;
      replicaId: number;
      toLogEnd: boolean;
      clientRack?: string;
    },
  ): Promise<ReadAnswer> {
    const p = this.getPartition(r.topic, r.partition);
    if (p === undefined) return failedRead(this.missing(r.topic, r.partition));
    const epochError = checkLeaderEpoch(r.currentLeaderEpoch, p.leaderEpoch);
    if (epochError !== null) return { ...answerOf(p), error: epochError };
    const follower = options.replicaId >= 0;
    // Followers read from the leader; so do consumers of fetches older than v11. With a
    // replica selector configured, a consumer that names its rack may read from an in-sync
    // follower, up to the follower's high watermark (KIP-392): past it the read is empty, past
    // the log end OFFSET_OUT_OF_RANGE. Kafka serves any v11+ consumer on a follower; here a
    // consumer without a rack, or a follower out of the ISR (its high watermark may stand
    // still), gets NOT_LEADER_OR_FOLLOWER, so a consumer with stale metadata goes back to the
    // leader instead of reading a follower that may stop advancing.
    const mayReadFollower =
      !follower &&
      options.clientRack !== undefined &&
      options.clientRack !== '' &&
      (this.options.replicaSelector ?? 'leader') !== 'leader' &&
      (p.isLeader || p.isr.includes(this.localId));
    if (!p.isLeader && !mayReadFollower) return { ...answerOf(p), error: 'NOT_LEADER_OR_FOLLOWER' };
    if (p.isLeader && mayReadFollower) {
      const preferred = this.preferredReadReplica(p, r.fetchOffset, options.clientRack!);
      if (preferred !== this.localId) return { ...answerOf(p), preferredReadReplica: preferred };
    }
    if (follower) {
      // A follower past the leader's log end holds a suffix this leader does not: it must
      // truncate, and its offset must not move the high watermark.
      if (r.fetchOffset > p.logEndOffset) return { ...answerOf(p), error: 'OFFSET_OUT_OF_RANGE' };
      if (!p.updateFollowerFetchState(options.replicaId, r.fetchOffset, this.nowMs())) {
        return { ...answerOf(p), error: 'NOT_LEADER_OR_FOLLOWER' };
      }
      const expanded = p.isrChange(this.nowMs(), { lagMs: 0, fetchedBy: options.replicaId });
      if (expanded !== null) this.proposeIsr(p, expanded);
    }
    // A zero byte budget with nothing sent yet still returns one batch (KIP-74).
    if (options.maxBytes === 0 && !options.minOneBatch) return answerOf(p);
    try {
      const read = await p.read(r.fetchOffset, {
        maxBytes: options.maxBytes,
        minOneBatch: options.minOneBatch,
        isolationLevel: options.isolationLevel,
        buffers: this.readBuffers,
        toLogEnd: follower || options.toLogEnd,
      });
      return {
        ...answerOf(p),
        error: read.error,
        records: read.records,
        abortedTransactions: read.abortedTransactions,
      };
    } catch (err) {
      if (isStorageFailure(err)) return { ...answerOf(p), error: 'KAFKA_STORAGE_ERROR' };
      throw err;
    }
  }

  /**
   * KIP-392: the replica `replica.selector.class` picks for a consumer in `clientRack`, among
   * the leader and the in-sync followers whose log already reaches the fetch offset.
   */
  private preferredReadReplica(p: Partition, fetchOffset: number, clientRack: string): number {
    const selector = this.options.replicaSelector ?? 'leader';
    if (selector === 'leader' || clientRack === '') return this.localId;
    const rackOf = this.options.rackOf ?? (() => null);
    const followers = p.isr
      .filter((id) => id !== this.localId)
      .map((id) => ({ brokerId: id, rack: rackOf(id), logEndOffset: p.followerLogEndOffset(id) }))
      .filter((f) => f.logEndOffset >= fetchOffset);
    const leader = {
      brokerId: this.localId,
      rack: rackOf(this.localId),
      logEndOffset: p.logEndOffset,
    };
    return selectReadReplica(selector, { leader, followers, clientRack });
  }

  /** WriteTxnMarkers: a COMMIT/ABORT marker in one partition this node leads. */
  async writeTxnMarker(
    topic: string,
    partition: number,
    marker: TxnMarker,
  ): Promise<{ error: ErrorName | null }> {
    const { partition: p, error } = this.leaderPartition(topic, partition);
    if (p === null) return { error };
    return p.writeTxnMarker(marker, { nowMs: this.nowMs() });
  }

  /**
   * Forgets producers whose last batch is older than producer.id.expiration.ms, as Kafka does,
   * so the producer state of a partition does not grow with every producer it ever saw.
   */
  expireProducers(expirationMs: number): number {
    let removed = 0;
    const nowMs = this.nowMs();
    for (const p of this.partitions.values()) removed += p.producers.expire(nowMs, expirationMs);
    return removed;
  }

  /**
   * Kafka's ISR shrink check (every half of replica.lag.time.max.ms): each led partition
   * proposes dropping the followers that have not caught up for that long.
   */
  maybeShrinkIsr(): void {
    const lagMs = this.options.replicaLagTimeMaxMs ?? 30_000;
    const nowMs = this.nowMs();
    for (const p of this.partitions.values()) {
      if (!p.isLeader || p.replicas.length <= 1) continue;
      const shrunk = p.isrChange(nowMs, { lagMs });
      if (shrunk !== null) this.proposeIsr(p, shrunk);
    }
  }

  /**
   * Sends an ISR change to the controller with the partition epoch as the fence. The new ISR
   * applies only when the PartitionChangeRecord comes back through metadata replay; until
   * then (or until the controller refuses) the partition proposes nothing else.
   */
  private proposeIsr(p: Partition, isr: readonly number[]): void {
    const controller = this.options.controller;
    if (controller === undefined) return;
    p.setPendingIsr(isr);
    const request = {
      brokerId: this.localId,
      brokerEpoch: this.options.brokerEpoch?.() ?? -1n,
      topics: [
        {
          topicId: p.topicId,
          partitions: [
            {
              partitionIndex: p.partition,
              leaderEpoch: p.leaderEpoch,
              // v3 (what the controller channels speak) names the ISR in newIsrWithEpochs
              // only; newIsr is the field of v0-2 and must stay empty.
              newIsr: [],
              newIsrWithEpochs: isr.map((brokerId) => ({ brokerId, brokerEpoch: -1n })),
              leaderRecoveryState: 0,
              partitionEpoch: p.partitionEpoch,
            },
          ],
        },
      ],
    };
    const logger = this.options.logger;
    const what = `${p.topic}-${p.partition}`;
    logger?.info(`[Partition ${what}] proposing ISR ${JSON.stringify(isr)}`, {
      from: p.isr,
      partitionEpoch: p.partitionEpoch,
    });
    controller.alterPartition(request).then(
      (response) => {
        const answer = response.topics[0]?.partitions[0];
        const code = response.errorCode !== 0 ? response.errorCode : (answer?.errorCode ?? -1);
        if (code !== 0) {
          logger?.warn(`[Partition ${what}] the controller refused the ISR change`, { code });
          p.setPendingIsr(null);
          return;
        }
        // Already applied by replay (or nothing to apply): nothing is pending any more.
        if (answer !== undefined && p.partitionEpoch >= answer.partitionEpoch)
          p.setPendingIsr(null);
      },
      (err: unknown) => {
        logger?.warn(`[Partition ${what}] the ISR change did not reach the controller`, {
          err: err instanceof Error ? err.message : String(err),
        });
        p.setPendingIsr(null);
      },
    );
  }

  /** Reads replication-offset-checkpoint of every log dir (at start, before partitions open). */
  async loadHighWatermarks(): Promise<void> {
    this.savedHighWatermarks = await readHighWatermarks(this.logs.fs, this.logs.logDirs);
  }

  /** Writes each log dir's replication-offset-checkpoint with its partitions' high watermarks. */
  async checkpointHighWatermarks(): Promise<void> {
    const byDir = new Map<string, { topic: string; partition: number; offset: number }[]>();
    for (const dir of this.logs.logDirs) byDir.set(dir, []);
    for (const p of this.partitions.values()) {
      const dir = this.logs.logDirOf(p.topic, p.partition);
      if (dir === undefined) continue;
      const list = byDir.get(dir) ?? [];
      list.push({ topic: p.topic, partition: p.partition, offset: p.highWatermark });
      byDir.set(dir, list);
    }
    for (const [dir, entries] of byDir) {
      await writeHighWatermarks(this.logs.fs, dir, entries).catch((err: unknown) => {
        if (!isStorageFailure(err)) throw err;
        this.options.logger?.warn('writing replication-offset-checkpoint failed', { dir, err });
      });
    }
  }

  /** Clean shutdown: releases waiting fetches and snapshots producer state. */
  async close(): Promise<void> {
    this.purgatory.close();
    await this.options.fetchers?.close();
    this.options.controller?.close();
    for (const p of this.partitions.values()) await p.close();
    await this.checkpointHighWatermarks();
  }
}

/** KIP-320: a consumer's view of the leader epoch must match the partition's. */
/** A shrink when a member left the ISR, an expansion when one joined (both may happen). */
function countIsrChange(
  counts: { shrinks: number; expands: number },
  before: readonly number[],
  after: readonly number[],
): void {
  if (before.some((id) => !after.includes(id))) counts.shrinks++;
  if (after.some((id) => !before.includes(id))) counts.expands++;
}

export function checkLeaderEpoch(requested: number, current: number): ErrorName | null {
  if (requested < 0 || requested === current) return null;
  return requested > current ? 'UNKNOWN_LEADER_EPOCH' : 'FENCED_LEADER_EPOCH';
}

function answerOf(p: Partition): ReadAnswer {
  return {
    error: null,
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    logStartOffset: p.logStartOffset,
    records: EMPTY,
  };
}

function failedRead(error: ErrorName): ReadAnswer {
  return { error, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1, records: EMPTY };
}

/** Producer id and epoch of a transactional batch; null for anything else (validated later). */
function transactionalProducer(
  h: BatchHeader | null,
): { producerId: bigint; producerEpoch: number } | null {
  if (h === null) return null;
  if (h.magic !== 2 || !h.isTransactional || h.isControl) return null;
  return { producerId: h.producerId, producerEpoch: h.producerEpoch };
}
