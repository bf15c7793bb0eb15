// Membership in a KIP-848 consumer group (group.protocol=consumer): the broker computes the
// assignment and the member only heartbeats (ConsumerGroupHeartbeat). A heartbeat carries the
// subscription and the partitions the member owns; the answer may carry a new target
// assignment (by topic id), which the member reaches by revoking what it loses first and then
// reporting what it owns in the next heartbeat. v1 has the client pick its member id; v0 gets
// it from the broker. Epoch -1 leaves the group; a fenced member rejoins with epoch 0.
import { randomUUID } from 'node:crypto';
import {
  createConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import type { TopicPartition } from '../consumer/types.js';
import { KafkaError } from '../errors.js';
import { findGroupCoordinator } from '../group-requests.js';

const UNKNOWN_MEMBER_ID = 25;
const FENCED_MEMBER_EPOCH = 110;
const LEAVE_EPOCH = -1;

export type HeartbeatResult =
  | { kind: 'ok'; assignment: TopicPartition[] | null }
  /** The coordinator dropped this member: its partitions are lost; it rejoins with epoch 0. */
  | { kind: 'fenced' };

/** What the member subscribes to: topic names, or a regex the broker matches (KIP-848). */
export type Subscription = { topics: readonly string[] } | { regex: string };

export interface MembershipOptions {
  groupInstanceId?: string | null;
  rebalanceTimeoutMs?: number;
  /** group.remote.assignor: 'uniform' or 'range'; the broker's default when absent. */
  serverAssignor?: string | null;
}

export class ConsumerGroupMembership {
  memberId = '';
  memberEpoch = 0;
  heartbeatIntervalMs = 5000;
  private readonly generatedId = randomUUID();

  constructor(
    private readonly cluster: Cluster,
    private readonly groupId: string,
    private readonly options: MembershipOptions = {},
  ) {}

  /** One heartbeat. `owned` is null when it has not changed since the last heartbeat. */
  async heartbeat(
    subscription: Subscription,
    owned: readonly TopicPartition[] | null,
  ): Promise<HeartbeatResult> {
    const response = await this.send(this.memberEpoch, subscription, owned);
    if (response.errorCode === FENCED_MEMBER_EPOCH || response.errorCode === UNKNOWN_MEMBER_ID) {
      this.memberEpoch = 0;
      return { kind: 'fenced' };
    }
    if (response.errorCode !== 0) throw new KafkaError(response.errorCode, response.errorMessage);
    if (response.memberId !== null && response.memberId !== '') this.memberId = response.memberId;
    this.memberEpoch = response.memberEpoch;
    if (response.heartbeatIntervalMs > 0) this.heartbeatIntervalMs = response.heartbeatIntervalMs;
    if (response.assignment === null) return { kind: 'ok', assignment: null };
    return {
      kind: 'ok',
      assignment: await this.resolveTopicIds(response.assignment.topicPartitions),
    };
  }

  /** Whether the coordinator matches regex subscriptions itself (ConsumerGroupHeartbeat v1+). */
  async supportsRegex(): Promise<boolean> {
    const coordinator = await findGroupCoordinator(this.cluster, this.groupId);
    const connection = await this.cluster.connection(coordinator);
    return connection.versionFor(ApiKey.ConsumerGroupHeartbeat) >= 1;
  }

  /** Leaves the group (a static member only says it is going away, epoch -2). */
  async leave(): Promise<void> {
    if (this.memberId === '' || this.memberEpoch <= 0) return;
    const staticMember = (this.options.groupInstanceId ?? null) !== null;
    await this.send(staticMember ? -2 : LEAVE_EPOCH, null, null);
    this.memberEpoch = LEAVE_EPOCH;
  }

  private async send(
    epoch: number,
    subscription: Subscription | null,
    owned: readonly TopicPartition[] | null,
  ) {
    const coordinator = await findGroupCoordinator(this.cluster, this.groupId);
    const connection = await this.cluster.connection(coordinator);
    const version = connection.versionFor(ApiKey.ConsumerGroupHeartbeat);
    if (version >= 1 && this.memberId === '') this.memberId = this.generatedId;
    const joining = epoch === 0;
    return connection.send<ConsumerGroupHeartbeatResponse>(
      ApiKey.ConsumerGroupHeartbeat,
      createConsumerGroupHeartbeatRequest({
        groupId: this.groupId,
        memberId: this.memberId,
        memberEpoch: epoch,
        instanceId: this.options.groupInstanceId ?? null,
        rackId: null,
        rebalanceTimeoutMs: joining ? (this.options.rebalanceTimeoutMs ?? 300_000) : -1,
        // A regex subscription sends an empty name list: the broker needs one of the two.
        subscribedTopicNames:
          subscription === null ? null : 'topics' in subscription ? [...subscription.topics] : [],
        subscribedTopicRegex:
          subscription !== null && 'regex' in subscription ? subscription.regex : null,
        serverAssignor: joining ? (this.options.serverAssignor ?? null) : null,
        topicPartitions: owned === null ? null : this.byTopicId(owned),
      }),
    );
  }

  private byTopicId(owned: readonly TopicPartition[]) {
    const byTopic = new Map<string, number[]>();
    for (const tp of owned) {
      const id = this.cluster.topics.get(tp.topic)?.topicId;
      if (id === undefined) continue;
      byTopic.set(id, [...(byTopic.get(id) ?? []), tp.partition]);
    }
    return [...byTopic].map(([topicId, partitions]) => ({ topicId, partitions }));
  }

  private async resolveTopicIds(
    assigned: { topicId: string; partitions: number[] }[],
  ): Promise<TopicPartition[]> {
    const nameOf = () => new Map([...this.cluster.topics.values()].map((t) => [t.topicId, t.name]));
    let names = nameOf();
    if (assigned.some((t) => !names.has(t.topicId))) {
      await this.cluster.listTopics();
      names = nameOf();
    }
    const out: TopicPartition[] = [];
    for (const t of assigned) {
      const topic = names.get(t.topicId);
      // A topic id not in the metadata yet (just created) comes again in a later heartbeat.
      if (topic === undefined) continue;
      for (const partition of t.partitions) out.push({ topic, partition });
    }
    return out;
  }
}
