// KIP-392 fetch from the closest replica in a cluster of processes (issue #15): three
// `rivulet start` brokers in racks r1, r2 and r3 with replica.selector.class set to Kafka's
// RackAwareReplicaSelector, a partition replicated on all three, and a confluent-kafka-python
// consumer with client.rack naming a follower's rack. The leader answers its first fetch with
// that follower as the preferred read replica; the follower serves the records up to its high
// watermark (learnt from its leader's fetch responses). Where the bytes went is read from each
// broker's own metrics (kafka_server_brokertopicmetrics_bytesout_total of the topic: consumer
// bytes, not replication), not guessed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { confluent } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { brokerLogs, createTopic, partitionsOf } from './support/cluster-admin.js';

const TOPIC = 'nearby';
const RECORDS = 300;
const rackOf = (nodeId: number) => `r${nodeId}`;

let cluster: TestCluster;
before(async () => {
  cluster = await startCluster({
    brokers: 3,
    config: {
      'replica.selector.class': 'org.apache.kafka.common.replica.RackAwareReplicaSelector',
      'metrics.listener': 'http://127.0.0.1:0',
    },
    nodeConfig: (nodeId) => ({ 'broker.rack': rackOf(nodeId) }),
  });
});
after(async () => {
  await cluster?.stop();
});

/** The Prometheus endpoint a broker announced in its log. */
function metricsUrl(nodeId: number): string {
  const broker = cluster.brokers.get(nodeId)!;
  const found = /Prometheus metrics on (http:\/\/\S+)/.exec(broker.stderr());
  assert.ok(found, `broker ${nodeId} announced its metrics endpoint`);
  return found[1]!.replace(/\/metrics$/, '') + '/metrics';
}

/** A broker's consumer bytes out for the topic (0 when it has served none). */
async function bytesOut(nodeId: number): Promise<number> {
  const text = await (await fetch(metricsUrl(nodeId))).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`kafka_server_brokertopicmetrics_bytesout_total{topic="${TOPIC}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}

test('a consumer with client.rack reads every record from the follower in its rack', async () => {
  await createTopic(cluster, { name: TOPIC, partitions: 1, replicationFactor: 3 });
  const { reports } = await confluent<{ reports: { error: string | null }[] }>('produce', {
    bootstrap: cluster.bootstrap(),
    topic: TOPIC,
    config: { acks: 'all' },
    messages: Array.from({ length: RECORDS }, (_, i) => ({ value: `v-${i}`, partition: 0 })),
  });
  assert.equal(reports.filter((r) => r.error === null).length, RECORDS, 'every record acked');
  const [p] = await partitionsOf(cluster, TOPIC);
  const follower = p!.replicas.map((r) => r.id).find((id) => id !== p!.leader)!;
  const other = [1, 2, 3].find((id) => id !== follower && id !== p!.leader)!;
  // The follower's high watermark comes with its next fetch response from the leader.
  const before = await Promise.all([1, 2, 3].map(bytesOut));

  const read = await confluent<{ messages: { offset: number; value: string }[] }>(
    'consume',
    {
      bootstrap: cluster.bootstrap(),
      topic: TOPIC,
      offsets: { 0: 0 },
      count: RECORDS,
      timeout: 60,
      config: { 'client.rack': rackOf(follower) },
    },
    90_000,
  );
  const values = read.messages.map((m) => m.value);
  assert.deepEqual(
    values,
    Array.from({ length: RECORDS }, (_, i) => `v-${i}`),
    `every record once, in order\n${brokerLogs(cluster)}`,
  );
  const after = await Promise.all([1, 2, 3].map(bytesOut));
  const served = (id: number) => after[id - 1]! - before[id - 1]!;
  assert.ok(
    served(follower) > RECORDS * 3,
    `the same-rack follower ${follower} served the records (bytes out ${served(follower)})`,
  );
  assert.equal(served(p!.leader), 0, `the leader ${p!.leader} only pointed to the follower`);
  assert.equal(served(other), 0, `the other follower ${other} served nothing`);
});

test('without client.rack the consumer reads from the leader', async () => {
  const [p] = await partitionsOf(cluster, TOPIC);
  const before = await bytesOut(p!.leader);
  const read = await confluent<{ messages: unknown[] }>('consume', {
    bootstrap: cluster.bootstrap(),
    topic: TOPIC,
    offsets: { 0: 0 },
    count: RECORDS,
    timeout: 60,
  });
  assert.equal(read.messages.length, RECORDS);
  await waitFor('the leader counted the bytes it served', async () => {
    return (await bytesOut(p!.leader)) > before;
  });
});
