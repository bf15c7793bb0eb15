// The automatic leader balance on a cluster of processes (issue #15): three brokers with
// auto.leader.rebalance.enable (Kafka's default) and a one-second
// leader.imbalance.check.interval.seconds. A broker that is killed loses its leaderships;
// once it is back in the ISRs, the active controller moves the leadership of the partitions
// it is the preferred replica of back to it, with nobody asking.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { confluent } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { ids, partitionsOf } from './support/reassign-helpers.js';

const TOPIC = 'balanced';

let cluster: TestCluster;
before(async () => {
  cluster = await startCluster({
    brokers: 3,
    config: { 'leader.imbalance.check.interval.seconds': 1, 'broker.session.timeout.ms': 6000 },
  });
});
after(async () => {
  await cluster?.stop();
});

test('leaderships return to their preferred replica by themselves after a restart', async () => {
  await waitFor('the topic created', async () => {
    const result = await confluent<Record<string, string | null>>('admin', {
      bootstrap: cluster.bootstrap(),
      op: 'create_topics',
      topics: [{ name: TOPIC, partitions: 3, replication_factor: 3 }],
    });
    if (result[TOPIC] === 'NOT_CONTROLLER') return false;
    assert.equal(result[TOPIC], null);
    return true;
  });
  await waitFor('every replica in sync, each partition led by its preferred replica', async () =>
    (await partitionsOf(cluster, TOPIC)).every(
      (p) => p.isrs.length === 3 && p.leader === p.replicas[0]!.id,
    ),
  );
  const before = await partitionsOf(cluster, TOPIC);
  const victim = before[0]!.leader;
  const preferredBy = before.filter((p) => p.replicas[0]!.id === victim).map((p) => p.partition);
  assert.ok(preferredBy.length > 0);
  await cluster.kill(victim);
  await waitFor('its leaderships moved away', async () =>
    (await partitionsOf(cluster, TOPIC)).every((p) => p.leader !== victim && p.leader !== -1),
  );
  await cluster.restart(victim);
  await waitFor(
    'the restarted broker leads its preferred partitions again',
    async () => {
      const now = await partitionsOf(cluster, TOPIC);
      return now.every((p) => ids(p.isrs).includes(victim) && p.leader === p.replicas[0]!.id);
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
});
