// What the cluster tests ask of a running cluster through real clients: the metadata (kcat -L,
// from whichever broker answers), creating a topic (confluent-kafka-python's admin client, asked
// again while the controller is being elected) and waiting for full ISRs.
import assert from 'node:assert/strict';
import { confluent, kcat } from '../../interop/support/clients.js';
import { waitFor } from '../../support/wait.js';
import type { TestCluster } from './cluster.js';

export interface PartitionMetadata {
  partition: number;
  leader: number;
  replicas: { id: number }[];
  isrs: { id: number }[];
}

export interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; partitions: PartitionMetadata[] }[];
}

/** kcat's metadata of `topic`, from the first running broker that answers. */
export async function clusterMetadata(cluster: TestCluster, topic: string): Promise<KcatMetadata> {
  for (let attempt = 0; ; attempt++) {
    const nodeIds = [...cluster.brokers.keys()];
    const nodeId = nodeIds[attempt % Math.max(1, nodeIds.length)]!;
    try {
      const args = ['-L', '-J', '-b', `127.0.0.1:${cluster.port(nodeId)}`, '-m', '10'];
      return JSON.parse(await kcat([...args, '-t', topic])) as KcatMetadata;
    } catch (err) {
      // A broker being killed or paused at this moment: ask the next one.
      if (cluster.brokers.size === 0 || attempt > 20) throw err;
    }
  }
}

export async function partitionsOf(
  cluster: TestCluster,
  topic: string,
): Promise<PartitionMetadata[]> {
  const md = await clusterMetadata(cluster, topic);
  return md.topics.find((t) => t.topic === topic)?.partitions ?? [];
}

export const ids = (list: { id: number }[]) => list.map((r) => r.id).sort();

/** Creates a topic (asking again while no controller answers) and waits for full ISRs. */
export async function createTopic(
  cluster: TestCluster,
  topic: { name: string; partitions: number; replicationFactor: number; config?: object },
): Promise<void> {
  await waitFor(`the topic ${topic.name} created`, async () => {
    const result = await confluent<Record<string, string | null>>('admin', {
      bootstrap: cluster.bootstrap(),
      op: 'create_topics',
      topics: [
        {
          name: topic.name,
          partitions: topic.partitions,
          replication_factor: topic.replicationFactor,
          config: topic.config ?? {},
        },
      ],
    });
    if (result[topic.name] === 'NOT_CONTROLLER') return false;
    assert.equal(result[topic.name], null);
    return true;
  });
  await waitFor(`every replica of ${topic.name} in the ISR`, async () => {
    const partitions = await partitionsOf(cluster, topic.name);
    return (
      partitions.length === topic.partitions &&
      partitions.every((p) => p.isrs.length === topic.replicationFactor && p.leader >= 0)
    );
  });
}

/** The tail of every running broker's log, for a failure message. */
export function brokerLogs(cluster: TestCluster, chars = 2500): string {
  return [...cluster.brokers]
    .map(([id, b]) => `broker ${id}:\n${b.stderr().slice(-chars)}`)
    .join('\n');
}
