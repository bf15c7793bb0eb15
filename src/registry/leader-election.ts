// Elects the one registry instance that writes, as Confluent's registry does: every instance
// joins one Kafka group (`schema-registry` by default) with the classic group protocol and
// its own protocol type ("sr"); each member's metadata names its URL and whether it may lead
// (`leader.eligibility`); the group's leader picks the writer among the eligible members and
// hands every member the writer's URL in SyncGroup. A member that misses heartbeats drops
// out and the group elects again, so a writer exists while any eligible instance is alive.
import {
  createHeartbeatRequest,
  createJoinGroupRequest,
  createLeaveGroupRequest,
  createSyncGroupRequest,
  type HeartbeatResponse,
  type JoinGroupResponse,
  type SyncGroupResponse,
} from '../protocol/index.js';
import { ApiKey, Cluster, findGroupCoordinator, type ClusterOptions } from '../client/index.js';

const PROTOCOL_TYPE = 'sr';
const PROTOCOL_NAME = 'v0';
const REBALANCE_IN_PROGRESS = 27;
const UNKNOWN_MEMBER_ID = 25;
const ILLEGAL_GENERATION = 22;
const MEMBER_ID_REQUIRED = 79;

export interface MemberIdentity {
  /** The URL other instances forward writes to. */
  url: string;
  leaderEligibility: boolean;
}

export interface LeaderElectionOptions extends ClusterOptions {
  /** schema.registry.group.id */
  groupId?: string;
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
}

export class LeaderElection {
  /** The writer's identity after the last completed election, or null during one. */
  leader: MemberIdentity | null = null;
  private memberId = '';
  private generationId = -1;
  private rejoin = true;
  private running = false;
  private loop: Promise<void> | null = null;
  private readonly cluster: Cluster;
  private timer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly self: MemberIdentity,
    private readonly options: LeaderElectionOptions,
    /** Told each time an election ends: the writer's identity (maybe this instance). */
    private readonly onElected: (leader: MemberIdentity | null) => Promise<void>,
  ) {
    this.cluster = new Cluster(options);
  }

  get groupId(): string {
    return this.options.groupId ?? 'schema-registry';
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async close(): Promise<void> {
    this.running = false;
    if (this.timer !== null) clearTimeout(this.timer);
    this.wake?.();
    await this.loop?.catch(() => undefined);
    if (this.memberId !== '') {
      try {
        const connection = await this.coordinator();
        await connection.send(
          ApiKey.LeaveGroup,
          createLeaveGroupRequest({
            groupId: this.groupId,
            members: [
              { memberId: this.memberId, groupInstanceId: null, reason: 'the registry is closing' },
            ],
          }),
        );
      } catch {
        // The coordinator drops the member after its session timeout anyway.
      }
    }
    this.cluster.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        if (this.rejoin) await this.joinAndSync();
        else await this.heartbeat();
      } catch {
        this.rejoin = true;
        await this.onElected(null).catch(() => undefined);
        this.leader = null;
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(
          resolve,
          this.rejoin ? 100 : (this.options.heartbeatIntervalMs ?? 1000),
        );
      });
    }
  }

  private async coordinator() {
    return this.cluster.connection(await findGroupCoordinator(this.cluster, this.groupId));
  }

  private async joinAndSync(): Promise<void> {
    const connection = await this.coordinator();
    const rebalanceTimeoutMs = this.options.rebalanceTimeoutMs ?? 10_000;
    const join = await connection.send<JoinGroupResponse>(
      ApiKey.JoinGroup,
      createJoinGroupRequest({
        groupId: this.groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs ?? 10_000,
        rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: PROTOCOL_TYPE,
        protocols: [{ name: PROTOCOL_NAME, metadata: Buffer.from(JSON.stringify(this.self)) }],
      }),
      { timeoutMs: rebalanceTimeoutMs + 5000 },
    );
    if (join.errorCode === MEMBER_ID_REQUIRED) {
      this.memberId = join.memberId;
      return;
    }
    if (join.errorCode === UNKNOWN_MEMBER_ID || join.errorCode === ILLEGAL_GENERATION) {
      this.memberId = '';
      return;
    }
    if (join.errorCode === REBALANCE_IN_PROGRESS) return;
    if (join.errorCode !== 0) throw new Error(`JoinGroup failed with error ${join.errorCode}`);
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    const assignments = join.leader === join.memberId ? this.assign(join) : [];
    const sync = await connection.send<SyncGroupResponse>(
      ApiKey.SyncGroup,
      createSyncGroupRequest({
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: connection.versionFor(ApiKey.SyncGroup) >= 5 ? PROTOCOL_TYPE : null,
        protocolName: connection.versionFor(ApiKey.SyncGroup) >= 5 ? PROTOCOL_NAME : null,
        assignments,
      }),
      { timeoutMs: rebalanceTimeoutMs + 5000 },
    );
    if (sync.errorCode === REBALANCE_IN_PROGRESS) return;
    if (sync.errorCode !== 0) {
      if (sync.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
      return;
    }
    const assignment = JSON.parse(sync.assignment.toString('utf8') || '{}') as {
      leader?: MemberIdentity | null;
    };
    this.leader = assignment.leader ?? null;
    this.rejoin = false;
    await this.onElected(this.leader);
  }

  /** The group leader's choice: the eligible member with the smallest URL, so all agree. */
  private assign(join: JoinGroupResponse): { memberId: string; assignment: Buffer }[] {
    const members = join.members.map((m) => ({
      memberId: m.memberId,
      identity: JSON.parse(m.metadata.toString('utf8')) as MemberIdentity,
    }));
    const eligible = members
      .filter((m) => m.identity.leaderEligibility)
      .sort((a, b) => (a.identity.url < b.identity.url ? -1 : 1));
    const leader = eligible[0]?.identity ?? null;
    const assignment = Buffer.from(JSON.stringify({ leader }));
    return members.map((m) => ({ memberId: m.memberId, assignment }));
  }

  private async heartbeat(): Promise<void> {
    const connection = await this.coordinator();
    const r = await connection.send<HeartbeatResponse>(
      ApiKey.Heartbeat,
      createHeartbeatRequest({
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
      }),
    );
    if (r.errorCode === 0) return;
    this.rejoin = true;
    if (r.errorCode === UNKNOWN_MEMBER_ID) this.memberId = '';
  }
}
