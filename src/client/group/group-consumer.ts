// A consumer in a consumer group. Membership is classic (JoinGroup/SyncGroup/Heartbeat, the
// group leader assigns; classic-membership.ts) or, with groupProtocol 'consumer', KIP-848's
// (ConsumerGroupHeartbeat, the broker assigns; consumer-protocol-membership.ts); both sit
// behind GroupMembership, and this class runs their rounds and keeps the partitions. Every
// member fetches its partitions from their committed offsets (or auto.offset.reset). Offsets
// of records the application has taken from the iterator are committed automatically
// (auto.commit.interval.ms), before partitions are given up, and on close; `commit()`
// commits on demand.
import { Consumer } from '../consumer/consumer.js';
import type {
  ConsumerBatch,
  ConsumerOptions,
  ConsumerRecord,
  TopicPartition,
} from '../consumer/types.js';
import { ClientError, KafkaError } from '../errors.js';
import { commitOffsets, fetchCommittedOffsets } from '../group-requests.js';
import { sleep } from '../retry.js';
import { ASSIGNORS, type Assignor } from './assignors.js';
import { ClassicMembership } from './classic-membership.js';
import { ConsumerProtocolMembership } from './consumer-protocol-membership.js';
import {
  samePartition as same,
  type GroupMembership,
  type MembershipHost,
} from './group-membership.js';

export interface RebalanceListener {
  /** Partitions about to be given up; their offsets are committed right after. */
  onPartitionsRevoked?(partitions: TopicPartition[]): void | Promise<void>;
  onPartitionsAssigned?(partitions: TopicPartition[]): void | Promise<void>;
  /** Partitions taken away without a chance to commit (the member was fenced). */
  onPartitionsLost?(partitions: TopicPartition[]): void | Promise<void>;
  /**
   * Every completed rebalance ends here with the member's whole assignment, which may be
   * empty (onPartitionsAssigned is called only when something was added).
   */
  onRebalanceComplete?(assignment: TopicPartition[]): void | Promise<void>;
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

export class GroupConsumer {
  readonly groupId: string;
  private readonly consumer: Consumer;
  private readonly o: GroupConsumerOptions;
  private topics: string[] = [];
  /** A pattern subscription, and when it was last matched here. */
  private pattern: { source: string; matcher: RegExp } | null = null;
  private patternCheckedMs = -Infinity;
  private owned: TopicPartition[] = [];
  /** Offsets (next to read) of records the application has taken, not yet committed. */
  private readonly processed = new Map<string, { tp: TopicPartition; offset: bigint }>();
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeLoop: (() => void) | null = null;
  private lastCommitMs = 0;
  private failure: Error | null = null;
  private readonly membership: GroupMembership;

  constructor(options: GroupConsumerOptions) {
    this.o = options;
    this.groupId = options.groupId;
    this.consumer = new Consumer(options);
    const host: MembershipHost = {
      topics: () => this.topics,
      pattern: () => this.pattern?.source ?? null,
      matchPattern: () => this.matchPattern(),
      owned: () => this.owned,
      assigned: (partitions) => this.apply(partitions),
      revoke: (partitions) => this.revoke(partitions),
      lost: () => this.lose(),
    };
    const groupInstanceId = options.groupInstanceId ?? null;
    this.membership =
      options.groupProtocol === 'consumer'
        ? new ConsumerProtocolMembership(this.consumer.cluster, host, {
            groupId: options.groupId,
            groupInstanceId,
            rebalanceTimeoutMs: options.rebalanceTimeoutMs,
            serverAssignor: options.serverAssignor ?? null,
          })
        : new ClassicMembership(this.consumer.cluster, host, {
            groupId: options.groupId,
            groupInstanceId,
            sessionTimeoutMs: options.sessionTimeoutMs ?? 45_000,
            rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 300_000,
            heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
            assignors: (options.assignors ?? ['range', 'cooperative-sticky']).map((a) =>
              typeof a === 'string' ? ASSIGNORS[a]! : a,
            ),
          });
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
      if (flags !== '' && this.membership.brokerMatchesPatterns) {
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
    this.membership.subscriptionChanged();
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
      generationId: this.membership.generationId,
      memberId: this.membership.memberId,
      groupInstanceId: this.o.groupInstanceId ?? null,
    };
  }

  /** The member id the coordinator gave this member ('' before joining). */
  get member(): { memberId: string; generationId: number } {
    return { memberId: this.membership.memberId, generationId: this.membership.generationId };
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
      generationId: this.membership.generationId,
      memberId: this.membership.memberId,
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
    if (this.membership.joining) {
      // The coordinator holds a JoinGroup until the rebalance ends, and a broker answers one
      // request per connection at a time: drop the connection so LeaveGroup gets through. No
      // commit is possible while the group rebalances.
      this.cluster.disconnect();
    } else if (this.autoCommit && this.membership.generationId >= 0) {
      await bounded(this.commit());
    }
    await bounded(this.loop ?? undefined);
    await bounded(this.membership.leave());
    this.consumer.close();
  }

  private get autoCommit(): boolean {
    return this.o.autoCommit ?? true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        await this.membership.round();
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
      if (!this.membership.pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.membership.heartbeatIntervalMs);
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
   * Matches the pattern against the cluster's topics when metadataMaxAgeMs has passed; true
   * when the matched topics changed (the member must rejoin).
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
    return true;
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
    if (added.length > 0) await this.o.rebalanceListener?.onPartitionsAssigned?.(added);
    await this.o.rebalanceListener?.onRebalanceComplete?.([...assigned]);
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
    this.processed.clear();
    this.consumer.assign([]);
    if (lost.length > 0) await this.o.rebalanceListener?.onPartitionsLost?.(lost);
  }

  private async maybeAutoCommit(): Promise<void> {
    if (!this.autoCommit || this.membership.generationId < 0) return;
    const now = Date.now();
    if (now - this.lastCommitMs < (this.o.autoCommitIntervalMs ?? 5000)) return;
    this.lastCommitMs = now;
    await this.commit().catch(() => {});
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
