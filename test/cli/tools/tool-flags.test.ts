// Kafka's flags on the existing tools: consumer-groups --list --state/--type, --delete-offsets,
// --by-duration, --export/--from-file and the dry-run warning; topics --topics-with-overrides
// and the partition filters; producer-perf-test --payload-file/--print-metrics; dump-log's
// record decoders and index files; Kafka 4.1's renamed flags; `help <command>` and --version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/index.js';
import { parseDuration } from '../../../src/cli/tools/consumer-groups.js';
import { VERSION } from '../../../src/util/version.js';
import { runCli } from './run-cli.js';

test('consumer-groups: list with state and type, delete offsets, export and replay a plan', async (t) => {
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  await runCli(['topics', ...bs, '--create', '--topic', 'orders', '--partitions', '2']);
  await runCli(['topics', ...bs, '--create', '--topic', 'audit', '--partitions', '1']);
  // Keyed so that both partitions of orders get records (k0 lands in 1, k3 in 0, by murmur2).
  const input = Array.from({ length: 6 }, (_, i) => `k${i}\tv${i}`).join('\n') + '\n';
  for (const topic of ['orders', 'audit']) {
    const p = await runCli(
      ['console-producer', ...bs, '--topic', topic, '--property', 'parse.key=true'],
      { input },
    );
    assert.equal(p.code, 0, p.stderr);
  }
  for (const topic of ['orders', 'audit']) {
    const c = await runCli([
      'console-consumer',
      ...bs,
      '--topic',
      topic,
      '--group',
      'readers',
      '--from-beginning',
      '--max-messages',
      '6',
    ]);
    assert.equal(c.code, 0, c.stderr);
  }

  const byState = await runCli(['consumer-groups', ...bs, '--list', '--state']);
  assert.equal(byState.code, 0, byState.stderr);
  assert.match(byState.stdout, /^GROUP +STATE\nreaders +Empty$/m);
  const stable = await runCli(['consumer-groups', ...bs, '--list', '--state', 'stable']);
  assert.equal(stable.code, 0, stable.stderr);
  assert.equal(stable.stdout.trim(), 'GROUP STATE', 'no group is Stable');
  const typed = await runCli(['consumer-groups', ...bs, '--list', '--type', '--state', 'Empty']);
  assert.match(typed.stdout, /^GROUP +TYPE +STATE\nreaders +Classic +Empty$/m);
  const badState = await runCli(['consumer-groups', ...bs, '--list', '--state', 'Sleepy']);
  assert.equal(badState.code, 2);
  assert.match(badState.stderr, /Invalid state list 'Sleepy'\. Valid states are: Stable/);

  // A plan without --execute is a dry run, and says so.
  const dry = await runCli([
    'consumer-groups',
    ...bs,
    '--reset-offsets',
    '--group',
    'readers',
    '--topic',
    'orders',
    '--to-earliest',
    '--export',
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout.trim(), 'orders,0,0\norders,1,0');
  assert.match(dry.stderr, /dry run: no offsets were changed because --execute is missing/);
  const planFile = join(mkdtempSync(join(tmpdir(), 'rivulet-plan-')), 'plan.csv');
  writeFileSync(planFile, 'orders,0,1\norders,1,99\n');
  const replay = await runCli([
    'consumer-groups',
    ...bs,
    '--reset-offsets',
    '--group',
    'readers',
    '--from-file',
    planFile,
    '--execute',
  ]);
  assert.equal(replay.code, 0, replay.stderr);
  assert.doesNotMatch(replay.stderr, /dry run/);
  const described = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'readers']);
  const current = (p: number) =>
    described.stdout
      .split('\n')
      .find((l) => new RegExp(`^readers +orders +${p} `).test(l))!
      .split(/ +/)[3];
  assert.equal(current(0), '1');
  // 99 lies past the end of partition 1 and is clamped to its end, as Kafka's resetter does.
  const end1 = described.stdout
    .split('\n')
    .find((l) => /^readers +orders +1 /.test(l))!
    .split(/ +/)[4];
  assert.equal(current(1), end1);

  // --by-duration: a day back from now is before every record, so the start of the log.
  const back = await runCli([
    'consumer-groups',
    ...bs,
    '--reset-offsets',
    '--group',
    'readers',
    '--topic',
    'audit',
    '--by-duration',
    'P1D',
    '--dry-run',
  ]);
  assert.equal(back.code, 0, back.stderr);
  assert.match(back.stdout, /^readers +audit +0 +0$/m);

  const delOffsets = await runCli([
    'consumer-groups',
    ...bs,
    '--delete-offsets',
    '--group',
    'readers',
    '--topic',
    'audit',
  ]);
  assert.equal(delOffsets.code, 0, delOffsets.stderr);
  assert.match(delOffsets.stdout, /Request succeeded for deleting offsets from group readers\./);
  assert.match(delOffsets.stdout, /^TOPIC +PARTITION +STATUS\naudit +0 +Successful$/m);
  const after = await runCli(['consumer-groups', ...bs, '--describe', '--group', 'readers']);
  assert.doesNotMatch(after.stdout, /^readers +audit /m, 'audit offsets are gone');
  assert.match(after.stdout, /^readers +orders +0 /m, 'orders offsets stay');
  const unknown = await runCli([
    'consumer-groups',
    ...bs,
    '--delete-offsets',
    '--group',
    'nobody',
    '--topic',
    'audit',
  ]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Error: /);
});

