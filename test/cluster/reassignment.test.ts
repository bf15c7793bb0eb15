// Partition reassignment and preferred leader election on a cluster of processes (issue #15):
// three `rivulet start` brokers on one etcd, a topic with replication factor 2 on brokers
// {1,2} (created by KafkaJS with an explicit assignment), reassigned to {2,3} with
// `rivulet reassign-partitions --execute --throttle` while confluent-kafka-python's idempotent
// producer (acks=all) produces. Afterwards every acknowledged record is stored once, in
// order; the replicas are {2,3}; broker 1 no longer holds the partitions' logs; `--verify`
// reports them completed and clears the throttles. Then broker 2 is killed and restarted:
// the leadership it lost stays away (auto.leader.rebalance.enable=false here) until
// `rivulet leader-election --election-type PREFERRED` moves it back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { runCli } from '../cli/tools/run-cli.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import {
  brokerLogs,
  checkAcknowledged,
  ids,
  partitionsOf,
  startProducer,
} from './support/reassign-helpers.js';

const TOPIC = 'moving';

let cluster: TestCluster;
let files: string;
before(async () => {
  files = mkdtempSync(join(tmpdir(), 'rivulet-reassign-'));
  cluster = await startCluster({
    brokers: 3,
    config: { 'auto.leader.rebalance.enable': 'false', 'broker.session.timeout.ms': 6000 },
  });
});
after(async () => {
  await cluster?.stop();
  rmSync(files, { recursive: true, force: true });
});

const cli = (tool: string, args: string[]) =>
  runCli([tool, '--bootstrap-server', cluster.bootstrap(), ...args], { timeoutMs: 60_000 });

