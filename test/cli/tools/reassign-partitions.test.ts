// `rivulet reassign-partitions` and `rivulet leader-election` as a shell user runs them,
// against three brokers in this process: Kafka's output lines for --list, --execute while
// another reassignment runs, --cancel (and clearing the throttles), a preferred election and
// one not needed, and command-line errors (exit 2). The full move under load is in
// test/cluster/reassignment.test.ts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '../../../src/client/index.js';
import { waitFor } from '../../support/wait.js';
import {
  startInProcessCluster,
  type InProcessCluster,
} from '../../broker/partition/support/in-process-cluster.js';
import { runCli } from './run-cli.js';

let cluster: InProcessCluster;
let admin: Admin;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rivulet-reassign-cli-'));
  cluster = await startInProcessCluster(3, {
    'offsets.topic.replication.factor': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'replica.fetch.backoff.ms': 100,
  });
  admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
});
after(async () => {
  admin?.close();
  await cluster?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (tool: string, args: string[]) =>
  runCli([tool, '--bootstrap-server', cluster.bootstrap(), ...args], { timeoutMs: 30_000 });

test('--list, --execute during a reassignment, --cancel, then preferred elections', async () => {
  await admin.createTopics([
    {
      name: 'cli',
      numPartitions: 1,
      replicationFactor: 2,
      configs: { 'follower.replication.throttled.replicas': '*' },
    },
  ]);
  await waitFor(
    'the topic in sync',
    () => cluster.observer.image.topic('cli')?.partitions[0]?.isr.length === 2,
  );
  const [first, second] = cluster.partition('cli', 0).replicas as [number, number];
  const third = [1, 2, 3].find((id) => id !== first && id !== second)!;
  // A 1 B/s follower throttle on the new replica keeps the reassignment in progress.
  await admin.alterConfigs({ type: 'broker', name: String(third) }, [
    { op: 'set', name: 'follower.replication.throttled.rate', value: '1' },
  ]);
  // Records for the new replica to copy (at 1 B/s, it cannot).
  const produced = await runCli(
    ['console-producer', '--bootstrap-server', cluster.bootstrap(), '--topic', 'cli'],
    {
      input: Array.from({ length: 50 }, (_, i) => `line-${i}`).join('\n') + '\n',
    },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const plan = join(dir, 'plan.json');
  writeFileSync(
    plan,
    JSON.stringify({
      version: 1,
      partitions: [{ topic: 'cli', partition: 0, replicas: [third, second] }],
    }),
  );
  assert.equal(
    (await cli('reassign-partitions', ['--list'])).stdout,
    'No partition reassignments found.\n',
  );
  const executed = await cli('reassign-partitions', [
    '--execute',
    '--reassignment-json-file',
    plan,
  ]);
  assert.equal(executed.code, 0, executed.stderr);
  assert.match(executed.stdout, /Successfully started partition reassignment for cli-0\n$/);
  const listed = await cli('reassign-partitions', ['--list']);
  assert.equal(
    listed.stdout,
    `Current partition reassignments:\ncli-0: replicas: ${third},${second},${first}. adding: ${third}. removing: ${first}.\n`,
  );
  const described = await cli('topics', ['--describe', '--topic', 'cli']);
  assert.match(
    described.stdout,
    new RegExp(
      `\\tPartition: 0\\tLeader: ${first}\\tReplicas: ${third},${second},${first}\\tIsr: [0-9,]+\\tAdding Replicas: ${third}\\tRemoving Replicas: ${first}\\n`,
    ),
  );
  const again = await cli('reassign-partitions', ['--execute', '--reassignment-json-file', plan]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Cannot execute because there is an existing partition assignment/);
  const cancelled = await cli('reassign-partitions', [
    '--cancel',
    '--reassignment-json-file',
    plan,
  ]);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(
    cancelled.stdout,
    'Successfully cancelled partition reassignment for: cli-0\n' +
      'Clearing broker-level throttles on brokers 1,2,3\n' +
      'Clearing topic-level throttles on topic cli\n',
  );
  // As Kafka's revert: the adding replica leaves, the others keep the target's order, so the
  // preferred replica is now `second`.
  assert.deepEqual(cluster.partition('cli', 0).replicas, [second, first]);
  assert.equal(
    cluster.observer.image.brokerConfigs(third).get('follower.replication.throttled.rate'),
    undefined,
  );
  assert.equal(
    cluster.observer.image.topic('cli')!.configs.get('follower.replication.throttled.replicas'),
    undefined,
  );
  const none = await cli('reassign-partitions', ['--cancel', '--reassignment-json-file', plan]);
  assert.match(none.stdout, /^None of the specified partition reassignments are active.\n/);

  const elect = () =>
    cli('leader-election', ['--election-type', 'preferred', '--topic', 'cli', '--partition', '0']);
  const elected = await elect();
  assert.equal(elected.code, 0, elected.stderr);
  assert.equal(
    elected.stdout,
    'Successfully completed leader election (PREFERRED) for partitions cli-0\n',
  );
  assert.equal(cluster.partition('cli', 0).leader, second);
  const notNeeded = await elect();
  assert.equal(notNeeded.stdout, 'Valid replica already elected for partitions cli-0\n');
  const missing = await cli('leader-election', [
    '--election-type',
    'PREFERRED',
    '--topic',
    'nope',
    '--partition',
    '0',
  ]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stdout,
    /^Error completing leader election \(PREFERRED\) for partition: nope-0: /,
  );
});

test('command-line errors exit 2', async () => {
  const usage = async (tool: string, args: string[], message: RegExp) => {
    const r = await cli(tool, args);
    assert.equal(r.code, 2, `${tool} ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  };
  await usage('reassign-partitions', [], /exactly one action/);
  await usage('reassign-partitions', ['--verify'], /--reassignment-json-file is required/);
  const bad = join(dir, 'bad.json');
  writeFileSync(
    bad,
    JSON.stringify({ version: 1, partitions: [{ topic: 't', partition: 0, replicas: [1, 1] }] }),
  );
  await usage(
    'reassign-partitions',
    ['--execute', '--reassignment-json-file', bad],
    /Duplicate replica assignment/,
  );
  await usage('leader-election', ['--election-type', 'PREFERRED'], /exactly one of/);
  await usage(
    'leader-election',
    ['--election-type', 'SOMETIMES', '--all-topic-partitions'],
    /not PREFERRED or UNCLEAN/,
  );
});