test('--by-duration reads ISO-8601 durations as Java does', () => {
  assert.equal(parseDuration('PT1H'), 3_600_000);
  assert.equal(parseDuration('P1DT2H3M4.5S'), 86_400_000 + 7_200_000 + 180_000 + 4_500);
  assert.equal(parseDuration('PT0.25S'), 250);
  assert.equal(parseDuration('-PT1M'), -60_000);
  for (const bad of ['P', 'PT', '1H', 'PT1X', 'P1W']) assert.throws(() => parseDuration(bad));
});

test('topics --describe --topics-with-overrides and the partition filters', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  await runCli(['topics', ...bs, '--create', '--topic', 'plain', '--partitions', '2']);
  await runCli([
    ...['topics', ...bs, '--create', '--topic', 'tuned', '--partitions', '2'],
    ...['--config', 'retention.ms=1000'],
  ]);
  const overrides = await runCli(['topics', ...bs, '--describe', '--topics-with-overrides']);
  assert.equal(overrides.code, 0, overrides.stderr);
  const lines = overrides.stdout.trim().split('\n');
  assert.equal(lines.length, 1, overrides.stdout);
  assert.match(lines[0]!, /^Topic: tuned\t.*Configs: retention\.ms=1000$/);
  // A single broker holds every replica in sync with a live leader: nothing to show.
  for (const flag of ['--under-replicated-partitions', '--unavailable-partitions']) {
    const r = await runCli(['topics', ...bs, '--describe', flag]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
  }
});

test('producer-perf-test --payload-file draws values from the file; --print-metrics lists Kafka names', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-payload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'payloads.txt');
  writeFileSync(file, 'alpha\nbeta\n\ngamma\n');
  const r = await runCli([
    ...['producer-perf-test', '--bootstrap-server', broker.bootstrap, '--topic', 'perf'],
    ...['--num-records', '300', '--payload-file', file, '--throughput', '-1', '--print-metrics'],
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Number of messages read: 3$/m);
  assert.match(r.stdout, /^300 records sent, /m);
  assert.match(r.stdout, /^Metric Name +Value$/m);
  const metric = (name: string) => {
    const m = new RegExp(`^producer-metrics:${name}:\\{client-id=[^}]+\\} +: ([\\d.]+)$`, 'm').exec(
      r.stdout,
    );
    assert.ok(m, `${name} missing in:\n${r.stdout}`);
    return Number(m[1]);
  };
  assert.equal(metric('record-send-total'), 300);
  assert.equal(metric('record-error-total'), 0);
  assert.ok(metric('request-total') >= 1);
  assert.ok(metric('batch-size-avg') > 0);
  assert.ok(metric('request-latency-avg') > 0);

  const consumed = await runCli([
    ...['console-consumer', '--bootstrap-server', broker.bootstrap, '--topic', 'perf'],
    ...['--from-beginning', '--max-messages', '300'],
  ]);
  const values = new Set(consumed.stdout.trim().split('\n'));
  assert.deepEqual([...values].sort(), ['alpha', 'beta', 'gamma']);

  const both = await runCli([
    ...['producer-perf-test', '--bootstrap-server', broker.bootstrap, '--topic', 'perf'],
    ...['--num-records', '1', '--payload-file', file, '--record-size', '10', '--throughput', '-1'],
  ]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --record-size and --payload-file/);
});

