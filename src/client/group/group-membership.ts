// Membership in a consumer group, whatever the protocol: the classic one (JoinGroup, SyncGroup,
// Heartbeat; classic-membership.ts) or KIP-848's (ConsumerGroupHeartbeat, the broker assigns;
// consumer-protocol-membership.ts). GroupConsumer runs rounds of it and keeps the partitions;
// the membership tells it, through MembershipHost, when partitions are assigned, must be
// given up, or were lost.
import type { TopicPartition } from '../consumer/types.js';

export interface GroupMembership {
  /** The member id the coordinator knows this member by ('' before joining). */
  readonly memberId: string;
  /** The generation (KIP-848: the member epoch) commits carry; -1 when not in the group. */
  readonly generationId: number;
  /** A JoinGroup is under way: the coordinator holds it until the rebalance ends. */
  readonly joining: boolean;
  /** The next round must run at once (a rebalance or an acknowledgement is pending). */
  readonly pending: boolean;
  /** How long to wait between two rounds when nothing is pending. */
  readonly heartbeatIntervalMs: number;
  /**
   * True when a pattern subscription goes to the broker as it is (KIP-848), which cannot take
   * JavaScript regex flags.
   */
  readonly brokerMatchesPatterns: boolean;
  /** The subscription changed: tell the coordinator in the next round. */
  subscriptionChanged(): void;
  /** One round: join (and sync) when needed, else heartbeat; assignments go to the host. */
  round(): Promise<void>;
  /** Leaves the group (on close). */
  leave(): Promise<void>;
}

/** What a membership needs from the consumer it belongs to. */
export interface MembershipHost {
  /** The topics subscribed to (for a pattern, the ones it matched last), sorted. */
  topics(): readonly string[];
  /** The pattern of a pattern subscription, else null. */
  pattern(): string | null;
  /** Matches the pattern again when it is due; true when the matched topics changed. */
  matchPattern(): Promise<boolean>;
  /** The partitions this member owns now. */
  owned(): readonly TopicPartition[];
  /** A new assignment: gives up what moved away, starts what is new. */
  assigned(partitions: TopicPartition[]): Promise<void>;
  /** Gives partitions up (committing their offsets first) before rejoining. */
  revoke(partitions: TopicPartition[]): Promise<void>;
  /** The coordinator dropped this member: its partitions are gone without a commit. */
  lost(): Promise<void>;
}

export function samePartition(a: TopicPartition, b: TopicPartition): boolean {
  return a.topic === b.topic && a.partition === b.partition;
}
