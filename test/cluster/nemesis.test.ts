// The nemesis (issue #15): a seeded random schedule of faults — kill -9 and restart of brokers,
// SIGSTOP/SIGCONT pauses, etcd restarts — on three `rivulet start` brokers while two
// confluent-kafka-python idempotent producers (acks=all) write to a topic with replication
// factor 3 and min.insync.replicas=2, and a librdkafka consumer group member reads. Then the
// checker: every acknowledged record present exactly once, at its acknowledged offset, in
// order per producer and partition; the group member read every one; no leader epoch of any
// partition was claimed by two brokers (their logs); replicas agree byte for byte on every
// batch of the same offset and epoch.
//
// The seed is printed; RIVULET_NEMESIS_SEED replays a schedule and RIVULET_NEMESIS_MINUTES
// sets its length (2 in CI). `npm run soak -- --seed N --minutes M` runs this file alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { pythonMember, type GroupMember } from '../interop/support/group-members.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { brokerLogs, createTopic, ids, partitionsOf } from './support/cluster-admin.js';
import { checkAcknowledged, checkReplicasAgree, type Report } from './support/acked-records.js';
import { epochsWithTwoLeaders, leaderEpochsSeen, runNemesis } from './support/nemesis.js';
import { startPyStream, type PyStream } from './support/py-stream.js';

const TOPIC = { name: 'chaos', partitions: 3 };
const SEED = Number(process.env.RIVULET_NEMESIS_SEED ?? Math.floor(Math.random() * 2 ** 31));
const MINUTES = Number(process.env.RIVULET_NEMESIS_MINUTES ?? 2);

let cluster: TestCluster;
const producers: PyStream<Report>[] = [];
let member: GroupMember | undefined;
before(async () => {
  console.log(`# nemesis seed ${SEED}, ${MINUTES} min (replay: RIVULET_NEMESIS_SEED=${SEED})`);
  cluster = await startCluster({
    brokers: 3,
    // A paused broker leaves the ISRs after 2 s and is fenced after 6 s: pauses of 1-9 s
    // hit both.
    config: { 'replica.lag.time.max.ms': 2000, 'broker.session.timeout.ms': 6000 },
  });
});
after(async () => {
  for (const p of producers) p.kill();
  member?.kill();
  await cluster?.stop();
});

const acked = (p: PyStream<Report>) => p.events.filter((r) => r.e === null).length;

test(`nemesis: seeded faults, nothing acknowledged lost, duplicated or reordered (seed ${SEED})`, async () => {
  await createTopic(cluster, {
    name: TOPIC.name,
    partitions: TOPIC.partitions,
    replicationFactor: 3,
    config: { 'min.insync.replicas': '2' },
  });
  const minutes = MINUTES;
  member = pythonMember('confluent', {
    bootstrap: cluster.bootstrap(),
    group: 'nemesis-reader',
    topic: TOPIC.name,
    timeoutMs: (minutes * 60 + 400) * 1000,
  });
  for (const prefix of ['a', 'b']) {
    producers.push(
      startPyStream<Report>('acked_producer.py', {
        bootstrap: cluster.bootstrap(),
        topic: TOPIC.name,
        partitions: TOPIC.partitions,
        prefix,
      }),
    );
  }
  let history: string[] = [];
  let logs: () => string[] = () => [];
  try {
    await Promise.all(producers.map((p) => p.until('records acknowledged', () => acked(p) >= 50)));
    const run = await runNemesis(cluster, {
      seed: SEED,
      durationMs: minutes * 60_000,
      log: (line) => console.log(`# ${line}`),
    });
    history = run.history;
    logs = run.brokerLogs;
    await waitFor(
      'every replica back in every ISR after the faults',
      async () => {
        const partitions = await partitionsOf(cluster, TOPIC.name);
        return partitions.every((p) => ids(p.isrs).length === 3);
      },
      { timeoutMs: 120_000 },
    );
    const counts = producers.map(acked);
    await Promise.all(
      producers.map((p, i) =>
        p.until('records acknowledged after healing', () => acked(p) >= counts[i]! + 100, 120_000),
      ),
    );
  } catch (err) {
    throw new Error(
      `${String(err)}\nseed ${SEED}\nfaults:\n${history.join('\n')}\n` +
        producers.map((p) => `producer:\n${p.stderr().slice(-1500)}`).join('\n') +
        `\n${brokerLogs(cluster)}`,
    );
  }
  const reports: Report[] = [];
  for (const p of producers) {
    const { code, done } = await p.stop();
    assert.equal(code, 0, p.stderr());
    assert.equal(done, 0, 'every record was delivered or failed');
    reports.push(...p.events);
  }
  const context = `seed ${SEED}, faults:\n${history.join('\n')}`;
  const { acked: total } = await checkAcknowledged(cluster.bootstrap(), TOPIC, reports);
  assert.ok(total >= 500, `${total} records acknowledged (${context})`);
  const twice = epochsWithTwoLeaders(logs());
  assert.deepEqual(twice, [], `no leader epoch had two leaders (${context})`);
  assert.ok(leaderEpochsSeen(logs()) >= TOPIC.partitions, 'the logs name the leader epochs');
  assert.ok(checkReplicasAgree(cluster.dir, TOPIC, [1, 2, 3]) > 0, 'replicas share batches');
  try {
    await waitFor(
      'the group member to read every acknowledged record',
      () => reports.every((r) => r.e !== null || member!.records.has(`${r.p}:${r.o}`)),
      { timeoutMs: 120_000 },
    );
  } finally {
    await member.stop();
    member = undefined;
  }
});
