// Tools exit after an error instead of hanging: each runs as a child process, and runCli fails
// the test if it has not exited within a generous limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Admin, ApiKey, Consumer } from '../../../src/client/index.js';
import { decodeRecordBatches } from '../../../src/protocol/index.js';
import { FakeBroker } from '../../client/support/fake-broker.js';
import { startBroker } from '../../../src/index.js';
import { take } from '../../client/support/take.js';
import { runCli } from './run-cli.js';
import { waitFor } from '../../support/wait.js';

async function brokerWithSmallTopic(t: { after(fn: () => unknown): void }) {
  const broker = await startBroker();
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  await admin.createTopics([
    { name: 'small', numPartitions: 1, configs: { 'max.message.bytes': '200' } },
  ]);
  admin.close();
  return broker;
}

async function values(bootstrap: string, topic: string, n: number): Promise<string[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap });
  await consumer.connect();
  try {
    consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
    return (await take(consumer.records(), n)).map((r) => r.value?.toString() ?? 'null');
  } finally {
    consumer.close();
  }
}

test('console-consumer and consumer-perf-test exit 1 for a topic that does not exist', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const bs = ['--bootstrap-server', broker.bootstrap];
  const consumer = await runCli(
    ['console-consumer', ...bs, '--topic', 'nosuch', '--timeout-ms', '2000'],
    { timeoutMs: 60_000 },
  );
  assert.equal(consumer.code, 1, consumer.stderr);
  assert.match(consumer.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
  assert.match(consumer.stderr, /Processed a total of 0 messages/);

  const perf = await runCli(
    ['consumer-perf-test', ...bs, '--topic', 'nosuch', '--messages', '10', '--timeout', '2000'],
    { timeoutMs: 60_000 },
  );
  assert.equal(perf.code, 1, perf.stderr);
  assert.match(perf.stderr, /UNKNOWN_TOPIC_OR_PARTITION/);
});

test('console-producer reports a record that is too large and sends the next lines', async (t) => {
  const broker = await brokerWithSmallTopic(t);
  const r = await runCli(
    ['console-producer', '--bootstrap-server', broker.bootstrap, '--topic', 'small'],
    { input: `a\n${'x'.repeat(1000)}\nb\nc\n`, timeoutMs: 60_000 },
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /Error when sending message to topic small with key: null, value: 1000 bytes with error: MESSAGE_TOO_LARGE/,
  );
  assert.match(r.stderr, /1 of 4 records failed/);
  assert.deepEqual(await values(broker.bootstrap, 'small', 3), ['a', 'b', 'c']);
});

test('console-producer on SIGINT sends the lines it has read and says how many', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', 1);
  // linger.ms holds the records back, so only the flush on SIGINT sends them.
  const child = spawn(
    process.execPath,
    [
      'bin/rivulet.js',
      'console-producer',
      '--bootstrap-server',
      broker.bootstrap,
      '--topic',
      't',
      '--producer-property',
      'linger.ms=600000',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const limit = setTimeout(() => child.kill('SIGKILL'), 60_000);
  t.after(() => clearTimeout(limit));
  child.stdin.write('one\ntwo\nthree\n');
  // The first line read asks for the topic's metadata; the other two came in the same chunk.
  const asked = () =>
    broker.received.some(
      (r) =>
        r.apiKey === ApiKey.Metadata &&
        (r.body as { topics: { name: string }[] | null }).topics?.some((x) => x.name === 't'),
    );
  await waitFor('console-producer to ask for the metadata of t', () => {
    assert.equal(child.exitCode, null, `console-producer exited early; stderr: ${stderr}`);
    return asked();
  });
  assert.equal(
    broker.received.filter((r) => r.apiKey === ApiKey.Produce).length,
    0,
    'nothing is sent before SIGINT',
  );
  child.kill('SIGINT');
  const code = await exited;
  assert.notEqual(code, null, `console-producer did not exit after SIGINT; stderr: ${stderr}`);
  assert.equal(code, 0, stderr);
  assert.match(stderr, /Interrupted: 3 records sent, 0 failed\./);
  const log = broker.topics.get('t')![0]!;
  const batches = await decodeRecordBatches(Buffer.concat(log.batches.map((b) => b.buf)));
  assert.deepEqual(
    batches.flatMap((b) => b.records.map((r) => r.value?.toString())),
    ['one', 'two', 'three'],
  );
});
