// Failover with a mixed consumer group (issue #15): three `rivulet start` brokers on one etcd, a
// topic with six partitions, replication factor 3 and min.insync.replicas=2, and
// confluent-kafka-python's idempotent producer (acks=all) producing throughout while etcd is
// restarted (SIGKILL, then started again on its ports and data) and while a partition leader is
// killed with kill -9 and restarted. A consumer group of a librdkafka (confluent-kafka-python),
// a KafkaJS and a kafka-python member reads throughout. Afterwards every acknowledged record is
// in the log once, at its offset, in order, and the group as a whole has consumed every one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kafkajsMember, pythonMember, type GroupMember } from '../interop/support/group-members.js';
import { waitFor, within } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { brokerLogs, createTopic, ids, partitionsOf } from './support/cluster-admin.js';
import { checkAcknowledged, type Report } from './support/acked-records.js';
import { startPyStream, type PyStream } from './support/py-stream.js';

const TOPIC = { name: 'mixed', partitions: 6 };
const GROUP = 'mixed-readers';

let cluster: TestCluster;
let producer: PyStream<Report> | undefined;
const members: GroupMember[] = [];
before(async () => {
  cluster = await startCluster({
    brokers: 3,
    config: { 'replica.lag.time.max.ms': 2000, 'broker.session.timeout.ms': 6000 },
  });
});
after(async () => {
  producer?.kill();
  for (const m of members) {
    // A KafkaJS consumer caught mid-join may never finish disconnecting: bounded.
    if (m.name === 'kafkajs')
      await within('KafkaJS to disconnect', m.stop(), 10_000).catch(() => undefined);
    else m.kill();
  }
  await cluster?.stop();
});

const acked = (p: PyStream<Report>) => p.events.filter((r) => r.e === null).length;

test('a librdkafka, KafkaJS and kafka-python group reads every acknowledged record through an etcd restart and a leader kill -9', async () => {
  await createTopic(cluster, {
    name: TOPIC.name,
    partitions: TOPIC.partitions,
    replicationFactor: 3,
    config: { 'min.insync.replicas': '2' },
  });
  const options = { bootstrap: cluster.bootstrap(), group: GROUP, topic: TOPIC.name };
  members.push(pythonMember('confluent', { ...options, timeoutMs: 400_000 }));
  members.push(pythonMember('kafka-python', { ...options, timeoutMs: 400_000 }));
  members.push(await kafkajsMember(options));
  // Every partition owned by some member (a member's own view may lag a rebalance, so the
  // union is what counts), and every member in the group.
  await waitFor(
    'every partition assigned in the group and every member given an assignment',
    () =>
      new Set(members.flatMap((m) => m.assigned)).size === TOPIC.partitions &&
      members.every((m) => m.assignments > 0),
    { timeoutMs: 120_000 },
  );
  const p = startPyStream<Report>('acked_producer.py', {
    bootstrap: cluster.bootstrap(),
    topic: TOPIC.name,
    partitions: TOPIC.partitions,
  });
  producer = p;
  const progress = async (what: string, n = 150) => {
    const from = acked(p);
    await p.until(`${n} records acknowledged ${what}`, () => acked(p) >= from + n, 90_000);
  };
  try {
    await progress('at the start');
    // (a) etcd restarts (SIGKILL, started again on its ports and data) while producing.
    await cluster.restartEtcd();
    await progress('after etcd restarted');
    // (b) kill -9 of a partition leader, then its restart.
    const [first] = await partitionsOf(cluster, TOPIC.name);
    const leader = first!.leader;
    await cluster.kill(leader);
    await waitFor('a new leader for partition 0', async () => {
      const [now] = await partitionsOf(cluster, TOPIC.name);
      return now!.leader !== leader && now!.leader >= 0;
    });
    await progress('after the leader was killed');
    await cluster.restart(leader);
    await waitFor(
      'the restarted broker back in every ISR',
      async () => {
        const partitions = await partitionsOf(cluster, TOPIC.name);
        return partitions.every((x) => ids(x.isrs).length === 3);
      },
      { timeoutMs: 90_000 },
    );
    await progress('after the restart');
  } catch (err) {
    p.kill();
    throw new Error(
      `${String(err)}\nproducer:\n${p.stderr().slice(-2000)}\n${brokerLogs(cluster)}`,
    );
  }
  const { code, done } = await p.stop();
  assert.equal(code, 0, p.stderr());
  assert.equal(done, 0, 'every record was delivered or failed');
  const { acked: total } = await checkAcknowledged(cluster.bootstrap(), TOPIC, p.events);
  assert.ok(total >= 600, `${total} records acknowledged`);

  const consumed = () => new Set(members.flatMap((m) => [...m.records]));
  const ackedRecords = p.events.filter((r) => r.e === null);
  await waitFor(
    'the group to consume every acknowledged record',
    () => {
      const seen = consumed();
      return ackedRecords.every((r) => seen.has(`${r.p}:${r.o}`));
    },
    { timeoutMs: 120_000 },
  ).catch((err: unknown) => {
    const seen = consumed();
    const missing = ackedRecords.filter((r) => !seen.has(`${r.p}:${r.o}`));
    const by = members.map((m) => `${m.name}: ${m.records.size} read, owns ${m.assigned}`);
    throw new Error(
      `${String(err)}: ${missing.length} missing, e.g. ${JSON.stringify(missing.slice(0, 5))}\n${by.join('\n')}`,
    );
  });
  for (const m of members) {
    assert.ok(m.records.size > 0, `${m.name} read records`);
  }
});
