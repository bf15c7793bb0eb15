// A consumer in a classic consumer group (JoinGroup/SyncGroup/Heartbeat, KIP-62 timeouts).
// The member joins with its subscription, the leader computes the assignment with the
// assignor the group agreed on, and every member fetches its partitions from their committed
// offsets (or auto.offset.reset). Eager assignors give up all partitions before rejoining;
// cooperative-sticky gives up only those that move and rejoins at once so their new owners
// get them (KIP-429). Offsets of records the application has taken from the iterator are
// committed automatically (auto.commit.interval.ms), before partitions are given up, and on
// close; `commit()` commits on demand.
import {
  createHeartbeatRequest,
  createJoinGroupRequest,
  createLeaveGroupRequest,
  createSyncGroupRequest,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type LeaveGroupResponse,
  type SyncGroupResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import { Consumer } from '../consumer/consumer.js';
import type {
  ConsumerBatch,
  ConsumerOptions,
  ConsumerRecord,
  TopicPartition,
} from '../consumer/types.js';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../consumer-protocol.js';
import { ClientError, KafkaError } from '../errors.js';
import { commitOffsets, fetchCommittedOffsets, findGroupCoordinator } from '../group-requests.js';
import { sleep } from '../retry.js';
import { ASSIGNORS, type Assignor, type MemberSubscription } from './assignors.js';
import { ConsumerGroupMembership, type Subscription } from './consumer-group-membership.js';

export interface RebalanceListener {
  /** Partitions about to be given up; their offsets are committed right after. */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** Partitions taken away without a chance to commit (the member was fenced). */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
}

export interface GroupConsumerOptions extends ConsumerOptions {
  groupId: string;
  /** group.instance.id: static membership (KIP-345). */
  groupInstanceId?: string | null;
  /** session.timeout.ms */
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms: how long a rebalance may wait for this member. */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms */
  heartbeatIntervalMs?: number;
  /** partition.assignment.strategy, in preference order (Kafka 4: range, cooperative-sticky). */
  assignors?: readonly (Assignor | 'range' | 'roundrobin' | 'cooperative-sticky')[];
  /** enable.auto.commit */
  autoCommit?: boolean;
  /** auto.commit.interval.ms */
  autoCommitIntervalMs?: number;
  rebalanceListener?: RebalanceListener;
  /**
   * group.protocol: 'classic' (JoinGroup/SyncGroup, the default) or 'consumer' (KIP-848: the
   * broker assigns; `assignors` are then unused).
   */
  groupProtocol?: 'classic' | 'consumer';
  /** group.remote.assignor for the 'consumer' protocol ('uniform' or 'range'). */
  serverAssignor?: string;
}

const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;
const ILLEGAL_GENERATION = 22;
const MEMBER_ID_REQUIRED = 79;
const FENCED_INSTANCE_ID = 82;

export class GroupConsumer {
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly o: GroupConsumerOptions;
  private readonly assignors: Assignor[];
  private topics: string[] = [];
  /** A pattern subscription, and when the classic protocol last matched it. */
  private pattern: { source: string; matcher: RegExp } | null = null;
  private patternCheckedMs = -Infinity;
  private memberId = '';
  private generationId = -1;
  private protocol: Assignor | null = null;
  private owned: TopicPartition[] = [];
  /** Offsets (next to read) of records the application has taken, not yet committed. */
  private readonly processed = new Map<string, { tp: TopicPartition; offset: bigint }>();
  private running = false;
  private rejoin = true;
  private joining = false;
  private loop: Promise<void> | null = null;
  private wakeLoop: (() => void) | null = null;
  private lastCommitMs = 0;
  private failure: Error | null = null;
  /** Set with the 'consumer' group protocol (KIP-848). */
  private readonly membership: ConsumerGroupMembership | null;
  /** The owned partitions changed since the last KIP-848 heartbeat. */
  private ownedChanged = true;

  constructor(options: GroupConsumerOptions) {
    this.o = options;
    this.groupId = options.groupId;
    this.consumer = new Consumer(options);
    this.assignors = (options.assignors ?? ['range', 'cooperative-sticky']).map((a) =>
      typeof a === 'string' ? ASSIGNORS[a]! : a,
    );
    this.membership =
      options.groupProtocol === 'consumer'
        ? new ConsumerGroupMembership(this.consumer.cluster, options.groupId, {
            groupInstanceId: options.groupInstanceId ?? null,
            rebalanceTimeoutMs: options.rebalanceTimeoutMs,
            serverAssignor: options.serverAssignor ?? null,
          })
        : null;
  }

  get cluster() {
    return this.consumer.cluster;
  }

  async connect(): Promise<void> {
    await this.consumer.connect();
  }

  /**
   * Sets the topics to consume and (re)joins the group: a list of names, or `{ pattern }`, a
   * regular expression that must match whole topic names (internal topics never match).
   * With the classic protocol the pattern is matched here against the cluster's topics, again
   * every metadataMaxAgeMs, and the member rejoins when the matches change. With the
   * 'consumer' protocol (KIP-848) the broker matches it (SubscribedTopicRegex, RE2/J syntax
   * in Kafka: keep to the common subset) and assigns new topics by itself.
   */
  subscribe(subscription: readonly string[] | { pattern: RegExp | string }): void {
    if (isPatternSubscription(subscription)) {
      const { pattern } = subscription;
      const source = typeof pattern === 'string' ? pattern : pattern.source;
      const flags = typeof pattern === 'string' ? '' : pattern.flags.replace(/[gy]/g, '');
      if (flags !== '' && this.membership !== null) {
        throw new ClientError(
          'ERR_INVALID_ARGUMENT',
          `the broker matches the pattern of a consumer-protocol group: flags (${flags}) cannot be sent`,
        );
      }
      this.pattern = { source, matcher: wholeNameMatcher(source, flags) };
      this.topics = [];
      this.patternCheckedMs = -Infinity;
    } else {
      this.pattern = null;
      this.topics = [...new Set(subscription)].sort();
      this.cluster.addTopics(this.topics);
    }
    this.rejoin = true;
    this.ownedChanged = true;
    if (!this.running) {
      this.running = true;
      this.loop = this.run();
    }
    this.wakeLoop?.();
  }

  assignment(): TopicPartition[] {
    return [...this.owned];
  }

  /**
   * What a transactional producer needs to commit this member's offsets in its transaction
   * (Producer.sendOffsetsToTransaction): the coordinator refuses them from a stale generation.
   */
  groupMetadata(): {
    groupId: string;
    generationId: number;
    memberId: string;
    groupInstanceId: string | null;
  } {
    return {
      groupId: this.groupId,
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.o.groupInstanceId ?? null,
    };
  }

  /** The member id the coordinator gave this member ('' before joining). */
  get member(): { memberId: string; generationId: number } {
    return { memberId: this.memberId, generationId: this.generationId };
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.consumer.pause(partitions);
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.consumer.resume(partitions);
  }

  seek(tp: TopicPartition, offset: bigint | 'earliest' | 'latest'): void {
    this.consumer.seek(tp, offset);
  }

  /** Records of the assigned partitions; each counts as processed once the next is asked for. */
  async *records(): AsyncGenerator<ConsumerRecord> {
    for await (const batch of this.batches()) {
      for (const r of batch.records) {
        yield r;
        this.markProcessed(r);
      }
    }
  }

  /** Batches of the assigned partitions; a batch counts as processed once the next is asked for. */
  async *batches(): AsyncGenerator<ConsumerBatch> {
    const iterator = this.consumer.batches();
    for (;;) {
      if (this.failure !== null) throw this.failure;
      const next = await iterator.next();
      if (next.done === true) {
        if (this.failure !== null) throw this.failure;
        return;
      }
      const batch = next.value;
      // Records of partitions revoked while they were buffered are not handed out.
      if (!this.owned.some((tp) => tp.topic === batch.topic && tp.partition === batch.partition))
        continue;
      yield batch;
      const last = batch.records[batch.records.length - 1];
      if (last !== undefined) this.markProcessed(last);
    }
  }

  /** Marks a record as processed: its offset + 1 is committed next. */
  markProcessed(r: ConsumerRecord): void {
    const key = `${r.topic}\u0000${r.partition}`;
    this.processed.set(key, {
      tp: { topic: r.topic, partition: r.partition },
      offset: r.offset + 1n,
    });
  }

  /** Commits the processed offsets now (or the given ones). */
  async commit(offsets?: readonly (TopicPartition & { offset: bigint })[]): Promise<void> {
    const list =
      offsets ?? [...this.processed.values()].map(({ tp, offset }) => ({ ...tp, offset }));
    if (list.length === 0) return;
    await commitOffsets(this.cluster, this.groupId, list, {
      generationId: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.o.groupInstanceId ?? null,
    });
    if (offsets === undefined) {
      for (const o of list) {
        const key = `${o.topic}\u0000${o.partition}`;
        if (this.processed.get(key)?.offset === o.offset) this.processed.delete(key);
      }
    }
  }

  /**
   * Commits, leaves the group and closes connections, giving up on each step that takes
   * longer than `timeoutMs` (default 30000, as Kafka's close) in total.
   */
  async close(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.running) {
      this.consumer.close();
      return;
    }
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    // The timer is unref'd so that a finished close never keeps the process alive.
    const bounded = (p: Promise<unknown> | undefined) =>
      Promise.race([
        p?.catch(() => {}),
        new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref()),
      ]);
    this.running = false;
    this.wakeLoop?.();
    if (this.joining) {
      // The coordinator holds a JoinGroup until the rebalance ends, and a broker answers one
      // request per connection at a time: drop the connection so LeaveGroup gets through. No
      // commit is possible while the group rebalances.
      this.cluster.disconnect();
    } else if (this.autoCommit && this.generationId >= 0) {
      await bounded(this.commit());
    }
    await bounded(this.loop ?? undefined);
    await bounded(this.leaveGroup());
    this.consumer.close();
  }

  private get autoCommit(): boolean {
    return this.o.autoCommit ?? true;
  }

  private async run(): Promise<void> {
    const heartbeatMs = this.o.heartbeatIntervalMs ?? 3000;
    while (this.running) {
      try {
        if (this.membership !== null) await this.consumerProtocolHeartbeat(this.membership);
        else if ((await this.matchPattern()) || this.rejoin) {
          this.joining = true;
          await this.joinAndSync().finally(() => (this.joining = false));
        } else await this.heartbeat();
        await this.maybeAutoCommit();
      } catch (err) {
        if (!this.running) return;
        if (!(err instanceof KafkaError || err instanceof ClientError) || !err.retriable) {
          this.failure = err as Error;
          this.consumer.close();
          return;
        }
        await sleep(this.o.retryBackoffMs ?? 100);
        continue;
      }
      if (!this.rejoin) {
        const waitMs = this.membership?.heartbeatIntervalMs ?? heartbeatMs;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          this.wakeLoop = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeLoop = null;
      }
    }
  }

  /**
   * One KIP-848 heartbeat: reports what this member owns when that changed, and moves to a
   * new assignment the broker sends (revoking first; the next heartbeat, sent at once,
   * reports the result).
   */
  private async consumerProtocolHeartbeat(membership: ConsumerGroupMembership): Promise<void> {
    const owned = this.ownedChanged ? this.owned : null;
    this.ownedChanged = false;
    let subscription: Subscription = { topics: this.topics };
    if (this.pattern !== null) {
      // ConsumerGroupHeartbeat v0 has no regex field: match here, as the classic protocol does.
      if (await membership.supportsRegex()) subscription = { regex: this.pattern.source };
      else await this.matchPattern();
    }
    const result = await membership.heartbeat(subscription, owned).catch((err: unknown) => {
      this.ownedChanged = true;
      throw err;
    });
    if (result.kind === 'fenced') {
      await this.lose();
      this.ownedChanged = true;
      return;
    }
    this.generationId = membership.memberEpoch;
    this.memberId = membership.memberId;
    if (result.assignment !== null) {
      await this.apply(result.assignment);
      this.ownedChanged = true;
    }
    this.rejoin = this.ownedChanged;
  }

  /**
   * Classic protocol: matches the pattern against the cluster's topics when metadataMaxAgeMs
   * has passed; true when the matched topics changed (the member must rejoin).
   */
  private async matchPattern(): Promise<boolean> {
    if (this.pattern === null) return false;
    const now = Date.now();
    if (now - this.patternCheckedMs < (this.o.metadataMaxAgeMs ?? 300_000)) return false;
    const { matcher } = this.pattern;
    const all = await this.cluster.listTopics();
    this.patternCheckedMs = now;
    const matched = all
      .filter((t) => !t.isInternal && !t.name.startsWith('__') && matcher.test(t.name))
      .map((t) => t.name)
      .sort();
    if (matched.length === this.topics.length && matched.every((t, i) => t === this.topics[i]))
      return false;
    this.topics = matched;
    this.cluster.addTopics(matched);
    this.rejoin = true;
    return true;
  }

  private async coordinatorConnection() {
    const nodeId = await findGroupCoordinator(this.cluster, this.groupId);
    return this.cluster.connection(nodeId);
  }

  private async joinAndSync(): Promise<void> {
    if (this.protocol?.protocol !== 'cooperative' && this.owned.length > 0) {
      await this.revoke(this.owned);
    }
    const connection = await this.coordinatorConnection();
    const version = connection.versionFor(ApiKey.JoinGroup);
    const rebalanceTimeoutMs = this.o.rebalanceTimeoutMs ?? 300_000;
    const subscription = encodeSubscription({
      topics: this.topics,
      ownedPartitions: groupByTopic(this.owned),
      generationId: this.generationId,
    });
    const join = await connection.send<JoinGroupResponse>(
      ApiKey.JoinGroup,
      createJoinGroupRequest({
        groupId: this.groupId,
        sessionTimeoutMs: this.o.sessionTimeoutMs ?? 45_000,
        rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: version >= 5 ? (this.o.groupInstanceId ?? null) : null,
        protocolType: 'consumer',
        protocols: this.assignors.map((a) => ({ name: a.name, metadata: subscription })),
      }),
      { timeoutMs: rebalanceTimeoutMs + 5000 },
    );
    if (join.errorCode === MEMBER_ID_REQUIRED) {
      // KIP-394: the coordinator hands out the member id; join again with it.
      this.memberId = join.memberId;
      return;
    }
    if (join.errorCode === UNKNOWN_MEMBER_ID || join.errorCode === ILLEGAL_GENERATION) {
      await this.lose();
      this.memberId = '';
      return;
    }
    if (join.errorCode === REBALANCE_IN_PROGRESS) return;
    if (join.errorCode !== 0) throw new KafkaError(join.errorCode);
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    this.protocol = this.assignors.find((a) => a.name === join.protocolName) ?? this.assignors[0]!;
    const assignments =
      join.leader === join.memberId && !join.skipAssignment
        ? await this.computeAssignment(join)
        : [];
    const syncVersion = connection.versionFor(ApiKey.SyncGroup);
    const sync = await connection.send<SyncGroupResponse>(
      ApiKey.SyncGroup,
      createSyncGroupRequest({
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: syncVersion >= 3 ? (this.o.groupInstanceId ?? null) : null,
        protocolType: syncVersion >= 5 ? 'consumer' : null,
        protocolName: syncVersion >= 5 ? this.protocol.name : null,
        assignments,
      }),
      { timeoutMs: rebalanceTimeoutMs + 5000 },
    );
    if (sync.errorCode === REBALANCE_IN_PROGRESS) return;
    if (sync.errorCode === UNKNOWN_MEMBER_ID || sync.errorCode === ILLEGAL_GENERATION) {
      await this.lose();
      if (sync.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
      return;
    }
    if (sync.errorCode !== 0) throw new KafkaError(sync.errorCode);
    await this.apply(flatten(decodeAssignment(sync.assignment).partitions));
  }

  private async computeAssignment(join: JoinGroupResponse) {
    const members: MemberSubscription[] = join.members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        topics: s.topics,
        ownedPartitions: s.ownedPartitions ?? [],
        generationId: s.generationId ?? -1,
      };
    });
    const topics = [...new Set(members.flatMap((m) => m.topics))];
    await this.cluster.refreshMetadata(topics);
    const counts = new Map<string, number>();
    for (const t of topics) {
      const meta = this.cluster.topics.get(t);
      if (meta !== undefined && meta.errorCode === 0) counts.set(t, meta.partitions.length);
    }
    const result = this.protocol!.assign(members, counts);
    return members.map((m) => ({
      memberId: m.memberId,
      assignment: encodeAssignment({
        partitions: [...(result.get(m.memberId) ?? new Map<string, number[]>())].map(
          ([topic, partitions]) => ({
            topic,
            partitions: partitions.sort((a, b) => a - b),
          }),
        ),
      }),
    }));
  }

  /** Takes on a new assignment: revokes what moved away, starts what is new. */
  private async apply(assigned: TopicPartition[]): Promise<void> {
    const keep = (tp: TopicPartition) => assigned.some((a) => same(a, tp));
    const revoked = this.owned.filter((tp) => !keep(tp));
    if (revoked.length > 0) await this.revoke(revoked);
    const added = assigned.filter((a) => !this.owned.some((tp) => same(tp, a)));
    this.owned = assigned;
    const committed =
      added.length === 0
        ? []
        : await fetchCommittedOffsets(this.cluster, this.groupId, {
            partitions: added,
            requireStable: true,
          });
    const current = this.consumer.assignment().filter((tp) => keep(tp));
    this.consumer.assign([
      ...current,
      ...added.map((tp) => {
        const c = committed.find((o) => same(o, tp));
        return c !== undefined && c.offset >= 0n ? { ...tp, offset: c.offset } : tp;
      }),
    ]);
    this.rejoin = this.protocol?.protocol === 'cooperative' && revoked.length > 0;
    if (added.length > 0) await this.o.rebalanceListener?.onPartitionsAssigned?.(added);
  }

  private async revoke(partitions: TopicPartition[]): Promise<void> {
    await this.o.rebalanceListener?.onPartitionsRevoked?.(partitions);
    if (this.autoCommit) {
      const offsets = partitions.flatMap((tp) => {
        const p = this.processed.get(`${tp.topic}\u0000${tp.partition}`);
        return p === undefined ? [] : [{ ...tp, offset: p.offset }];
      });
      await this.commit(offsets).catch(() => {});
    }
    for (const tp of partitions) this.processed.delete(`${tp.topic}\u0000${tp.partition}`);
    this.owned = this.owned.filter((tp) => !partitions.some((p) => same(p, tp)));
    this.consumer.assign(
      this.consumer.assignment().filter((tp) => !partitions.some((p) => same(p, tp))),
    );
  }

  /** The coordinator no longer knows this member: its partitions are gone without a commit. */
  private async lose(): Promise<void> {
    const lost = this.owned;
    this.owned = [];
    this.generationId = -1;
    this.processed.clear();
    this.consumer.assign([]);
    this.rejoin = true;
    if (lost.length > 0) await this.o.rebalanceListener?.onPartitionsLost?.(lost);
  }

  private async heartbeat(): Promise<void> {
    const connection = await this.coordinatorConnection();
    const version = connection.versionFor(ApiKey.Heartbeat);
    const r = await connection.send<HeartbeatResponse>(
      ApiKey.Heartbeat,
      createHeartbeatRequest({
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: version >= 3 ? (this.o.groupInstanceId ?? null) : null,
      }),
    );
    if (r.errorCode === 0) return;
    if (r.errorCode === REBALANCE_IN_PROGRESS) {
      this.rejoin = true;
      return;
    }
    if (
      r.errorCode === UNKNOWN_MEMBER_ID ||
      r.errorCode === ILLEGAL_GENERATION ||
      r.errorCode === FENCED_INSTANCE_ID
    ) {
      await this.lose();
      if (r.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
      if (r.errorCode === FENCED_INSTANCE_ID) throw new KafkaError(r.errorCode);
      return;
    }
    throw new KafkaError(r.errorCode);
  }

  private async maybeAutoCommit(): Promise<void> {
    if (!this.autoCommit || this.generationId < 0) return;
    const now = Date.now();
    if (now - this.lastCommitMs < (this.o.autoCommitIntervalMs ?? 5000)) return;
    this.lastCommitMs = now;
    await this.commit().catch(() => {});
  }

  private async leaveGroup(): Promise<void> {
    if (this.membership !== null) return this.membership.leave();
    if (this.memberId === '' || (this.o.groupInstanceId ?? null) !== null) return;
    const connection = await this.coordinatorConnection();
    const version = connection.versionFor(ApiKey.LeaveGroup);
    const r = await connection.send<LeaveGroupResponse>(
      ApiKey.LeaveGroup,
      version >= 3
        ? createLeaveGroupRequest({
            groupId: this.groupId,
            members: [
              { memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is closing' },
            ],
          })
        : createLeaveGroupRequest({ groupId: this.groupId, memberId: this.memberId }),
    );
    if (r.errorCode !== 0 && r.errorCode !== UNKNOWN_MEMBER_ID) throw new KafkaError(r.errorCode);
  }
}

function isPatternSubscription(
  s: readonly string[] | { pattern: RegExp | string },
): s is { pattern: RegExp | string } {
  return !Array.isArray(s);
}

/** Kafka matches subscription patterns against whole topic names. */
function wholeNameMatcher(source: string, flags = ''): RegExp {
  try {
    return new RegExp(`^(?:${source})$`, flags);
  } catch (err) {
    throw new ClientError('ERR_INVALID_ARGUMENT', `invalid topic pattern ${source}`, {
      cause: err,
    });
  }
}

function same(a: TopicPartition, b: TopicPartition): boolean {
  return a.topic === b.topic && a.partition === b.partition;
}

function flatten(partitions: { topic: string; partitions: number[] }[]): TopicPartition[] {
  return partitions.flatMap((t) =>
    t.partitions.map((partition) => ({ topic: t.topic, partition })),
  );
}

function groupByTopic(tps: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const m = new Map<string, number[]>();
  for (const tp of tps) m.set(tp.topic, [...(m.get(tp.topic) ?? []), tp.partition]);
  return [...m].map(([topic, partitions]) => ({ topic, partitions }));
}
