// A KIP-848 consumer group: members heartbeat with ConsumerGroupHeartbeat, the coordinator
// computes every member's target assignment with a server-side assignor, and each member
// moves to its target through epochs. A member first gives up (revokes) partitions that are
// no longer its own; partitions another member still holds are handed over only once that
// member has released them. This file holds the data; consumer-membership.ts the protocol.
import { isInternalTopic } from '../../metadata/index.js';
import { compileLinearRegExp } from '../../util/index.js';
import type { CancelTimer } from '../../util/index.js';
import type { Assignment } from './server-assignors.js';

/** Kafka's consumer group states, as ConsumerGroupDescribe and ListGroups report them. */
export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable' | 'Dead';

export interface ConsumerMember {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[];
  /** A regular expression over topic names (KIP-848 v1), matched against the whole name. */
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  memberEpoch: number;
  previousMemberEpoch: number;
  /** Partitions the member may own now. */
  assigned: Assignment;
  /** Partitions the member must give up before it moves on. */
  pendingRevocation: Assignment;
  /** A static member that left with epoch -2 keeps its place until its session ends. */
  leftStatic: boolean;
  /** What the member was last told, to send the assignment only when it changes. */
  lastSent: string | null;
  cancelSession: CancelTimer | null;
  cancelRevocation: CancelTimer | null;
}

export class ConsumerGroup {
  groupEpoch = 0;
  assignmentEpoch = 0;
  readonly members = new Map<string, ConsumerMember>();
  /** Target assignment per member, as of assignmentEpoch. */
  targets = new Map<string, Assignment>();
  /** The partition counts the targets were computed with, to notice new partitions. */
  topicsSignature = '';
  assignorName = 'uniform';

  constructor(readonly groupId: string) {}

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.groupEpoch > this.assignmentEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.memberEpoch !== this.assignmentEpoch || m.pendingRevocation.size > 0)
        return 'Reconciling';
      if (!sameAssignment(m.assigned, this.targets.get(m.memberId) ?? new Map()))
        return 'Reconciling';
    }
    return 'Stable';
  }

  memberByInstance(instanceId: string): ConsumerMember | undefined {
    for (const m of this.members.values()) if (m.instanceId === instanceId) return m;
    return undefined;
  }

  /** Whether a partition is owned, or still being given up, by a member other than `memberId`. */
  heldByOther(memberId: string, topicId: string, partition: number): boolean {
    for (const m of this.members.values()) {
      if (m.memberId === memberId) continue;
      if (
        m.assigned.get(topicId)?.has(partition) ||
        m.pendingRevocation.get(topicId)?.has(partition)
      ) {
        return true;
      }
    }
    return false;
  }

  /** Topics the members subscribe to, by name or by regular expression. */
  subscribedTopicNames(allTopics: () => readonly string[]): Set<string> {
    const names = new Set<string>();
    for (const m of this.members.values()) {
      for (const t of memberTopics(m, allTopics)) names.add(t);
    }
    return names;
  }
}

export function sameAssignment(a: Assignment, b: Assignment): boolean {
  return assignmentKey(a) === assignmentKey(b);
}

/** A canonical text of an assignment, for comparisons. */
export function assignmentKey(a: Assignment): string {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([t, ps]) => `${t}:${[...ps].sort((x, y) => x - y).join(',')}`)
    .join(';');
}

export function cloneAssignment(a: Assignment): Assignment {
  return new Map([...a].map(([t, ps]) => [t, new Set(ps)]));
}

/** a minus b. */
export function subtract(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, ps] of a) {
    const rest = [...ps].filter((p) => !b.get(t)?.has(p));
    if (rest.length > 0) out.set(t, new Set(rest));
  }
  return out;
}

/** a intersected with b. */
export function intersect(a: Assignment, b: Assignment): Assignment {
  const out: Assignment = new Map();
  for (const [t, ps] of a) {
    const both = [...ps].filter((p) => b.get(t)?.has(p));
    if (both.length > 0) out.set(t, new Set(both));
  }
  return out;
}

/** The topics one member subscribes to: its names, plus (never internal) topics its regex matches. */
export function memberTopics(m: ConsumerMember, allTopics: () => readonly string[]): string[] {
  if (m.subscribedTopicRegex === null) return m.subscribedTopicNames;
  const re = compileTopicRegex(m.subscribedTopicRegex);
  if (re === null) return m.subscribedTopicNames;
  const matched = allTopics().filter((t) => !isInternalTopic(t) && re.test(t));
  return [...new Set([...m.subscribedTopicNames, ...matched])];
}

/**
 * A member's topic regex as a whole-name matcher, null when invalid. Kafka uses RE2/J; this
 * runs in linear time too and refuses what RE2 has no syntax for (backreferences, lookarounds).
 */
export function compileTopicRegex(pattern: string): RegExp | null {
  return compileLinearRegExp(pattern);
}