test('dump-log decodes offsets and cluster metadata records, and lists index files', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rivulet-dumpdecode-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const broker = await startBroker({ dataDir, config: { 'offsets.topic.num.partitions': 1 } });
  const bs = ['--bootstrap-server', broker.bootstrap];
  try {
    // An index entry for every batch, so the segment has index files to list (a segment with
    // fewer than index.interval.bytes writes none).
    await runCli([
      ...['topics', ...bs, '--create', '--topic', 'events', '--partitions', '1'],
      ...['--config', 'index.interval.bytes=1'],
    ]);
    // Three runs, three batches: the ones after the first get index entries.
    for (const value of ['a', 'b', 'c'])
      await runCli(['console-producer', ...bs, '--topic', 'events'], { input: `${value}\n` });
    const c = await runCli([
      ...['console-consumer', ...bs, '--topic', 'events', '--group', 'dumpers'],
      ...['--from-beginning', '--max-messages', '3'],
    ]);
    assert.equal(c.code, 0, c.stderr);
  } finally {
    await broker.close();
  }
  const segment = (dir: string) => join(dataDir, dir, '00000000000000000000.log');

  const offsets = await runCli([
    'dump-log',
    '--files',
    segment('__consumer_offsets-0'),
    '--offsets-decoder',
  ]);
  assert.equal(offsets.code, 0, offsets.stderr);
  assert.match(
    offsets.stdout,
    /key: \{"type":"1","data":\{"group":"dumpers","topic":"events","partition":0\}\} payload: \{"version":"\d+","data":\{"offset":3,/,
  );
  assert.match(offsets.stdout, /key: \{"type":"2","data":\{"group":"dumpers"\}\} payload: /);

  const metadata = await runCli([
    ...['dump-log', '--files', segment('__cluster_metadata-0')],
    '--cluster-metadata-decoder',
  ]);
  assert.equal(metadata.code, 0, metadata.stderr);
  assert.match(
    metadata.stdout,
    /payload: \{"type":"TOPIC_RECORD","version":0,"data":\{"name":"events","topicId":/,
  );
  assert.match(
    metadata.stdout,
    /payload: \{"type":"PARTITION_RECORD","version":\d,"data":\{"partitionId":0,/,
  );

  const eventsDir = join(dataDir, 'events-0');
  const side = readdirSync(eventsDir).filter((f) => /\.(index|timeindex)$/.test(f));
  assert.ok(side.length >= 2, `index files in ${readdirSync(eventsDir).join(', ')}`);
  for (const name of side) {
    const r = await runCli(['dump-log', '--files', join(eventsDir, name)]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], `Dumping ${join(eventsDir, name)}`);
    const pattern = name.endsWith('.timeindex')
      ? /^timestamp: \d+ offset: \d+$/
      : /^offset: \d+ position: \d+$/;
    for (const line of lines.slice(1)) assert.match(line, pattern);
  }
});

test("Kafka 4.1's flag names, `rivulet help <command>` and --version", async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  const produced = await runCli(
    ['console-producer', ...bs, '--topic', 'renamed', '--reader-property', 'parse.key=true'],
    { input: 'k1\tv1\n' },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await runCli([
    ...['console-consumer', ...bs, '--topic', 'renamed', '--from-beginning'],
    ...['--max-messages', '1', '--formatter-property', 'print.key=true'],
    ...['--command-property', 'client.id=renamed-reader'],
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout.trim(), 'k1\tv1');

  const help = await runCli(['help', 'topics']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: rivulet topics /);
  const consumerHelp = await runCli(['console-consumer', '--help']);
  assert.match(consumerHelp.stdout, /--formatter-property for --property/);
  assert.equal((await runCli(['help', 'nosuch'])).code, 2);
  for (const args of [['--version'], ['version'], ['topics', '--version']]) {
    const r = await runCli(args);
    assert.equal(r.code, 0, args.join(' '));
    assert.equal(r.stdout.trim(), VERSION);
  }
});

test('the version is written once and matches package.json', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version);
});
