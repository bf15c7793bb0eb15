// get-offsets, delete-records, log-dirs, cluster-id, features, broker-api-versions and
// metadata-quorum as spawned
// processes against a started broker: Kafka's output formats and exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/index.js';
import { runCli } from './run-cli.js';

test('get-offsets and delete-records', { timeout: 120_000 }, async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  for (const [topic, partitions] of [
    ['orders', '2'],
    ['other', '1'],
  ] as const) {
    const created = await runCli([
      'topics',
      ...bs,
      '--create',
      '--topic',
      topic,
      '--partitions',
      partitions,
    ]);
    assert.equal(created.code, 0, created.stderr);
  }
  const produced = await runCli(
    ['console-producer', ...bs, '--topic', 'orders', '--property', 'parse.key=true'],
    { input: 'k\ta\nk\tb\nk\tc\nk\td\nk\te\n' },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const latest = await runCli(['get-offsets', ...bs, '--topic', 'orders|other']);
  assert.equal(latest.code, 0, latest.stderr);
  const lines = latest.stdout.trim().split('\n');
  // One key: all five records are in one partition.
  assert.deepEqual(
    lines.map((l) => l.replace(/:\d+$/, '')),
    ['orders:0', 'orders:1', 'other:0'],
  );
  const full = lines.find((l) => l.endsWith(':5'));
  assert.ok(full !== undefined, latest.stdout);
  const partition = Number(full.split(':')[1]);

  const earliest = await runCli([
    'get-offsets',
    ...bs,
    '--topic-partitions',
    `orders:${partition}`,
    '--time',
    '-2',
  ]);
  assert.equal(earliest.stdout, `orders:${partition}:0\n`);
  // max-timestamp: only partitions holding records have one.
  const maxTs = await runCli(['get-offsets', ...bs, '--topic', 'orders|other', '--time', '-3']);
  assert.equal(maxTs.code, 0, maxTs.stderr);
  assert.match(maxTs.stdout, new RegExp(`^orders:${partition}:[0-4]\\n$`));
  const internal = await runCli(['get-offsets', ...bs, '--partitions', '0']);
  assert.match(internal.stdout, /^orders:0:\d+$/m);
  const noInternal = await runCli([
    'get-offsets',
    ...bs,
    '--exclude-internal-topics',
    '--topic-partitions',
    ':0',
  ]);
  assert.doesNotMatch(noInternal.stdout, /__/);
  assert.match(noInternal.stdout, /^other:0:0$/m);
  const none = await runCli(['get-offsets', ...bs, '--topic', 'nosuch']);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /Could not match any topic-partitions with the specified filters/);
  const bad = await runCli(['get-offsets', ...bs, '--time', 'yesterday']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Malformed time argument yesterday/);
  const both = await runCli(['get-offsets', ...bs, '--topic', 'orders', '--topic-partitions', 'x']);
  assert.equal(both.code, 2);

  const dir = await mkdtemp(join(tmpdir(), 'rivulet-delete-records-'));
  const file = join(dir, 'offsets.json');
  await writeFile(
    file,
    JSON.stringify({ partitions: [{ topic: 'orders', partition, offset: 3 }], version: 1 }),
  );
  const deleted = await runCli(['delete-records', ...bs, '--offset-json-file', file]);
  assert.equal(deleted.code, 0, deleted.stderr);
  assert.equal(
    deleted.stdout,
    `Executing records delete operation\nRecords delete operation completed:\npartition: orders-${partition}\tlow_watermark: 3\n`,
  );
  const after = await runCli(['get-offsets', ...bs, '--topic', 'orders', '--time', 'earliest']);
  assert.match(after.stdout, new RegExp(`^orders:${partition}:3$`, 'm'));

  await writeFile(
    file,
    JSON.stringify({ partitions: [{ topic: 'orders', partition, offset: 99 }], version: 1 }),
  );
  const beyond = await runCli(['delete-records', ...bs, '--offset-json-file', file]);
  assert.equal(beyond.code, 1);
  assert.match(
    beyond.stdout,
    new RegExp(`partition: orders-${partition}\terror: OFFSET_OUT_OF_RANGE`),
  );
  await writeFile(
    file,
    JSON.stringify({
      partitions: [
        { topic: 'orders', partition: 0, offset: 1 },
        { topic: 'orders', partition: 0, offset: 2 },
      ],
      version: 1,
    }),
  );
  const dup = await runCli(['delete-records', ...bs, '--offset-json-file', file]);
  assert.equal(dup.code, 2);
  assert.match(dup.stderr, /Offset json file contains duplicate topic partitions: orders-0/);
});

