// The client tools as spawned processes against a started broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { runCli } from './run-cli.js';

test(
  'configs, console tools with --group, and consumer-groups describe/reset/delete',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    t.after(() => broker.close());
    const bs = ['--bootstrap-server', broker.bootstrap];
    assert.equal(
      (await runCli(['topics', ...bs, '--create', '--topic', 'logs', '--partitions', '2'])).code,
      0,
    );

    const alter = await runCli([
      'configs',
      ...bs,
      '--entity-type',
      'topics',
      '--entity-name',
      'logs',
      '--alter',
      '--add-config',
      'retention.ms=60000,cleanup.policy=[compact,delete]',
    ]);
    assert.equal(alter.code, 0, alter.stderr);
    assert.equal(alter.stdout.trim(), 'Completed updating config for topic logs.');
    const described = await runCli([
      'configs',
      ...bs,
      '--entity-type',
      'topics',
      '--entity-name',
      'logs',
      '--describe',
    ]);
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /^Dynamic configs for topic logs are:$/m);
    assert.match(
      described.stdout,
      /^ {2}retention\.ms=60000 sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:retention\.ms=60000/m,
    );
    assert.match(described.stdout, /cleanup\.policy=compact,delete /);
    const removed = await runCli([
      'configs',
      ...bs,
      '--entity-type',
      'topics',
      '--entity-name',
      'logs',
      '--alter',
      '--delete-config',
      'cleanup.policy',
    ]);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch(
      (
        await runCli([
          'configs',
          ...bs,
          '--entity-type',
          'topics',
          '--entity-name',
          'logs',
          '--describe',
        ])
      ).stdout,
      /cleanup\.policy/,
    );
    const broker1 = await runCli([
      'configs',
      ...bs,
      '--entity-type',
      'brokers',
      '--entity-name',
      String(broker.nodeId),
      '--describe',
      '--all',
    ]);
    assert.equal(broker1.code, 0, broker1.stderr);
    assert.match(broker1.stdout, /^All configs for broker \d+ are:$/m);
    const badEntity = await runCli([
      'configs',
      ...bs,
      '--entity-type',
      'widgets',
      '--entity-name',
      'x',
      '--describe',
    ]);
    assert.equal(badEntity.code, 2);

    // Keys k0-k9 land in both partitions (k0 in 1, k3 in 0, by murmur2).
    const lines = Array.from({ length: 10 }, (_, i) => `line-${i}`).join('\n') + '\n';
    const keyed = lines.replace(/line-(\d)/g, 'k$1\tline-$1');
    const produced = await runCli(
      ['console-producer', ...bs, '--topic', 'logs', '--property', 'parse.key=true'],
      { input: keyed },
    );
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await runCli([
      'console-consumer',
      ...bs,
      '--topic',
      'logs',
      '--group',
      'cli-group',
      '--from-beginning',
      '--max-messages',
      '10',
    ]);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n').sort(), lines.trim().split('\n').sort());

    const list = await runCli(['consumer-groups', ...bs, '--list']);
    assert.equal(list.stdout.trim(), 'cli-group');
    const offsets = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'cli-group']);
    assert.equal(offsets.code, 0, offsets.stderr);
    assert.match(offsets.stdout, /has no active members/);
    assert.match(
      offsets.stdout,
      /GROUP +TOPIC +PARTITION +CURRENT-OFFSET +LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID/,
    );
    const rows = offsets.stdout.split('\n').filter((l) => l.startsWith('cli-group '));
    assert.equal(rows.length, 2);
    for (const row of rows) {
      const [, , , current, end, lag] = row.split(/ +/);
      assert.equal(current, end);
      assert.equal(lag, '0');
    }
    const dry = await runCli([
      'consumer-groups',
      ...bs,
      '--reset-offsets',
      '--group',
      'cli-group',
      '--topic',
      'logs',
      '--to-earliest',
      '--dry-run',
    ]);
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /GROUP +TOPIC +PARTITION +NEW-OFFSET\ncli-group +logs +0 +0\ncli-group +logs +1 +0/,
    );
    const still = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'cli-group']);
    assert.doesNotMatch(still.stdout, /cli-group +logs +\d +0 +[1-9]/, 'a dry run changes nothing');
    const exec = await runCli([
      'consumer-groups',
      ...bs,
      '--reset-offsets',
      '--group',
      'cli-group',
      '--topic',
      'logs:0',
      '--shift-by',
      '-1',
      '--execute',
    ]);
    assert.equal(exec.code, 0, exec.stderr);
    const after = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'cli-group']);
    const row0 = after.stdout.split('\n').find((l) => /^cli-group +logs +0 /.test(l))!;
    assert.equal(row0.split(/ +/)[5], '1', 'partition 0 lags by one after --shift-by -1');
    const deleted = await runCli(['consumer-groups', ...bs, '--delete', '--group', 'cli-group']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(
      deleted.stdout,
      /Deletion of requested consumer groups \('cli-group'\) was successful\./,
    );
    assert.equal((await runCli(['consumer-groups', ...bs, '--list'])).stdout, '');
  },
);

test('topics --delete of __consumer_offsets is refused: the error is printed, exit code 1', async (t) => {
  const broker = await startBroker({});
  t.after(() => broker.close());
  const client = await ProtocolClient.connect(broker.port);
  t.after(() => client.close());
  // FindCoordinator creates __consumer_offsets.
  await client.request(10, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
  const bs = ['--bootstrap-server', broker.bootstrap];
  const refused = await runCli(['topics', ...bs, '--delete', '--topic', '__consumer_offsets']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Cannot delete internal topic __consumer_offsets/);
  const listed = await runCli(['topics', ...bs, '--list']);
  assert.match(listed.stdout, /^__consumer_offsets$/m);
});
