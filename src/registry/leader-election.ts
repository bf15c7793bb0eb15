// Elects the one registry instance that writes, as Confluent's registry does: every instance
// joins one Kafka group (`schema-registry` by default) with the classic group protocol and
// its own protocol type ("sr"); each member's metadata names its URL and whether it may lead
// (`leader.eligibility`); the group's leader picks the writer among the eligible members and
// hands every member the writer's URL in SyncGroup. A member that misses heartbeats drops
// out and the group elects again, so a writer exists while any eligible instance is alive.
import { ProtocolGroupMember, type ClusterOptions } from '../client/index.js';

const PROTOCOL_TYPE = 'sr';
const PROTOCOL_NAME = 'v0';

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
  private readonly member: ProtocolGroupMember;

  constructor(
    self: MemberIdentity,
    private readonly options: LeaderElectionOptions,
    /** Told each time an election ends: the writer's identity (maybe this instance). */
    private readonly onElected: (leader: MemberIdentity | null) => Promise<void>,
  ) {
    this.member = new ProtocolGroupMember({
      ...options,
      groupId: this.groupId,
      protocolType: PROTOCOL_TYPE,
      sessionTimeoutMs: options.sessionTimeoutMs ?? 10_000,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 10_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      protocols: () => [{ name: PROTOCOL_NAME, metadata: Buffer.from(JSON.stringify(self)) }],
      assign: (_round, members) => Promise.resolve(choose(members)),
      onAssigned: (bytes) => {
        const assignment = JSON.parse(bytes.toString('utf8') || '{}') as {
          leader?: MemberIdentity | null;
        };
        return this.elected(assignment.leader ?? null);
      },
      onLost: () => this.elected(null),
      // Whoever cannot reach the group cannot know it still leads: it steps down and rejoins.
      onError: () => {
        void this.elected(null).catch(() => undefined);
        this.member.requestRejoin();
      },
    });
  }

  get groupId(): string {
    return this.options.groupId ?? 'schema-registry';
  }

  start(): void {
    this.member.start();
  }

  close(): Promise<void> {
    return this.member.close();
  }

  private async elected(leader: MemberIdentity | null): Promise<void> {
    this.leader = leader;
    await this.onElected(leader);
  }
}

/** The group leader's choice: the eligible member with the smallest URL, so all agree. */
function choose(members: readonly { memberId: string; metadata: Buffer }[]): Map<string, Buffer> {
  const identities = members.map((m) => ({
    memberId: m.memberId,
    identity: JSON.parse(m.metadata.toString('utf8')) as MemberIdentity,
  }));
  const eligible = identities
    .filter((m) => m.identity.leaderEligibility)
    .sort((a, b) => (a.identity.url < b.identity.url ? -1 : 1));
  const assignment = Buffer.from(JSON.stringify({ leader: eligible[0]?.identity ?? null }));
  return new Map(identities.map((m) => [m.memberId, assignment]));
}
