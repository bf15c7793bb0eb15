import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/index.js';
import { Consumer } from '../../../src/client/index.js';
import { encodeRecordBatch } from '../../../src/protocol/index.js';
import { FakeBroker } from '../../client/support/fake-broker.js';
import { runCli } from './run-cli.js';

test('producer-perf-test and consumer-perf-test report Kafka-style summaries', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('perf', 2);
  const produced = await runCli([
    'producer-perf-test',
    '--topic',
    'perf',
    '--num-records',
    '2000',
    '--record-size',
    '64',
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${broker.bootstrap}`,
    'linger.ms=1',
  ]);
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(
    produced.stdout,
    /^2000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$/m,
  );
  const stored = broker.topics.get('perf')!.reduce((n, p) => n + p.nextOffset, 0);
  assert.equal(stored, 2000);
  const consumed = await runCli([
    'consumer-perf-test',
    '--bootstrap-server',
    broker.bootstrap,
    '--topic',
    'perf',
    '--messages',
    '2000',
  ]);
  assert.equal(consumed.code, 0, consumed.stderr);
  const [header, line] = consumed.stdout.trim().split('\n');
  assert.match(header!, /^start\.time, end\.time, data\.consumed\.in\.MB/);
  assert.equal(line!.split(', ')[4], '2000');
  const short = await runCli([
    'consumer-perf-test',
    '--bootstrap-server',
    broker.bootstrap,
    '--topic',
    'perf',
    '--messages',
    '5000',
    '--timeout',
    '300',
  ]);
  assert.equal(short.code, 1);
  assert.match(short.stderr, /only 2000 of 5000 records/);
});

test('dump-log prints batches, records with --print-data-log, and flags damage', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-dump-'));
  const file = join(dir, '00000000000000000000.log');
  const a = await encodeRecordBatch(
    [{ key: Buffer.from('k'), value: Buffer.from('hello') }, { value: Buffer.from('world') }],
    {
      baseOffset: 0n,
      producerId: 5n,
      producerEpoch: 1,
      baseSequence: 0,
      timestamp: 1000,
    },
  );
  const b = await encodeRecordBatch([{ value: Buffer.from('zipped') }], {
    baseOffset: 2n,
    compression: 1,
    timestamp: 2000,
  });
  writeFileSync(file, Buffer.concat([a, b]));
  const r = await runCli(['dump-log', '--files', file, '--print-data-log']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines[0], `Dumping ${file}`);
  assert.equal(lines[1], 'Log starting offset: 0');
  assert.match(
    lines[2]!,
    /^baseOffset: 0 lastOffset: 1 count: 2 baseSequence: 0 lastSequence: 1 producerId: 5 producerEpoch: 1 .* compresscodec: none crcValid: true$/,
  );
  assert.match(
    lines[3]!,
    /^\| offset: 0 CreateTime: 1000 keySize: 1 valueSize: 5 sequence: 0 headerKeys: \[\] key: k payload: hello$/,
  );
  assert.match(
    lines[5]!,
    /^baseOffset: 2 lastOffset: 2 count: 1 .*compresscodec: gzip crcValid: true$/,
  );
  assert.match(lines[6]!, /payload: zipped$/);
  const damaged = Buffer.concat([a, b]);
  damaged[damaged.length - 1] ^= 0xff;
  writeFileSync(file, damaged);
  const bad = await runCli(['dump-log', '--files', file]);
  assert.match(bad.stdout, /crcValid: false/);
  writeFileSync(file, Buffer.concat([a, b.subarray(0, 30)]));
  const cut = await runCli(['dump-log', '--files', file]);
  assert.equal(cut.code, 1);
  assert.match(
    cut.stdout,
    /Found truncated-header at position \d+|Found truncated-batch at position/,
  );
});

test('producer-perf-test --transactional-id commits every --transaction-duration-ms', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = `bootstrap.servers=${broker.bootstrap}`;
  const produced = await runCli([
    'producer-perf-test',
    '--topic',
    'perf-tx',
    '--num-records',
    '3000',
    '--record-size',
    '64',
    // 3000 records at 2000/s take at least 1.5 s, fifteen transaction durations: even when a
    // loaded machine makes each commit slow, several commits fall inside the run.
    '--throughput',
    '2000',
    '--transactional-id',
    'perf-tx-id',
    '--transaction-duration-ms',
    '100',
    '--producer-props',
    bs,
  ]);
  assert.equal(produced.code, 0, produced.stderr);
  assert.match(produced.stdout, /^3000 records sent/m);
  // Every record is committed, and transactions were committed during the run, not only at
  // its end (each commit leaves a marker in the log).
  const consumer = new Consumer({
    bootstrapServers: broker.bootstrap,
    isolationLevel: 'read_committed',
    fetchMaxWaitMs: 50,
  });
  await consumer.connect();
  t.after(() => consumer.close());
  const partitions = (await consumer.cluster.topicMetadata('perf-tx')).partitions;
  consumer.assign(
    partitions.map((p) => ({ topic: 'perf-tx', partition: p.partition, offset: 'earliest' })),
  );
  let count = 0;
  for await (const batch of consumer.batches()) {
    count += batch.records.length;
    if (count >= 3000) break;
  }
  assert.equal(count, 3000);
  const logEnd = partitions.reduce(
    (n, p) => n + Number(consumer.highWatermark({ topic: 'perf-tx', partition: p.partition })),
    0,
  );
  assert.ok(logEnd >= 3000 + 2, `commit markers besides the last one (log end ${logEnd})`);
});
