// Consumer lag in a cluster of three `rivulet start` processes: the broker that coordinates a
// group reports kafka_consumergroup_lag for every partition the group committed, also those
// led by the other brokers (it asks their leaders for the high watermark), and a partition whose
// leader does not answer has no lag series rather than a wrong one. Also: acks=all produce waits
// for the followers, which the leader counts as RemoteTimeMs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Producer } from '../../src/client/index.js';
import { findGroupCoordinator } from '../../src/client/group-requests.js';
import { scrape, valueOf, type Series } from '../broker/metrics/scrape.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';

const TOPIC = 'lagged';
const PARTITIONS = 6;
const GROUP = 'lag-watchers';

let cluster: TestCluster;
let admin: Admin | undefined;
before(async () => {
  cluster = await startCluster({
    brokers: 3,
    // A paused broker keeps its registration (and leaderships) for the second test's while.
    config: { 'metrics.listener': 'http://127.0.0.1:0', 'broker.session.timeout.ms': 30_000 },
  });
});
after(async () => {
  admin?.close();
  await cluster?.stop();
});

/** The /metrics URL a broker logged at start. */
function metricsUrl(nodeId: number): string {
  const broker = cluster.brokers.get(nodeId);
  const match = /Prometheus metrics on (http:\/\/[^\s"',]+)/.exec(broker?.stderr() ?? '');
  assert.ok(match !== null, `broker ${nodeId} logged no metrics address`);
  return match[1]!;
}

function lagOf(series: Series, partition: number): number | undefined {
  return valueOf(series, 'kafka_consumergroup_lag', {
    consumergroup: GROUP,
    topic: TOPIC,
    partition,
  });
}

test("the coordinator reports a group's lag for partitions led by every broker", async () => {
  admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
  await waitFor(`the creation of ${TOPIC}`, async () => {
    const [created] = await admin!.createTopics([
      { name: TOPIC, numPartitions: PARTITIONS, replicationFactor: 3 },
    ]);
    // NOT_CONTROLLER (41) while the controller is elected: ask again.
    return created!.errorCode === 0 || created!.errorCode === 36;
  });
  const [meta] = await admin.describeTopics([TOPIC]);
  const leaders = new Map(meta!.partitions.map((p) => [p.partition, p.leaderId]));
  assert.ok(new Set(leaders.values()).size >= 2, `leaders spread: ${[...leaders.values()]}`);

  // Partition p gets p + 2 records (acks=all); the group commits offset 1 everywhere.
  const producer = new Producer({ bootstrapServers: cluster.bootstrap() });
  await producer.connect();
  try {
    const records = [];
    for (let p = 0; p < PARTITIONS; p++) {
      for (let i = 0; i < p + 2; i++) records.push({ topic: TOPIC, partition: p, value: `${i}` });
    }
    await producer.sendBatch(records);
  } finally {
    await producer.close();
  }
  await admin.alterOffsets(
    GROUP,
    Array.from({ length: PARTITIONS }, (_, partition) => ({
      topic: TOPIC,
      partition,
      offset: 1n,
    })),
  );
  const coordinator = await findGroupCoordinator(admin.cluster, GROUP);
  const ledElsewhere = [...leaders].filter(([, leader]) => leader !== coordinator);
  assert.ok(ledElsewhere.length > 0, 'some partition is led by another broker');

  let series: Series = new Map();
  await waitFor(`the lag of ${GROUP} on its coordinator ${coordinator}`, async () => {
    series = await scrape(metricsUrl(coordinator));
    return Array.from({ length: PARTITIONS }, (_, p) => lagOf(series, p) === p + 1).every(Boolean);
  });
  assert.equal(
    valueOf(series, 'kafka_consumergroup_lag_sum', { consumergroup: GROUP, topic: TOPIC }),
    Array.from({ length: PARTITIONS }, (_, p) => p + 1).reduce((a, b) => a + b),
  );
  // The other brokers do not coordinate the group: no lag series of it there.
  for (const nodeId of [1, 2, 3].filter((id) => id !== coordinator)) {
    const other = await scrape(metricsUrl(nodeId));
    assert.equal(lagOf(other, 0), undefined, `broker ${nodeId} reports no lag of ${GROUP}`);
  }
  // acks=all waited for the followers: the leaders counted that as remote time.
  const leader0 = leaders.get(0)!;
  const produceRemote = valueOf(
    await scrape(metricsUrl(leader0)),
    'kafka_network_requestmetrics_remotetimems_sum',
    { request: 'Produce' },
  );
  assert.ok(produceRemote! > 0, `Produce remote time on broker ${leader0}: ${produceRemote}`);
});

test('a leader that does not answer leaves its partitions without lag, not with a wrong one', async () => {
  const coordinator = await findGroupCoordinator(admin!.cluster, GROUP);
  const [meta] = await admin!.describeTopics([TOPIC]);
  const paused = meta!.partitions.find((p) => p.leaderId !== coordinator)!.leaderId;
  cluster.pause(paused);
  try {
    // Scrapes keep answering (each leader is asked with a timeout); once the answers cached
    // before the pause are out of date, the paused leader's partitions have no lag series,
    // and every other partition keeps its right lag.
    await waitFor(
      `the partitions led by the paused broker ${paused} to lose their lag`,
      async () => {
        const series = await scrape(metricsUrl(coordinator));
        for (const p of meta!.partitions) {
          const lag = lagOf(series, p.partition);
          if (p.leaderId !== paused) assert.equal(lag, p.partition + 1, `partition ${p.partition}`);
          else assert.ok(lag === undefined || lag === p.partition + 1, `partition ${p.partition}`);
        }
        const lost = meta!.partitions.every(
          (p) => p.leaderId !== paused || lagOf(series, p.partition) === undefined,
        );
        if (!lost) return false;
        // The committed offsets are known here all the same; a lag sum would miss partitions.
        for (const p of meta!.partitions) {
          const labels = { consumergroup: GROUP, topic: TOPIC, partition: p.partition };
          assert.equal(valueOf(series, 'kafka_consumergroup_current_offset', labels), 1);
        }
        const sumLabels = { consumergroup: GROUP, topic: TOPIC };
        assert.equal(valueOf(series, 'kafka_consumergroup_lag_sum', sumLabels), undefined);
        return true;
      },
    );
  } finally {
    cluster.resume(paused);
  }
});