test('log-dirs, cluster-id, features and broker-api-versions', { timeout: 120_000 }, async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  assert.equal(
    (await runCli(['topics', ...bs, '--create', '--topic', 'logs', '--partitions', '2'])).code,
    0,
  );
  assert.equal((await runCli(['topics', ...bs, '--create', '--topic', 'other'])).code, 0);
  const produced = await runCli(['console-producer', ...bs, '--topic', 'logs'], { input: 'x\n' });
  assert.equal(produced.code, 0, produced.stderr);

  const dirs = await runCli(['log-dirs', ...bs, '--describe', '--topic-list', 'logs']);
  assert.equal(dirs.code, 0, dirs.stderr);
  const [querying, received, json, ...restLines] = dirs.stdout.trim().split('\n');
  assert.equal(querying, 'Querying brokers for log directories information');
  assert.equal(received, `Received log directory information from brokers ${broker.nodeId}`);
  assert.deepEqual(restLines, []);
  const parsed = JSON.parse(json!) as {
    version: number;
    brokers: {
      broker: number;
      logDirs: {
        logDir: string;
        error: string | null;
        partitions: { partition: string; size: number; offsetLag: number; isFuture: boolean }[];
      }[];
    }[];
  };
  assert.equal(parsed.version, 1);
  assert.equal(parsed.brokers[0]!.broker, broker.nodeId);
  const logDir = parsed.brokers[0]!.logDirs[0]!;
  assert.equal(logDir.error, null);
  assert.deepEqual(logDir.partitions.map((p) => p.partition).sort(), ['logs-0', 'logs-1']);
  assert.ok(logDir.partitions.some((p) => p.size > 0));
  assert.ok(logDir.partitions.every((p) => p.offsetLag === 0 && p.isFuture === false));
  const noDescribe = await runCli(['log-dirs', ...bs]);
  assert.equal(noDescribe.code, 2);
  const missing = await runCli(['log-dirs', ...bs, '--describe', '--broker-list', '77']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /The given brokers do not exist from --broker-list: 77/);

  const id = await runCli(['cluster-id', ...bs]);
  assert.equal(id.code, 0, id.stderr);
  assert.match(id.stdout, /^Cluster ID: [A-Za-z0-9_-]{22}\n$/);
  const kafkaStyle = await runCli(['cluster-id', 'cluster-id', ...bs]);
  assert.equal(kafkaStyle.stdout, id.stdout);

  const features = await runCli(['features', ...bs, 'describe']);
  assert.equal(features.code, 0, features.stderr);
  assert.match(
    features.stdout,
    /^Feature: metadata\.version\tSupportedMinVersion: 3\.3-IV3\tSupportedMaxVersion: \d\.\d-IV\d\tFinalizedVersionLevel: \d\.\d-IV\d\tEpoch: \d+$/m,
  );
  const upgrade = await runCli(['features', ...bs, 'upgrade']);
  assert.equal(upgrade.code, 2);

  const versions = await runCli(['broker-api-versions', ...bs]);
  assert.equal(versions.code, 0, versions.stderr);
  const out = versions.stdout.split('\n');
  assert.equal(out[0], `${broker.bootstrap} (id: ${broker.nodeId} rack: null) -> (`);
  assert.match(out[1]!, /^\tProduce\(0\): \d+ to \d+ \[usable: \d+\],$/);
  assert.match(versions.stdout, /^\tApiVersions\(18\): 0 to 4 \[usable: 4\],$/m);
  assert.match(versions.stdout, /^\t\w+\(\d+\): UNSUPPORTED,?$/m);
  assert.equal(out.at(-2), ')');
  assert.match(versions.stdout, /^\tDescribeQuorum\(55\): 0 to 2 \[usable: 2\],$/m);
});

test('metadata-quorum describe --status and --replication', { timeout: 120_000 }, async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  const before = await runCli(['metadata-quorum', ...bs, 'describe', '--status']);
  assert.equal(before.code, 0, before.stderr);
  const status = before.stdout.split('\n');
  const id = (await runCli(['cluster-id', ...bs])).stdout.trim().replace('Cluster ID: ', '');
  assert.equal(status[0], `ClusterId:              ${id}`);
  assert.equal(status[1], `LeaderId:               ${broker.nodeId}`);
  assert.equal(status[2], 'LeaderEpoch:            0');
  assert.match(status[3]!, /^HighWatermark: {10}\d+$/);
  assert.equal(status[4], 'MaxFollowerLag:         0');
  assert.equal(status[5], 'MaxFollowerLagTimeMs:   0');
  assert.equal(
    status[6],
    `CurrentVoters:          [{"id": ${broker.nodeId}, "endpoints": ["PLAINTEXT://${broker.bootstrap}"]}]`,
  );
  assert.equal(status[7], 'CurrentObservers:       []');
  // Creating a topic appends metadata records: the high watermark moves on.
  const hw = Number(status[3]!.split(/\s+/)[1]);
  assert.equal((await runCli(['topics', ...bs, '--create', '--topic', 'q'])).code, 0);
  const after = await runCli(['metadata-quorum', ...bs, 'describe', '--replication']);
  assert.equal(after.code, 0, after.stderr);
  const rows = after.stdout
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => l.split('\t').map((c) => c.trimEnd()));
  assert.deepEqual(rows[0], [
    'NodeId',
    'DirectoryId',
    'LogEndOffset',
    'Lag',
    'LastFetchTimestamp',
    'LastCaughtUpTimestamp',
    'Status',
    '',
  ]);
  assert.equal(rows.length, 2);
  const [node, dir, leo, lag, fetch, caughtUp, role] = rows[1]!;
  assert.equal(node, String(broker.nodeId));
  assert.equal(dir, 'AAAAAAAAAAAAAAAAAAAAAA');
  assert.ok(Number(leo) > hw, `${leo} > ${hw}`);
  assert.deepEqual([lag, fetch, caughtUp, role], ['0', '-1', '-1', 'Leader']);
  const neither = await runCli(['metadata-quorum', ...bs, 'describe']);
  assert.equal(neither.code, 2);
});
