// Membership in a classic consumer group (JoinGroup/SyncGroup/Heartbeat, KIP-62 timeouts).
// The member joins with its subscription, the leader computes the assignment with the
// assignor the group agreed on, and SyncGroup hands every member its share. Eager assignors
// give up all partitions before rejoining; cooperative-sticky gives up only those that move
// and rejoins at once so their new owners get them (KIP-429). A member id comes from the
// coordinator (KIP-394); static members (group.instance.id, KIP-345) do not leave on close.
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
import type { Cluster } from '../cluster.js';
import type { TopicPartition } from '../consumer/types.js';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../consumer-protocol.js';
import { KafkaError } from '../errors.js';
import { findGroupCoordinator } from '../group-requests.js';
import type { Assignor, MemberSubscription } from './assignors.js';
import { samePartition, type GroupMembership, type MembershipHost } from './group-membership.js';

const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;
const ILLEGAL_GENERATION = 22;
const MEMBER_ID_REQUIRED = 79;
const FENCED_INSTANCE_ID = 82;

export interface ClassicMembershipOptions {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** partition.assignment.strategy, in preference order. */
  assignors: readonly Assignor[];
}

export class ClassicMembership implements GroupMembership {
  memberId = '';
  generationId = -1;
  joining = false;
  readonly heartbeatIntervalMs: number;
  readonly brokerMatchesPatterns = false;
  private rejoin = true;
  /** The assignor the group agreed on at the last join. */
  private assignor: Assignor | null = null;
  private readonly cluster: Cluster;
  private readonly o: ClassicMembershipOptions;
  private readonly host: MembershipHost;

  constructor(cluster: Cluster, host: MembershipHost, options: ClassicMembershipOptions) {
    this.cluster = cluster;
    this.host = host;
    this.o = options;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs;
  }

  get pending(): boolean {
    return this.rejoin;
  }

  subscriptionChanged(): void {
    this.rejoin = true;
  }

  async round(): Promise<void> {
    if (await this.host.matchPattern()) this.rejoin = true;
    if (!this.rejoin) return this.heartbeat();
    this.joining = true;
    await this.joinAndSync().finally(() => (this.joining = false));
  }

  async leave(): Promise<void> {
    if (this.memberId === '' || this.o.groupInstanceId !== null) return;
    const connection = await this.coordinatorConnection();
    const version = connection.versionFor(ApiKey.LeaveGroup);
    const r = await connection.send<LeaveGroupResponse>(
      ApiKey.LeaveGroup,
      version >= 3
        ? createLeaveGroupRequest({
            groupId: this.o.groupId,
            members: [
              { memberId: this.memberId, groupInstanceId: null, reason: 'the consumer is closing' },
            ],
          })
        : createLeaveGroupRequest({ groupId: this.o.groupId, memberId: this.memberId }),
    );
    if (r.errorCode !== 0 && r.errorCode !== UNKNOWN_MEMBER_ID) throw new KafkaError(r.errorCode);
  }

  private async coordinatorConnection() {
    const nodeId = await findGroupCoordinator(this.cluster, this.o.groupId);
    return this.cluster.connection(nodeId);
  }

  private async joinAndSync(): Promise<void> {
    const owned = this.host.owned();
    if (this.assignor?.protocol !== 'cooperative' && owned.length > 0) {
      await this.host.revoke([...owned]);
    }
    const connection = await this.coordinatorConnection();
    const version = connection.versionFor(ApiKey.JoinGroup);
    const rebalanceTimeoutMs = this.o.rebalanceTimeoutMs;
    const subscription = (assignor: Assignor) =>
      encodeSubscription({
        topics: [...this.host.topics()],
        ownedPartitions: groupByTopic(this.host.owned()),
        generationId: this.generationId,
        userData: assignor.subscriptionUserData?.() ?? null,
      });
    const join = await connection.send<JoinGroupResponse>(
      ApiKey.JoinGroup,
      createJoinGroupRequest({
        groupId: this.o.groupId,
        sessionTimeoutMs: this.o.sessionTimeoutMs,
        rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: version >= 5 ? this.o.groupInstanceId : null,
        protocolType: 'consumer',
        protocols: this.o.assignors.map((a) => ({ name: a.name, metadata: subscription(a) })),
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
    const assignor =
      this.o.assignors.find((a) => a.name === join.protocolName) ?? this.o.assignors[0]!;
    this.assignor = assignor;
    const assignments =
      join.leader === join.memberId && !join.skipAssignment
        ? await this.computeAssignment(join, assignor)
        : [];
    const syncVersion = connection.versionFor(ApiKey.SyncGroup);
    const sync = await connection.send<SyncGroupResponse>(
      ApiKey.SyncGroup,
      createSyncGroupRequest({
        groupId: this.o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: syncVersion >= 3 ? this.o.groupInstanceId : null,
        protocolType: syncVersion >= 5 ? 'consumer' : null,
        protocolName: syncVersion >= 5 ? assignor.name : null,
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
    const decoded = decodeAssignment(sync.assignment);
    const assigned = flatten(decoded.partitions);
    assignor.onAssignment?.({ partitions: assigned, userData: decoded.userData ?? null });
    // Cooperative: partitions given up go to their new owners in a second rebalance, at once.
    const revoked = this.host.owned().filter((tp) => !assigned.some((a) => samePartition(a, tp)));
    this.rejoin = assignor.protocol === 'cooperative' && revoked.length > 0;
    await this.host.assigned(assigned);
  }

  private async computeAssignment(join: JoinGroupResponse, assignor: Assignor) {
    const members: MemberSubscription[] = join.members.map((m) => {
      const s = decodeSubscription(m.metadata);
      return {
        memberId: m.memberId,
        topics: s.topics,
        ownedPartitions: s.ownedPartitions ?? [],
        generationId: s.generationId ?? -1,
        userData: s.userData ?? null,
      };
    });
    const topics = [...new Set(members.flatMap((m) => m.topics))];
    await this.cluster.refreshMetadata(topics);
    const counts = new Map<string, number>();
    for (const t of topics) {
      const meta = this.cluster.topics.get(t);
      if (meta !== undefined && meta.errorCode === 0) counts.set(t, meta.partitions.length);
    }
    const result = assignor.assign(members, counts);
    const userData = assignor.assignmentUserData?.(members, result);
    return members.map((m) => ({
      memberId: m.memberId,
      assignment: encodeAssignment({
        userData: userData?.get(m.memberId) ?? null,
        partitions: [...(result.get(m.memberId) ?? new Map<string, number[]>())].map(
          ([topic, partitions]) => ({
            topic,
            partitions: partitions.sort((a, b) => a - b),
          }),
        ),
      }),
    }));
  }

  private async heartbeat(): Promise<void> {
    const connection = await this.coordinatorConnection();
    const version = connection.versionFor(ApiKey.Heartbeat);
    const r = await connection.send<HeartbeatResponse>(
      ApiKey.Heartbeat,
      createHeartbeatRequest({
        groupId: this.o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: version >= 3 ? this.o.groupInstanceId : null,
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

  /** Out of the group: the partitions are lost, and the member joins again. */
  private async lose(): Promise<void> {
    this.generationId = -1;
    this.rejoin = true;
    await this.host.lost();
  }
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
