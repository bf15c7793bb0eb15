// Works out the partition counts of an application's internal topics and creates them, as
// Kafka Streams' InternalTopicManager does: a repartition topic gets the partitions of the
// sub-topology that writes it (or the count the application asked for), a changelog the
// partitions of its store's sub-topology, i.e. one per task. Source topics of one sub-topology
// must have the same number of partitions (co-partitioning), or the application cannot start.
import type { Admin } from '../client/index.js';
import type { SubTopology, Topology } from './topology.js';

export interface InternalTopicPlan {
  /** Partitions per sub-topology id (= its number of tasks). */
  tasksPerSubTopology: Map<number, number>;
  topics: { name: string; partitions: number; configs: Record<string, string> }[];
}

export class StreamsTopologyError extends Error {}

export async function planInternalTopics(
  admin: Admin,
  topology: Topology,
  prefix: (name: string) => string,
): Promise<InternalTopicPlan> {
  const subs = topology.subTopologies();
  const internal = topology.internalTopics;
  const external = [...new Set(subs.flatMap((s) => s.sourceTopics))].filter(
    (t) => !internal.has(t),
  );
  const counts = new Map<string, number>();
  for (const t of await admin.describeTopics(external)) {
    if (t.partitions.length === 0)
      throw new StreamsTopologyError(`source topic ${t.name} is missing`);
    counts.set(t.name, t.partitions.length);
  }
  for (const [name, spec] of internal)
    if (spec.partitions !== null) counts.set(name, spec.partitions);
  // As Kafka's copartition groups: a repartition topic read beside external topics takes their
  // partition count, so that its records reach the tasks holding the matching partitions (a
  // foreign-key join's subscription topic beside the other table's topic, for one).
  for (const s of subs) {
    const external = s.sourceTopics.flatMap((t) => (internal.has(t) ? [] : [counts.get(t)!]));
    if (external.length === 0) continue;
    for (const t of s.sourceTopics)
      if (internal.has(t) && !counts.has(t)) counts.set(t, Math.max(...external));
  }
  const tasks = new Map<number, number>();
  // Sub-topologies reading repartition topics learn their counts from the writers: iterate.
  for (let round = 0; round <= subs.length; round++) {
    for (const s of subs) {
      const known = s.sourceTopics.map((t) => counts.get(t)).filter((n) => n !== undefined);
      if (known.length === 0) continue;
      tasks.set(s.id, Math.max(...known));
      for (const topic of writtenRepartitionTopics(s, internal)) {
        if (!counts.has(topic)) counts.set(topic, Math.max(...known));
      }
    }
  }
  for (const s of subs) {
    const n = s.sourceTopics.map((t) => counts.get(t));
    if (n.some((x) => x === undefined))
      throw new StreamsTopologyError(`cannot tell the partitions of sub-topology ${s.id}`);
    if (new Set(n).size > 1)
      throw new StreamsTopologyError(
        `Topics not co-partitioned: [${s.sourceTopics.map((t) => `${t}(${counts.get(t)})`).join(', ')}]`,
      );
  }
  const topics: InternalTopicPlan['topics'] = [];
  for (const [name, spec] of internal) {
    if (spec.kind === 'repartition')
      topics.push({
        name: prefix(name),
        partitions: counts.get(name)!,
        // Kafka's repartition topics: deleted by time never, purged by the application.
        configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' },
      });
  }
  for (const s of subs) {
    for (const store of s.stores) {
      const builder = topology.storeBuilders.get(store)!;
      if (!builder.loggingEnabled) continue;
      topics.push({
        name: prefix(`${store}-changelog`),
        partitions: tasks.get(s.id)!,
        configs: builder.logConfig,
      });
    }
  }
  return { tasksPerSubTopology: tasks, topics };
}

function writtenRepartitionTopics(s: SubTopology, internal: Topology['internalTopics']): string[] {
  return s.nodes.flatMap((n) =>
    n.kind === 'sink' && typeof n.topic === 'string' && internal.has(n.topic) ? [n.topic] : [],
  );
}

/** Creates the topics that do not exist yet (TOPIC_ALREADY_EXISTS is fine: another instance). */
export async function createInternalTopics(
  admin: Admin,
  plan: InternalTopicPlan,
  replicationFactor: number,
): Promise<void> {
  if (plan.topics.length === 0) return;
  const results = await admin.createTopics(
    plan.topics.map((t) => ({
      name: t.name,
      numPartitions: t.partitions,
      replicationFactor,
      configs: t.configs,
    })),
  );
  for (const r of results) {
    if (r.errorCode !== 0 && r.errorCode !== 36)
      throw new StreamsTopologyError(
        `cannot create internal topic ${r.name}: ${r.errorMessage ?? r.errorCode}`,
      );
  }
}