function file(name: string, content: object): string {
  const path = join(files, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
}

function holdsLogs(nodeId: number): boolean {
  const dir = join(cluster.dir, `broker-${nodeId}`);
  const find = (d: string): boolean =>
    existsSync(d) &&
    readdirSync(d, { withFileTypes: true }).some(
      (e) => e.isDirectory() && (e.name.startsWith(`${TOPIC}-`) || find(join(d, e.name))),
    );
  return find(dir);
}

test('reassigning {1,2} to {2,3} under acks=all load keeps every acknowledged record; preferred election after a restart', async () => {
  const kafka = new kafkajs.Kafka({
    brokers: cluster.bootstrap().split(','),
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const kadmin = kafka.admin();
  await kadmin.connect();
  try {
    await waitFor('the topic created', async () => {
      try {
        return await kadmin.createTopics({
          topics: [
            {
              topic: TOPIC,
              replicaAssignment: [
                { partition: 0, replicas: [1, 2] },
                { partition: 1, replicas: [2, 1] },
              ],
            },
          ],
        });
      } catch {
        return false;
      }
    });
  } finally {
    await kadmin.disconnect();
  }
  await waitFor('both replicas in sync', async () =>
    (await partitionsOf(cluster, TOPIC)).every((p) => p.isrs.length === 2),
  );

  // --generate proposes {2,3} placements for the topic, keeping its replication factor.
  const topicsFile = file('topics.json', { topics: [{ topic: TOPIC }], version: 1 });
  const generated = await cli('reassign-partitions', [
    '--generate',
    '--topics-to-move-json-file',
    topicsFile,
    '--broker-list',
    '2,3',
  ]);
  assert.equal(generated.code, 0, generated.stderr);
  assert.match(
    generated.stdout,
    /^Current partition replica assignment\n\{"version":1,"partitions":\[\{"topic":"moving","partition":0,"replicas":\[1,2\],"log_dirs":\["any","any"\]\},\{"topic":"moving","partition":1,"replicas":\[2,1\],/,
  );
  assert.match(
    generated.stdout,
    /\nProposed partition reassignment configuration\n\{"version":1,"partitions":\[\{"topic":"moving","partition":0,"replicas":\[2,3\],"log_dirs":\["any","any"\]\},\{"topic":"moving","partition":1,"replicas":\[3,2\],"log_dirs":\["any","any"\]\}\]\}\n$/,
  );
  const plan = file('plan.json', {
    version: 1,
    partitions: [
      { topic: TOPIC, partition: 0, replicas: [2, 3], log_dirs: ['any', 'any'] },
      { topic: TOPIC, partition: 1, replicas: [3, 2], log_dirs: ['any', 'any'] },
    ],
  });

  const producer = startProducer(cluster.bootstrap(), TOPIC, 2);
  try {
    await producer.progress('before the reassignment');
    const executed = await cli('reassign-partitions', [
      '--execute',
      '--reassignment-json-file',
      plan,
      '--throttle',
      '10000000',
    ]);
    assert.equal(executed.code, 0, executed.stderr);
    assert.match(
      executed.stdout,
      /^Current partition replica assignment\n\n\{"version":1,"partitions":\[\{"topic":"moving","partition":0,"replicas":\[1,2\]/,
    );
    assert.match(
      executed.stdout,
      /Save this to use as the --reassignment-json-file option during rollback/,
    );
    assert.match(executed.stdout, /The inter-broker throttle limit was set to 10000000 B\/s/);
    assert.match(
      executed.stdout,
      /Successfully started partition reassignments for moving-0,moving-1\n$/,
    );
    await producer.progress('while the partitions move');
    await waitFor(
      'the reassignment verified complete',
      async () => {
        const verified = await cli('reassign-partitions', [
          '--verify',
          '--reassignment-json-file',
          plan,
        ]);
        assert.equal(verified.code, 0, verified.stderr);
        if (verified.stdout.includes('still in progress')) return false;
        assert.equal(
          verified.stdout,
          [
            'Status of partition reassignment:',
            'Reassignment of partition moving-0 is completed.',
            'Reassignment of partition moving-1 is completed.',
            'Clearing broker-level throttles on brokers 1,2,3',
            'Clearing topic-level throttles on topic moving',
            '',
          ].join('\n'),
        );
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
    const listed = await cli('reassign-partitions', ['--list']);
    assert.equal(listed.stdout, 'No partition reassignments found.\n');
    await producer.progress('after the reassignment');
  } catch (err) {
    producer.kill();
    throw new Error(
      `${String(err)}\nproducer:\n${producer.stderr().slice(-2000)}\n${brokerLogs(cluster)}`,
    );
  }
  const { code, left } = await producer.stop();
  assert.equal(code, 0, producer.stderr());
  assert.equal(left, 0, 'every record was delivered or failed');
  const acked = await checkAcknowledged(cluster, TOPIC, 2, producer.reports);
  assert.ok(acked >= 300, `${acked} acknowledged`);

  const moved = await partitionsOf(cluster, TOPIC);
  assert.deepEqual(
    moved.map((p) => ids(p.replicas)),
    [
      [2, 3],
      [2, 3],
    ],
  );
  await waitFor('broker 1 removed the logs of the moved partitions', () => !holdsLogs(1));

  // Broker 2 (preferred leader of partition 0) dies and returns: partition 0 is then led by 3.
  await cluster.kill(2);
  await waitFor('broker 3 leads partition 0', async () => {
    const p0 = (await partitionsOf(cluster, TOPIC))[0]!;
    return p0.leader === 3;
  });
  await cluster.restart(2);
  await waitFor('broker 2 back in both ISRs', async () =>
    (await partitionsOf(cluster, TOPIC)).every((p) => ids(p.isrs).includes(2)),
  );
  assert.equal((await partitionsOf(cluster, TOPIC))[0]!.leader, 3, 'no automatic rebalance here');
  const elections = file('elect.json', {
    partitions: [
      { topic: TOPIC, partition: 0 },
      { topic: TOPIC, partition: 1 },
    ],
  });
  const elected = await cli('leader-election', [
    '--election-type',
    'PREFERRED',
    '--path-to-json-file',
    elections,
  ]);
  assert.equal(elected.code, 0, elected.stderr);
  assert.equal(
    elected.stdout,
    'Successfully completed leader election (PREFERRED) for partitions moving-0\n' +
      'Valid replica already elected for partitions moving-1\n',
  );
  const after = await partitionsOf(cluster, TOPIC);
  assert.deepEqual(
    after.map((p) => p.leader),
    [2, 3],
  );
});
