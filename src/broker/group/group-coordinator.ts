// The group coordinator: classic groups and committed offsets for the partitions of
// __consumer_offsets this broker leads. Operations turn into records; records are appended
// to the group's partition through the CoordinatorLog and then replayed, and loading a
// partition replays everything in it, so startup and live updates change state the same way.
// A partition is loaded when its leadership arrives and unloaded (its groups and offsets
// dropped) when it leaves: COORDINATOR_LOAD_IN_PROGRESS in between, NOT_COORDINATOR after.
// Classic membership in flight (parked joins, timers) lives in memory only, as in Kafka: a
// GroupMetadata record captures it at each generation's assignment and when a group empties.
import {
  ErrorCode,
  type HeartbeatRequest,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type LeaveGroupRequest,
  type LeaveGroupResponse,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
  type ConsumerGroupDescribeResponseDescribedGroup,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
  type DescribeGroupsResponseDescribedGroup,
  type ListGroupsResponseListedGroup,
} from '../../protocol/index.js';
import { silentLogger, type Logger } from '../logger.js';
import { ClassicGroup } from './classic-group.js';
import { ClassicMembership, joinResponse, type ClientInfo } from './classic-membership.js';
import type { CoordinatorLog, CoordinatorLogEntry, TxnProducer } from './coordinator-log.js';
import type { ConsumerGroup } from './consumer-group.js';
import { describeConsumerGroup } from './consumer-group-describe.js';
import { isConsumerGroupRecordType, replayConsumerGroupRecord } from './consumer-group-records.js';
import { ConsumerMembership } from './consumer-membership.js';
import { GroupAdmin } from './group-admin.js';
import { DEFAULT_GROUP_CONFIG, consumerGroupTimeouts, type GroupConfig } from './group-config.js';
import { NO_TOPICS, type GroupContext, type TopicLookup } from './group-context.js';
import { parseCoordinatorRecord, type CoordinatorRecord } from './group-records.js';
import { OffsetManager, type FetchedGroupOffsets } from './offset-manager.js';
import { OffsetStore } from './offset-store.js';
import { partitionForGroup } from './partition-for-group.js';
import { PendingTxnOffsets } from './pending-txn-offsets.js';
import { isStorageFailure } from '../../storage/index.js';
import { systemEnvironment, type CancelTimer, type Environment } from '../../util/index.js';
import { coordinatorWriteError } from './write-errors.js';
import { CoordinatorPartitions } from '../coordinator-partitions.js';

export interface GroupCoordinatorOptions {
  log: CoordinatorLog;
  config?: Partial<GroupConfig>;
  /** Clock, timers and randomness (member ids). Default: the real ones. */
  environment?: Environment;
  /** Member ids' uuids instead of the environment's (tests that want readable ids). */
  randomUUID?: () => string;
  logger?: Logger;
  /** Topic names, ids and partition counts, for KIP-848 server-side assignment. */
  topics?: TopicLookup;
  /** A group's config overrides (GROUP config resources), read when they are needed. */
  groupConfigs?: (groupId: string) => ReadonlyMap<string, string>;
  /**
   * Creates __consumer_offsets when it does not exist yet, so that the first use of a group
   * (an OffsetCommit may come before any FindCoordinator) finds its partition led and loaded.
   */
  ensurePartitions?: () => Promise<void>;
}

/** A partition this coordinator holds, with the leader epoch it was taken over at. */
export class GroupCoordinator {
  readonly config: GroupConfig;
  private readonly log: CoordinatorLog;
  private readonly env: Environment;
  private readonly logger: Logger;
  private readonly uuid: () => string;
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly consumerGroups = new Map<string, ConsumerGroup>();
  private readonly topics: TopicLookup;
  private readonly consumerMembership: ConsumerMembership;
  private readonly offsets = new OffsetStore();
  private readonly pending = new PendingTxnOffsets();
  private readonly partitions: CoordinatorPartitions;
  private readonly membership: ClassicMembership;
  private readonly offsetManager: OffsetManager;
  private readonly admin: GroupAdmin;
  private cancelExpiry: CancelTimer | null = null;
  /** Rebalances completed since start, per protocol (the metrics' rebalance counters). */
  readonly rebalances = { classic: 0, consumer: 0 };
  private closed = false;
  /** Loads and unloads, one after the other: each waits for the ones asked for before it. */
  private readonly ensurePartitions: () => Promise<void>;

