// Partition assignors of the classic consumer protocol, computed by the group leader. Names
// and results match the Java client's so mixed groups agree: "range" (per topic, contiguous
// ranges, members in member-id order), "roundrobin" (all partitions dealt in turn) and
// "cooperative-sticky" (keeps what members own, balances the rest, and never hands a
// partition to a new owner in the same rebalance that takes it away — KIP-429).

export interface MemberSubscription {
  memberId: string;
  topics: string[];
  /** Partitions the member owns now (cooperative protocol). */
  ownedPartitions: { topic: string; partitions: number[] }[];
  generationId: number;
  /** The member's subscription userData (its assignor's subscriptionUserData), if any. */
  userData?: Buffer | null;
}

/** memberId -> topic -> partitions */
export type GroupAssignment = Map<string, Map<string, number[]>>;

export interface Assignor {
  name: string;
  /** 'eager' members give up everything before rejoining; 'cooperative' only what moves. */
  protocol: 'eager' | 'cooperative';
  assign(
    members: readonly MemberSubscription[],
    partitionCounts: ReadonlyMap<string, number>,
  ): GroupAssignment;
  /** userData this member sends in its subscription (Kafka's subscriptionUserData). */
  subscriptionUserData?(): Buffer | null;
  /** userData for each member's assignment, computed by the leader after `assign`. */
  assignmentUserData?(
    members: readonly MemberSubscription[],
    assignment: GroupAssignment,
  ): ReadonlyMap<string, Buffer>;
  /** This member's assignment and its userData, before the partitions are taken on. */
  onAssignment?(assignment: {
    partitions: { topic: string; partition: number }[];
    userData: Buffer | null;
  }): void;
}

function emptyAssignment(members: readonly MemberSubscription[]): GroupAssignment {
  return new Map(members.map((m) => [m.memberId, new Map<string, number[]>()]));
}

function add(a: GroupAssignment, memberId: string, topic: string, partition: number): void {
  const topics = a.get(memberId)!;
  const list = topics.get(topic) ?? [];
  list.push(partition);
  topics.set(topic, list);
}

function byMemberId(a: MemberSubscription, b: MemberSubscription): number {
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

export const rangeAssignor: Assignor = {
  name: 'range',
  protocol: 'eager',
  assign(members, counts) {
    const out = emptyAssignment(members);
    const topics = new Set(members.flatMap((m) => m.topics));
    for (const topic of [...topics].sort()) {
      const count = counts.get(topic) ?? 0;
      const subscribers = members.filter((m) => m.topics.includes(topic)).sort(byMemberId);
      if (subscribers.length === 0 || count === 0) continue;
      const per = Math.floor(count / subscribers.length);
      const extra = count % subscribers.length;
      let next = 0;
      subscribers.forEach((m, i) => {
        const n = per + (i < extra ? 1 : 0);
        for (let k = 0; k < n; k++) add(out, m.memberId, topic, next++);
      });
    }
    return out;
  },
};

export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocol: 'eager',
  assign(members, counts) {
    const out = emptyAssignment(members);
    const sorted = [...members].sort(byMemberId);
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    let turn = 0;
    for (const topic of topics) {
      for (let p = 0; p < (counts.get(topic) ?? 0); p++) {
        // Deal to the next member (in a fixed circle) that subscribes to the topic.
        for (let tries = 0; tries < sorted.length; tries++) {
          const m = sorted[turn++ % sorted.length]!;
          if (m.topics.includes(topic)) {
            add(out, m.memberId, topic, p);
            break;
          }
        }
      }
    }
    return out;
  },
};

export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocol: 'cooperative',
  assign(members, counts) {
    const target = stickyTarget(members, counts);
    // A partition moving between members is only revoked this round; its new owner gets it
    // in the follow-up rebalance, once the old owner has let go.
    const owner = new Map<string, string>();
    for (const m of members) {
      for (const t of m.ownedPartitions)
        for (const p of t.partitions) owner.set(`${t.topic}:${p}`, m.memberId);
    }
    const out = emptyAssignment(members);
    for (const [memberId, topics] of target) {
      for (const [topic, partitions] of topics) {
        for (const p of partitions) {
          const current = owner.get(`${topic}:${p}`);
          if (current === undefined || current === memberId) add(out, memberId, topic, p);
        }
      }
    }
    return out;
  },
};

/** A balanced assignment that keeps as many owned partitions in place as balance allows. */
function stickyTarget(
  members: readonly MemberSubscription[],
  counts: ReadonlyMap<string, number>,
): GroupAssignment {
  const out = emptyAssignment(members);
  const all: [string, number][] = [];
  for (const topic of [...new Set(members.flatMap((m) => m.topics))].sort()) {
    for (let p = 0; p < (counts.get(topic) ?? 0); p++) all.push([topic, p]);
  }
  const total = all.length;
  const n = members.length;
  const floor = Math.floor(total / n);
  let ceilSlots = total % n;
  const taken = new Set<string>();
  const load = new Map(members.map((m) => [m.memberId, 0]));
  // Members owning the most keep first, so trimming falls on the largest owners.
  const byOwned = [...members].sort((a, b) => owned(b) - owned(a) || byMemberId(a, b));
  for (const m of byOwned) {
    let allowed = ceilSlots > 0 ? floor + 1 : floor;
    for (const t of m.ownedPartitions) {
      if (!m.topics.includes(t.topic)) continue;
      for (const p of t.partitions) {
        const key = `${t.topic}:${p}`;
        if (allowed === 0 || taken.has(key) || p >= (counts.get(t.topic) ?? 0)) continue;
        taken.add(key);
        add(out, m.memberId, t.topic, p);
        load.set(m.memberId, load.get(m.memberId)! + 1);
        allowed--;
      }
    }
    if (load.get(m.memberId)! > floor) ceilSlots--;
  }
  for (const [topic, p] of all) {
    if (taken.has(`${topic}:${p}`)) continue;
    const candidates = members
      .filter((m) => m.topics.includes(topic))
      .sort((a, b) => load.get(a.memberId)! - load.get(b.memberId)! || byMemberId(a, b));
    const m = candidates[0];
    if (m === undefined) continue;
    add(out, m.memberId, topic, p);
    load.set(m.memberId, load.get(m.memberId)! + 1);
  }
  return out;
}

function owned(m: MemberSubscription): number {
  return m.ownedPartitions.reduce((n, t) => n + t.partitions.length, 0);
}

export const ASSIGNORS: Readonly<Record<string, Assignor>> = {
  range: rangeAssignor,
  roundrobin: roundRobinAssignor,
  'cooperative-sticky': cooperativeStickyAssignor,
};
