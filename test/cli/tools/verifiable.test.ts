// verifiable-producer and verifiable-consumer against a started broker: the JSON event lines
// Kafka's system tests parse, in order, and the exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { runCli } from './run-cli.js';

type Event = Record<string, unknown> & { name: string; timestamp: number };

function events(stdout: string): Event[] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const e = JSON.parse(line) as Event;
      assert.equal(typeof e.timestamp, 'number', line);
      return e;
    });
}

test('verifiable-producer then verifiable-consumer', { timeout: 120_000 }, async (t) => {
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  assert.equal(
    (await runCli(['topics', ...bs, '--create', '--topic', 'v', '--partitions', '2'])).code,
    0,
  );
  assert.equal(
    (
      await runCli([
        'topics',
        ...bs,
        '--create',
        '--topic',
        'tiny',
        '--config',
        'max.message.bytes=100',
      ])
    ).code,
    0,
  );

  const produced = await runCli([
    'verifiable-producer',
    ...bs,
    '--topic',
    'v',
    '--max-messages',
    '6',
    '--repeating-keys',
    '2',
    '--acks',
    '-1',
  ]);
  assert.equal(produced.code, 0, produced.stderr);
  const pe = events(produced.stdout);
  assert.equal(pe[0]!.name, 'startup_complete');
  const successes = pe.filter((e) => e.name === 'producer_send_success');
  assert.equal(successes.length, 6);
  assert.deepEqual(successes.map((e) => e.value).sort(), ['0', '1', '2', '3', '4', '5']);
  for (const s of successes) {
    assert.equal(s.topic, 'v');
    assert.equal(s.key, String(Number(s.value) % 2));
    assert.equal(typeof s.offset, 'number');
    assert.equal(typeof s.partition, 'number');
  }
  assert.deepEqual(
    pe.slice(-2).map((e) => e.name),
    ['shutdown_complete', 'tool_data'],
  );
  const toolData = pe.at(-1)!;
  assert.equal(toolData.sent, 6);
  assert.equal(toolData.acked, 6);
  assert.equal(toolData.target_throughput, -1);
  assert.equal(typeof toolData.avg_throughput, 'number');

  const refused = await runCli([
    'verifiable-producer',
    ...bs,
    '--topic',
    'tiny',
    '--max-messages',
    '1',
    '--value-prefix',
    'x'.repeat(200),
  ]);
  assert.equal(refused.code, 0, refused.stderr);
  const re = events(refused.stdout);
  const error = re.find((e) => e.name === 'producer_send_error');
  assert.ok(error !== undefined, refused.stdout);
  assert.match(String(error.message), /MESSAGE_TOO_LARGE/);
  assert.equal(error.value, `${'x'.repeat(200)}.0`);
  assert.deepEqual(re.at(-1)!.sent, 1);
  assert.deepEqual(re.at(-1)!.acked, 0);

  const consumed = await runCli([
    'verifiable-consumer',
    ...bs,
    '--topic',
    'v',
    '--group-id',
    'vg',
    '--max-messages',
    '6',
    '--verbose',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  const ce = events(consumed.stdout);
  assert.equal(ce[0]!.name, 'startup_complete');
  assert.equal(ce.at(-1)!.name, 'shutdown_complete');
  const assigned = ce.find((e) => e.name === 'partitions_assigned');
  assert.deepEqual(
    (assigned!.partitions as { partition: number }[]).map((p) => p.partition).sort(),
    [0, 1],
  );
  const batches = ce.filter((e) => e.name === 'records_consumed');
  assert.equal(
    batches.reduce((n, e) => n + (e.count as number), 0),
    6,
  );
  const records = ce.filter((e) => e.name === 'record_data');
  assert.deepEqual(records.map((e) => e.value).sort(), ['0', '1', '2', '3', '4', '5']);
  const commits = ce.filter((e) => e.name === 'offsets_committed');
  assert.equal(commits.length, batches.length);
  assert.ok(commits.every((c) => c.success === true));
  const committed = new Map<number, number>();
  for (const c of commits)
    for (const o of c.offsets as { partition: number; offset: number }[])
      committed.set(o.partition, o.offset);
  const ends = new Map<number, number>();
  for (const s of successes)
    ends.set(
      s.partition as number,
      Math.max(ends.get(s.partition as number) ?? 0, (s.offset as number) + 1),
    );
  assert.deepEqual([...committed].sort(), [...ends].sort());

  // The group's offsets are where the consumer committed them.
  const described = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'vg']);
  assert.equal(described.code, 0, described.stderr);
  for (const [partition, offset] of ends)
    assert.match(
      described.stdout,
      new RegExp(`^vg\\s+v\\s+${partition}\\s+${offset}\\s+${offset}\\s+0`, 'm'),
    );

  const bad = await runCli([
    'verifiable-consumer',
    ...bs,
    '--topic',
    'v',
    '--group-id',
    'g',
    '--group-protocol',
    'x',
  ]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
});