  constructor(options: GroupCoordinatorOptions) {
    this.config = { ...DEFAULT_GROUP_CONFIG, ...options.config };
    this.log = options.log;
    this.env = options.environment ?? systemEnvironment();
    this.logger = options.logger ?? silentLogger;
    this.uuid = options.randomUUID ?? (() => this.env.random.uuid());
    this.topics = options.topics ?? NO_TOPICS;
    this.ensurePartitions = options.ensurePartitions ?? (() => Promise.resolve());
    this.partitions = new CoordinatorPartitions({
      topic: '__consumer_offsets',
      replay: (p) => this.log.replay(p, (entry) => this.replayEntry(p, entry)),
      drop: (p) => this.dropPartition(p),
      loaded: (loaded) => this.onLoaded(loaded),
      logger: this.logger,
    });
    const ctx: GroupContext = {
      consumerGroups: this.consumerGroups,
      topics: this.topics,
      clock: this.env.clock,
      timers: this.env.timers,
      config: this.config,
      groups: this.groups,
      offsets: this.offsets,
      pending: this.pending,
      write: (groupId, records) => this.write(groupId, records),
      writeTransactional: (groupId, records, producer) =>
        this.writeTransactional(groupId, records, producer),
      checkGroup: (groupId) => this.checkGroup(groupId),
      newMemberId: (clientId) => `${clientId}-${this.uuid()}`,
      consumerTimeouts: (groupId) =>
        consumerGroupTimeouts(this.config, options.groupConfigs?.(groupId) ?? new Map()),
      logger: this.logger,
      onRebalance: (protocol) => this.rebalances[protocol]++,
    };
    this.membership = new ClassicMembership(ctx);
    this.consumerMembership = new ConsumerMembership(ctx);
    this.offsetManager = new OffsetManager(ctx, this.membership, this.consumerMembership);
    this.admin = new GroupAdmin(ctx, this.membership, this.consumerMembership);
  }

