// Which instance runs what, so an application can route an interactive query (Kafka's
// StreamsMetadata, KeyQueryMetadata and the host map of StreamsPartitionAssignor). Each
// instance sends its `application.server` (host:port) in its subscription's userData; the
// group leader, after assigning the partitions, hands every member the map of hosts to
// partitions in the assignment's userData. The userData is JSON, not Kafka's binary
// SubscriptionInfo/AssignmentInfo, so Java Kafka Streams instances cannot join the same group.
import {
  rangeAssignor,
  type Assignor,
  type GroupAssignment,
  type MemberSubscription,
  type TopicPartition,
} from '../client/index.js';

export interface HostInfo {
  host: string;
  port: number;
}

/** One instance: where it serves queries, what it runs (Kafka's StreamsMetadata). */
export interface StreamsMetadata {
  hostInfo: HostInfo;
  stateStoreNames: string[];
  topicPartitions: TopicPartition[];
}

/** Where the store holding a key lives (Kafka's KeyQueryMetadata). */
export interface KeyQueryMetadata {
  /** `{ host: 'unavailable', port: -1 }` when no instance runs it now (Kafka's NOT_AVAILABLE). */
  activeHost: HostInfo;
  standbyHosts: HostInfo[];
  partition: number;
}

export const NOT_AVAILABLE: HostInfo = Object.freeze({ host: 'unavailable', port: -1 });

/** host:port → the partitions that instance runs, as the last assignment said. */
export type PartitionsByHost = Map<
  string,
  { hostInfo: HostInfo; partitions: TopicPartition[]; standbyTasks: string[] }
>;

export function parseHostInfo(endpoint: string): HostInfo {
  const at = endpoint.lastIndexOf(':');
  const port = Number(endpoint.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`application.server must be host:port, not ${endpoint}`);
  return { host: endpoint.slice(0, at), port };
}

/**
 * Kafka Streams' group assignor in role (named "stream", as Kafka's): the range assignment
 * (a member gets the same partition numbers of co-partitioned topics, which is what a task
 * needs), plus the host map in every member's assignment userData. It is cooperative, as
 * Kafka's: a partition that moves is only revoked from its owner in this rebalance and given
 * to its new owner in the follow-up one, so tasks that stay keep running (and keep their
 * state) through a rebalance. Co-partitioned partitions of a task move together, since their
 * old and new owners are the same. Unlike Kafka's, the target is not sticky: adding a member
 * moves what the range order says.
 */
export function streamsAssignor(options: {
  endpoint: string | null;
  onHosts: (hosts: PartitionsByHost) => void;
  /** num.standby.replicas */
  standbyReplicas?: number;
  /** The id of the task a partition feeds when that task has logged stores, else null. */
  statefulTask?: (topic: string, partition: number) => string | null;
  /** The standby tasks the assignment gives this member. */
  onStandbyTasks?: (taskIds: string[]) => void;
}): Assignor {
  return {
    name: 'stream',
    protocol: 'cooperative',
    subscriptionUserData: () =>
      Buffer.from(JSON.stringify({ version: 1, endpoint: options.endpoint })),
    assign: (members, counts) => withoutMoves(members, rangeAssignor.assign(members, counts)),
    assignmentUserData: (members, assignment) => {
      const standbys = assignStandbys(members, assignment, options);
      const byHost: { endpoint: string; partitions: [string, number][]; standbyTasks: string[] }[] =
        [];
      for (const m of members) {
        const endpoint = endpointOf(m.userData ?? null);
        if (endpoint === null) continue;
        const partitions: [string, number][] = [];
        for (const [topic, ps] of assignment.get(m.memberId) ?? [])
          for (const p of ps) partitions.push([topic, p]);
        byHost.push({ endpoint, partitions, standbyTasks: standbys.get(m.memberId) ?? [] });
      }
      return new Map(
        members.map((m) => [
          m.memberId,
          Buffer.from(
            JSON.stringify({
              version: 1,
              partitionsByHost: byHost,
              standbyTasks: standbys.get(m.memberId) ?? [],
            }),
          ),
        ]),
      );
    },
    onAssignment: ({ userData }) => {
      options.onHosts(decodeHosts(userData));
      options.onStandbyTasks?.(decodeStandbys(userData));
    },
  };
}

