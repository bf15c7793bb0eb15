// Server-side assignors of the KIP-848 consumer group protocol. They compute every member's
// target assignment from the members' subscriptions and the topics' partition counts.
// "uniform" (the default, like Kafka's UniformAssignor) spreads all subscribed partitions
// evenly and keeps each member's previous partitions where the balance allows; "range" (like
// Kafka's RangeAssignor) gives each subscriber of a topic a contiguous range of it.

/** topic id → partitions. */
export type Assignment = Map<string, Set<number>>;

export interface AssignorMember {
  memberId: string;
  /** Topic ids the member subscribes to that exist. */
  topicIds: readonly string[];
  /** The member's previous target, for stickiness. */
  previous: Assignment;
}

export type ServerAssignor = (
  members: readonly AssignorMember[],
  partitionCount: (topicId: string) => number,
) => Map<string, Assignment>;

function empty(members: readonly AssignorMember[]): Map<string, Assignment> {
  return new Map(members.map((m) => [m.memberId, new Map()]));
}

function add(a: Assignment, topicId: string, partition: number): void {
  let set = a.get(topicId);
  if (!set) a.set(topicId, (set = new Set()));
  set.add(partition);
}

export const rangeAssignor: ServerAssignor = (members, partitionCount) => {
  const result = empty(members);
  const topics = new Set(members.flatMap((m) => m.topicIds));
  for (const topicId of [...topics].sort()) {
    const subscribers = members
      .filter((m) => m.topicIds.includes(topicId))
      .map((m) => m.memberId)
      .sort();
    const count = partitionCount(topicId);
    const base = Math.floor(count / subscribers.length);
    const extra = count % subscribers.length;
    let next = 0;
    subscribers.forEach((memberId, i) => {
      const n = base + (i < extra ? 1 : 0);
      for (let k = 0; k < n; k++) add(result.get(memberId)!, topicId, next++);
    });
  }
  return result;
};

export const uniformAssignor: ServerAssignor = (members, partitionCount) => {
  const result = empty(members);
  const load = new Map(members.map((m) => [m.memberId, 0]));
  const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.topicIds)]));
  const all: [string, number][] = [];
  for (const topicId of [...new Set(members.flatMap((m) => m.topicIds))].sort()) {
    for (let p = 0; p < partitionCount(topicId); p++) all.push([topicId, p]);
  }
  const active = members.filter((m) => m.topicIds.length > 0).length;
  const quota = active === 0 ? 0 : Math.floor(all.length / active);
  let extras = active === 0 ? 0 : all.length % active;
  const taken = new Set<string>();
  // Stickiness first: each member keeps previous partitions up to its share.
  for (const m of [...members].sort((a, b) => (a.memberId < b.memberId ? -1 : 1))) {
    for (const [topicId, partitions] of m.previous) {
      if (!subscribed.get(m.memberId)!.has(topicId)) continue;
      for (const p of [...partitions].sort((a, b) => a - b)) {
        if (p >= partitionCount(topicId)) continue;
        const n = load.get(m.memberId)!;
        const canTakeExtra = n === quota && extras > 0;
        if (n >= quota && !canTakeExtra) break;
        if (canTakeExtra) extras--;
        add(result.get(m.memberId)!, topicId, p);
        load.set(m.memberId, n + 1);
        taken.add(`${topicId}:${p}`);
      }
    }
  }
  // The rest go to the least loaded subscriber (ties: smallest member id).
  for (const [topicId, p] of all) {
    if (taken.has(`${topicId}:${p}`)) continue;
    let best: string | null = null;
    for (const m of members) {
      if (!subscribed.get(m.memberId)!.has(topicId)) continue;
      const better =
        best === null ||
        load.get(m.memberId)! < load.get(best)! ||
        (load.get(m.memberId) === load.get(best) && m.memberId < best);
      if (better) best = m.memberId;
    }
    if (best === null) continue;
    add(result.get(best)!, topicId, p);
    load.set(best, load.get(best)! + 1);
  }
  return result;
};

export const SERVER_ASSIGNORS: ReadonlyMap<string, ServerAssignor> = new Map([
  ['uniform', uniformAssignor],
  ['range', rangeAssignor],
]);

export const DEFAULT_SERVER_ASSIGNOR = 'uniform';
