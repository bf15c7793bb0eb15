import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeBroker } from '../../client/support/fake-broker.js';
import { runCli } from './run-cli.js';

test('topics: create, list with a regex, describe, delete; errors exit 1 with a reason', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  const bs = ['--bootstrap-server', broker.bootstrap];
  const created = await runCli([
    'topics',
    ...bs,
    '--create',
    '--topic',
    'orders',
    '--partitions',
    '3',
    '--config',
    'retention.ms=1000',
  ]);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout.trim(), 'Created topic orders.');
  const createReq = broker.received.find((r) => r.apiKey === 19)!;
  assert.deepEqual(
    createReq.body.topics[0].configs.map((c: { name: string; value: string }) => [c.name, c.value]),
    [['retention.ms', '1000']],
  );
  await runCli(['topics', ...bs, '--create', '--topic', 'payments']);
  const again = await runCli(['topics', ...bs, '--create', '--topic', 'orders']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /TOPIC_ALREADY_EXISTS/);
  assert.equal(
    (await runCli(['topics', ...bs, '--create', '--topic', 'orders', '--if-not-exists'])).code,
    0,
  );
  const listed = await runCli(['topics', ...bs, '--list', '--topic', 'ord.*']);
  assert.equal(listed.stdout, 'orders\n');
  const described = await runCli(['topics', ...bs, '--describe', '--topic', 'orders']);
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /^Topic: orders\t.*PartitionCount: 3\tReplicationFactor: 1/);
  assert.match(described.stdout, /\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1/);
  const deleted = await runCli(['topics', ...bs, '--delete', '--topic', 'pay.*']);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal((await runCli(['topics', ...bs, '--list'])).stdout, 'orders\n');
  const missing = await runCli(['topics', ...bs, '--describe', '--topic', 'nothing']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
});

test('topics: usage errors exit 2; --help exits 0', async () => {
  const noAction = await runCli(['topics', '--bootstrap-server', 'x:1']);
  assert.equal(noAction.code, 2);
  assert.match(noAction.stderr, /exactly one of --list/);
  const unknown = await runCli(['topics', '--frobnicate']);
  assert.equal(unknown.code, 2);
  const help = await runCli(['topics', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--replication-factor/);
});