function endpointOf(userData: Buffer | null): string | null {
  if (userData === null || userData.length === 0) return null;
  try {
    const info = JSON.parse(userData.toString()) as { endpoint?: unknown };
    return typeof info.endpoint === 'string' ? info.endpoint : null;
  } catch {
    return null;
  }
}

function decodeHosts(userData: Buffer | null): PartitionsByHost {
  const hosts: PartitionsByHost = new Map();
  if (userData === null || userData.length === 0) return hosts;
  const info = JSON.parse(userData.toString()) as {
    partitionsByHost?: {
      endpoint: string;
      partitions: [string, number][];
      standbyTasks?: string[];
    }[];
  };
  for (const h of info.partitionsByHost ?? []) {
    hosts.set(h.endpoint, {
      hostInfo: parseHostInfo(h.endpoint),
      partitions: h.partitions.map(([topic, partition]) => ({ topic, partition })),
      standbyTasks: h.standbyTasks ?? [],
    });
  }
  return hosts;
}

/** The target assignment less the partitions another member still owns (KIP-429). */
function withoutMoves(
  members: readonly MemberSubscription[],
  target: GroupAssignment,
): GroupAssignment {
  const owner = new Map<string, string>();
  for (const m of members)
    for (const t of m.ownedPartitions)
      for (const p of t.partitions) owner.set(`${t.topic}:${p}`, m.memberId);
  const out: GroupAssignment = new Map();
  for (const [memberId, topics] of target) {
    const kept = new Map<string, number[]>();
    for (const [topic, partitions] of topics) {
      const mine = partitions.filter((p) => {
        const current = owner.get(`${topic}:${p}`);
        return current === undefined || current === memberId;
      });
      if (mine.length > 0) kept.set(topic, mine);
    }
    out.set(memberId, kept);
  }
  return out;
}

/**
 * Standby tasks (num.standby.replicas): each stateful task gets up to that many members other
 * than the one that will run it, the least loaded first, which keep its stores from the
 * changelog. The active owner is the target one, so a task withheld for a cooperative move
 * still gets standbys elsewhere.
 */
function assignStandbys(
  members: readonly MemberSubscription[],
  assignment: GroupAssignment,
  options: {
    standbyReplicas?: number;
    statefulTask?: (topic: string, partition: number) => string | null;
  },
): Map<string, string[]> {
  const out = new Map<string, string[]>(members.map((m) => [m.memberId, []]));
  const replicas = options.standbyReplicas ?? 0;
  if (replicas <= 0 || options.statefulTask === undefined) return out;
  const owners = new Map<string, string>();
  for (const [memberId, topics] of assignment)
    for (const [topic, partitions] of topics)
      for (const p of partitions) {
        const task = options.statefulTask(topic, p);
        if (task !== null) owners.set(task, memberId);
      }
  // Tasks withheld this round (moving) still have a member owning their partitions now.
  for (const m of members)
    for (const t of m.ownedPartitions)
      for (const p of t.partitions) {
        const task = options.statefulTask(t.topic, p);
        if (task !== null && !owners.has(task)) owners.set(task, m.memberId);
      }
  for (const task of [...owners.keys()].sort()) {
    const candidates = members
      .map((m) => m.memberId)
      .filter((id) => id !== owners.get(task))
      .sort((a, b) => out.get(a)!.length - out.get(b)!.length || (a < b ? -1 : a > b ? 1 : 0));
    for (const id of candidates.slice(0, replicas)) out.get(id)!.push(task);
  }
  return out;
}

function decodeStandbys(userData: Buffer | null): string[] {
  if (userData === null || userData.length === 0) return [];
  const info = JSON.parse(userData.toString()) as { standbyTasks?: string[] };
  return info.standbyTasks ?? [];
}
