// A classic group (the JoinGroup/SyncGroup protocol) and its members. This file holds the
// data and the small rules about it; the state machine that moves it is classic-membership.ts.
import {
  Reader,
  decodeConsumerProtocolSubscription,
  type GroupMetadataValue,
  type JoinGroupResponse,
  type SyncGroupResponse,
} from '../../protocol/index.js';
import type { CancelTimer } from '../../util/index.js';

/**
 * Kafka's classic group states. Empty: no members (offsets may remain). PreparingRebalance:
 * waiting for members to (re)join. CompletingRebalance: joined, waiting for the leader's
 * assignment. Stable: assignment handed out. Dead: deleted, about to disappear.
 */
export type ClassicGroupState =
  'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

export interface ClassicMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: MemberProtocol[];
  assignment: Buffer;
  /** The parked JoinGroup of a member waiting for the rebalance to complete. */
  joinWaiter: ((response: JoinGroupResponse) => void) | null;
  /** The parked SyncGroup of a member waiting for the leader's assignment. */
  syncWaiter: ((response: SyncGroupResponse) => void) | null;
  /** The JoinGroup version of the parked join, which decides skipAssignment. */
  joinVersion: number;
  cancelHeartbeat: CancelTimer | null;
}

const EMPTY = Buffer.alloc(0);

export class ClassicGroup {
  state: ClassicGroupState = 'Empty';
  stateTimestampMs: number;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  readonly members = new Map<string, ClassicMember>();
  /** group.instance.id → member id of static members (KIP-345). */
  readonly staticMembers = new Map<string, string>();
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet (KIP-394). */
  readonly pendingMembers = new Map<string, CancelTimer>();
  /** Set when a member joined during the initial delay, which then waits once more. */
  newMemberAdded = false;
  inInitialDelay = false;
  cancelJoinTimer: CancelTimer | null = null;
  cancelSyncTimer: CancelTimer | null = null;

  constructor(
    readonly groupId: string,
    nowMs: number,
  ) {
    this.stateTimestampMs = nowMs;
  }

  transitionTo(state: ClassicGroupState, nowMs: number): void {
    this.state = state;
    this.stateTimestampMs = nowMs;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  addMember(member: ClassicMember): void {
    // The first member of an empty group sets its protocol type; as in Kafka, the type stays
    // when the last member leaves, so an empty consumer group still lists as "consumer".
    if (this.members.size === 0) this.protocolType = member.protocolType;
    this.members.set(member.memberId, member);
    if (member.groupInstanceId !== null) {
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    this.leaderId ??= member.memberId;
  }

  removeMember(memberId: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    this.members.delete(memberId);
    if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    if (this.leaderId === memberId) {
      // Prefer a member that has already rejoined, so the rebalance can complete.
      const next =
        [...this.members.values()].find((m) => m.joinWaiter !== null) ??
        this.members.values().next().value;
      this.leaderId = next?.memberId ?? null;
    }
  }

  /**
   * Whether a member with these protocols may join: an empty group takes any (non-empty)
   * protocol type; otherwise the type must match and at least one protocol must be supported
   * by every member.
   */
  supportsProtocols(protocolType: string, names: readonly string[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && names.length > 0;
    return protocolType === this.protocolType && this.candidateProtocols(names).length > 0;
  }

  /** Protocols every current member supports (optionally also `extra`), in no given order. */
  private candidateProtocols(extra?: readonly string[]): string[] {
    let candidates: Set<string> | null = extra ? new Set(extra) : null;
    for (const m of this.members.values()) {
      const names = new Set(m.protocols.map((p) => p.name));
      candidates =
        candidates === null ? names : new Set([...candidates].filter((n) => names.has(n)));
    }
    return [...(candidates ?? [])];
  }

  /**
   * Kafka's choice: among protocols all members support, each member votes for the first of
   * its own list that is a candidate; the most votes win (ties: the first such protocol).
   */
  selectProtocol(): string | null {
    const candidates = new Set(this.candidateProtocols());
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name));
      if (vote) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
    }
    let best: string | null = null;
    for (const [name, count] of votes) if (best === null || count > votes.get(best)!) best = name;
    return best;
  }

  hasAllMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const m of this.members.values()) if (m.joinWaiter === null) return false;
    return true;
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /** The metadata the member sent for the group's current protocol. */
  metadataOf(member: ClassicMember): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY;
  }

  /** Topics the members of a `consumer` group subscribe to, or null when not knowable. */
  subscribedTopics(): Set<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return null;
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      try {
        const meta = this.metadataOf(m);
        const r = new Reader(meta);
        const version = r.int16();
        for (const t of decodeConsumerProtocolSubscription(r, Math.min(version, 3)).topics) {
          topics.add(t);
        }
      } catch {
        // A client's subscription we cannot read: treat the group as subscribed to anything.
        return null;
      }
    }
    return topics;
  }

  /** The record value that persists this group's membership and assignment. */
  toRecordValue(): GroupMetadataValue {
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol: this.protocolName,
      leader: this.leaderId,
      currentStateTimestamp: BigInt(this.stateTimestampMs),
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeout: m.rebalanceTimeoutMs,
        sessionTimeout: m.sessionTimeoutMs,
        subscription: this.metadataOf(m),
        assignment: m.assignment,
      })),
    };
  }

  /** Rebuilds a group from its last record, as when the coordinator loads its partition. */
  static fromRecordValue(groupId: string, v: GroupMetadataValue, nowMs: number): ClassicGroup {
    const ts = Number(v.currentStateTimestamp);
    const group = new ClassicGroup(groupId, ts >= 0 ? ts : nowMs);
    group.generationId = v.generation;
    group.protocolName = v.protocol === '' ? null : v.protocol;
    for (const m of v.members) {
      group.addMember({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeout >= 0 ? m.rebalanceTimeout : m.sessionTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: v.protocolType,
        protocols: [{ name: group.protocolName ?? '', metadata: m.subscription }],
        assignment: m.assignment,
        joinWaiter: null,
        syncWaiter: null,
        joinVersion: 0,
        cancelHeartbeat: null,
      });
    }
    group.protocolType = v.protocolType === '' ? null : v.protocolType;
    group.leaderId = v.leader;
    group.state = group.members.size === 0 ? 'Empty' : 'Stable';
    return group;
  }
}