  /** The __consumer_offsets partition that holds a group. */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.config.offsetsTopicNumPartitions);
  }

  /**
   * Takes over partitions (all of them by default) by replaying their records. Requests for
   * their groups get COORDINATOR_LOAD_IN_PROGRESS until then, NOT_COORDINATOR before.
   */
  load(partitions?: Iterable<number>, leaderEpoch = 0): Promise<void> {
    return this.partitions.load(
      partitions ?? range(this.config.offsetsTopicNumPartitions),
      leaderEpoch,
    );
  }

  /**
   * Gives partitions up: their groups and offsets are dropped (parked requests and later
   * ones get NOT_COORDINATOR) until a load takes them over again.
   */
  unload(partitions: Iterable<number>): Promise<void> {
    return this.partitions.unload(partitions);
  }

  /**
   * Follows the leadership of a __consumer_offsets partition: loads it when this node becomes
   * its leader, unloads it when this node stops leading it.
   */
  onLeadershipChange(change: {
    partition: number;
    isLeader: boolean;
    leaderEpoch: number;
  }): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.partitions.follow(change);
  }

  /** Starts the timers of the groups of partitions just loaded. */
  private onLoaded(loaded: ReadonlySet<number>): void {
    for (const group of this.groups.values()) {
      if (!loaded.has(this.partitionFor(group.groupId))) continue;
      for (const m of group.members.values()) this.membership.scheduleHeartbeat(group, m);
    }
    for (const group of this.consumerGroups.values()) {
      if (!loaded.has(this.partitionFor(group.groupId))) continue;
      // Offsets replayed before the group's records may have made a "simple" group of it.
      this.groups.delete(group.groupId);
      this.consumerMembership.onLoaded(group);
    }
    this.scheduleExpiry();
  }

  /** Forgets every group and offset of a partition; parked requests get NOT_COORDINATOR. */
  private dropPartition(partition: number): void {
    const inPartition = (groupId: string) => this.partitionFor(groupId) === partition;
    for (const [groupId, group] of [...this.groups]) {
      if (!inPartition(groupId)) continue;
      this.membership.shutdownGroup(group, ErrorCode.NOT_COORDINATOR);
      this.groups.delete(groupId);
    }
    for (const [groupId, group] of [...this.consumerGroups]) {
      if (!inPartition(groupId)) continue;
      this.consumerMembership.shutdown(group);
      this.consumerGroups.delete(groupId);
    }
    for (const groupId of [...this.offsets.groupIds()]) {
      if (inPartition(groupId)) this.offsets.deleteGroup(groupId);
    }
    this.pending.deleteGroups(inPartition);
  }

  /** Stops all timers and answers parked requests with NOT_COORDINATOR. */
  close(): void {
    this.closed = true;
    this.cancelExpiry?.();
    this.cancelExpiry = null;
    for (const group of this.groups.values()) {
      this.membership.shutdownGroup(group, ErrorCode.NOT_COORDINATOR);
    }
    for (const group of this.consumerGroups.values()) this.consumerMembership.shutdown(group);
    this.partitions.clear();
  }

  joinGroup(req: JoinGroupRequest, client: ClientInfo): Promise<JoinGroupResponse> {
    return this.placed(req.groupId, () => {
      const consumer = this.consumerGroups.get(req.groupId);
      if (consumer && consumer.members.size > 0) {
        // Mixed-protocol groups are refused: a classic member cannot join a KIP-848 group.
        return Promise.resolve(joinResponse(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
      }
      if (consumer) this.consumerGroups.delete(req.groupId);
      return this.membership.join(req, client);
    });
  }

  /** ConsumerGroupHeartbeat (KIP-848). */
  consumerGroupHeartbeat(
    req: ConsumerGroupHeartbeatRequest,
    client: ClientInfo,
  ): Promise<ConsumerGroupHeartbeatResponse> {
    return this.placed(req.groupId, () => this.consumerMembership.heartbeat(req, client));
  }

  /** ConsumerGroupDescribe (KIP-848) for one group. */
  consumerGroupDescribe(groupId: string): ConsumerGroupDescribeResponseDescribedGroup {
    const check = this.checkGroup(groupId);
    return describeConsumerGroup(groupId, check, this.consumerGroups.get(groupId), this.topics);
  }

  syncGroup(req: SyncGroupRequest, client: ClientInfo): Promise<SyncGroupResponse> {
    return this.membership.sync(req, client);
  }

  /** Returns the Heartbeat response's error code. */
  heartbeat(req: HeartbeatRequest): number {
    return this.membership.heartbeat(req.groupId, req);
  }

  /** LeaveGroup; before v3 the single member in `memberId` leaves and its error is top-level. */
  leaveGroup(req: LeaveGroupRequest, apiVersion: number): LeaveGroupResponse {
    const batched = apiVersion >= 3;
    const leaving = batched
      ? req.members
      : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const result = this.membership.leave(req.groupId, leaving);
    if (typeof result === 'number') return { throttleTimeMs: 0, errorCode: result, members: [] };
    if (!batched) return { throttleTimeMs: 0, errorCode: result[0]!, members: [] };
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      members: leaving.map((m, i) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        errorCode: result[i]!,
      })),
    };
  }

  commitOffsets(req: OffsetCommitRequest, apiVersion: number): Promise<OffsetCommitResponse> {
    return this.placed(req.groupId, () => this.offsetManager.commit(req, apiVersion));
  }

  /** TxnOffsetCommit: offsets that become visible when the producer's transaction commits. */
  commitTransactionalOffsets(req: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse> {
    return this.placed(req.groupId, () => this.offsetManager.commitTransactional(req));
  }

  /**
   * OffsetFetch for one group. With `requireStable`, partitions with offsets of a transaction
   * not ended yet answer UNSTABLE_OFFSET_COMMIT instead of the last committed offset.
   */
  fetchOffsets(
    groupId: string,
    topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
    options: { requireStable?: boolean } = {},
  ): FetchedGroupOffsets {
    return this.offsetManager.fetch(groupId, topics, options.requireStable ?? false);
  }

  /**
   * A COMMIT or ABORT marker of `producerId` is now in __consumer_offsets partition
   * `partition`: the producer's pending offsets of that partition's groups become committed
   * offsets, or are dropped. Loading applies the markers it reads the same way; a marker of
   * a partition this coordinator does not hold is left to its load.
   */
  onTxnMarker(partition: number, marker: { producerId: bigint; commit: boolean }): void {
    if (!this.partitions.has(partition)) return;
    this.replayMarker(partition, marker.producerId, marker.commit);
  }

  deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    return this.placed(req.groupId, () => this.offsetManager.deleteOffsets(req));
  }

  describeGroup(
    groupId: string,
    options: { notFoundError: boolean },
  ): DescribeGroupsResponseDescribedGroup {
    return this.admin.describe(groupId, options);
  }

  listGroups(
    statesFilter: readonly string[],
    typesFilter: readonly string[],
  ): ListGroupsResponseListedGroup[] {
    return this.admin.list(statesFilter, typesFilter);
  }

  /** Returns DeleteGroups' error code for one group. */
  deleteGroup(groupId: string): Promise<number> {
    return this.placed(groupId, () => this.admin.delete(groupId));
  }

  /** Runs offset expiry now; returns how many offsets expired. */
  expireOffsets(): Promise<number> {
    return this.offsetManager.expire();
  }

  /** Every committed offset held now (the metrics compute consumer lag from them). */
  *committedOffsets(): Generator<{
    groupId: string;
    topic: string;
    partition: number;
    offset: number;
  }> {
    for (const groupId of this.offsets.groupIds()) {
      for (const [topic, partitions] of this.offsets.topicsOf(groupId)) {
        for (const [partition, committed] of partitions) {
          yield { groupId, topic, partition, offset: Number(committed.offset) };
        }
      }
    }
  }

  /** How many groups and offsets are held, for tests and benchmarks. */
  get stats(): { groups: number; offsets: number; pendingOffsets: number } {
    return {
      groups: this.groups.size + this.consumerGroups.size,
      offsets: this.offsets.size,
      pendingOffsets: this.pending.size,
    };
  }

  /**
   * Runs `operation` on a group; first, when no one has the group's partition yet, makes
   * __consumer_offsets exist, whose partitions then arrive (and load) through leadership
   * changes. A partition held runs it at once, so requests keep their order.
   */
  private placed<T>(groupId: string, operation: () => Promise<T>): Promise<T> {
    if (this.partitions.has(this.partitionFor(groupId))) return operation();
    return this.ensurePartitions().then(operation);
  }

  private checkGroup(groupId: string): number {
    const held = this.partitions.get(this.partitionFor(groupId));
    if (held?.state === 'loaded') return ErrorCode.NONE;
    return held?.state === 'loading'
      ? ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
      : ErrorCode.NOT_COORDINATOR;
  }

  private async write(groupId: string, records: CoordinatorRecord[]): Promise<number> {
    const partition = this.partitionFor(groupId);
    const held = this.partitions.get(partition);
    let result;
    try {
      result = await this.log.append(partition, records);
    } catch (error) {
      return this.writeFailed(groupId, error);
    }
    if (result.error !== null) return coordinatorWriteError(result.error);
    // Unloaded while the records were written: they are the next leader's to replay.
    if (held === undefined || this.partitions.get(partition) !== held) {
      return ErrorCode.NOT_COORDINATOR;
    }
    const { baseOffset } = result;
    records.forEach((record, i) => this.replay(record, baseOffset + i, -1n, false));
    return ErrorCode.NONE;
  }

  /**
   * A write to __consumer_offsets that threw. A disk failure is KAFKA_STORAGE_ERROR, which
   * Kafka's coordinator answers as NOT_COORDINATOR (the client looks the coordinator up again
   * and retries); the storage layer has logged the failing disk once, so nothing is logged
   * per request. Anything else is unexpected and logged.
   */
  private writeFailed(groupId: string, error: unknown): number {
    if (isStorageFailure(error)) return coordinatorWriteError('KAFKA_STORAGE_ERROR');
    this.logger.warn(`group ${groupId}: writing to __consumer_offsets failed`, { err: error });
    return ErrorCode.COORDINATOR_NOT_AVAILABLE;
  }

  private async writeTransactional(
    groupId: string,
    records: CoordinatorRecord[],
    producer: TxnProducer,
  ): Promise<number> {
    const partition = this.partitionFor(groupId);
    const held = this.partitions.get(partition);
    let result;
    try {
      result = await this.log.appendTransactional(partition, records, producer);
    } catch (error) {
      return this.writeFailed(groupId, error);
    }
    if (result.error !== null) return coordinatorWriteError(result.error);
    if (held === undefined || this.partitions.get(partition) !== held) {
      return ErrorCode.NOT_COORDINATOR;
    }
    const { baseOffset } = result;
    records.forEach((record, i) => this.replay(record, baseOffset + i, producer.producerId, false));
    return ErrorCode.NONE;
  }

  private replayEntry(partition: number, entry: CoordinatorLogEntry): void {
    if (entry.type === 'marker') {
      this.replayMarker(partition, entry.producerId, entry.commit);
    } else {
      this.replay(entry.record, entry.offset, entry.producerId, true);
    }
  }

  /**
   * A transaction ended in `partition`: on commit its pending offsets win over committed ones
   * written before them (Kafka compares the commit records' offsets, so compaction of the
   * topic cannot change which offset a replay materialises); on abort they are dropped.
   */
  private replayMarker(partition: number, producerId: bigint, commit: boolean): void {
    const ended = this.pending.take(producerId, (g) => this.partitionFor(g) === partition);
    if (!commit) return;
    for (const { groupId, topic, partition: p, value } of ended) {
      const existing = this.offsets.get(groupId, topic, p);
      if (existing === undefined || value.recordOffset > existing.recordOffset) {
        this.offsets.set(groupId, topic, p, value);
      }
    }
  }

  /**
   * The only place offsets and group existence change. `producerId` is that of the record's
   * transactional batch (-1n for a plain one): its offsets stay pending until a marker.
   */
  private replay(
    record: CoordinatorRecord,
    recordOffset: number,
    producerId: bigint,
    loading: boolean,
  ): void {
    let parsed;
    try {
      parsed = parseCoordinatorRecord(record);
    } catch (error) {
      this.logger.warn('__consumer_offsets: skipping an unreadable record', { err: error });
      return;
    }
    const nowMs = this.env.clock.nowMs();
    if (parsed.type === 'offset') {
      const { groupId, topic, partition, value } = parsed;
      if (value === null) {
        this.offsets.delete(groupId, topic, partition);
        this.pending.deletePartition(groupId, topic, partition);
        return;
      }
      if (producerId >= 0n) {
        this.pending.add(producerId, { groupId, topic, partition }, { ...value, recordOffset });
      } else {
        this.offsets.set(groupId, topic, partition, { ...value, recordOffset });
      }
      // Offsets without a group belong to a "simple" group, which exists while they do.
      if (!this.groups.has(groupId) && !this.consumerGroups.has(groupId)) {
        this.groups.set(groupId, new ClassicGroup(groupId, nowMs));
      }
      return;
    }
    if (parsed.type === 'other') {
      // Consumer groups (KIP-848) are rebuilt at load; live, memory is already ahead.
      if (loading && isConsumerGroupRecordType(parsed.recordType)) {
        try {
          replayConsumerGroupRecord(this.consumerGroups, record);
        } catch (error) {
          this.logger.warn('__consumer_offsets: skipping an unreadable record', { err: error });
        }
      }
      return;
    }
    if (parsed.type === 'group') {
      const { groupId, value } = parsed;
      const existing = this.groups.get(groupId);
      if (value === null) {
        if (existing) {
          this.membership.shutdownGroup(existing, ErrorCode.COORDINATOR_NOT_AVAILABLE);
          existing.transitionTo('Dead', nowMs);
          this.groups.delete(groupId);
        }
        return;
      }
      // Live, the group in memory already is what the record says; at load it is rebuilt.
      if (loading || !existing)
        this.groups.set(groupId, ClassicGroup.fromRecordValue(groupId, value, nowMs));
    }
  }

  private scheduleExpiry(): void {
    if (this.closed || this.cancelExpiry) return;
    this.cancelExpiry = this.env.timers.schedule(
      this.config.offsetsRetentionCheckIntervalMs,
      () => {
        this.cancelExpiry = null;
        this.scheduleExpiry();
        void this.expireOffsets();
      },
    );
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
