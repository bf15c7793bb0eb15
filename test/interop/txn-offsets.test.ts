// Offsets inside transactions with real clients: a confluent-kafka-python (librdkafka 2.0.2)
// consume-transform-produce loop with send_offsets_to_transaction, some transactions aborted
// on purpose, restarted, and crashed (kill -9 of the broker between TxnOffsetCommit and the
// transaction's end); KafkaJS 2.2.4 `sendOffsets` in a transaction.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../src/index.js';
import { confluent, run } from './support/clients.js';
import { startRivulet } from './support/rivulet-process.js';

const { Kafka, logLevel } = kafkajs;

const here = dirname(fileURLToPath(import.meta.url));
const TXN_LOOP = join(here, '..', '..', '..', 'test', 'interop', 'support', 'txn_loop.py');
const PYTHON = '/usr/bin/python3';
const PARTITIONS = 3;

interface LoopResult {
  committed: number;
  aborted: number;
  processed: string[];
}

async function txnLoop<T>(op: string, args: object, timeoutMs = 90_000): Promise<T> {
  const r = await run(PYTHON, [TXN_LOOP, op, JSON.stringify(args)], { timeoutMs });
  if (r.code !== 0)
    throw new Error(`txn_loop.py ${op} exited ${r.code}:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout) as T;
}

/** Creates `input` and `output` and writes `n` records to `input`; returns its end offsets. */
async function prepare(bootstrap: string, input: string, output: string, n: number) {
  const created = await confluent<Record<string, string | null>>('admin', {
    bootstrap,
    op: 'create_topics',
    topics: [
      { name: input, partitions: PARTITIONS },
      { name: output, partitions: PARTITIONS },
    ],
  });
  assert.deepEqual(created, { [input]: null, [output]: null });
  const messages = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
  const produced = await confluent<{
    reports: { error: string | null; partition: number; offset: number }[];
  }>('produce', { bootstrap, topic: input, messages, config: { acks: 'all' } });
  const ends = new Map<number, number>();
  for (const r of produced.reports) {
    assert.equal(r.error, null);
    ends.set(r.partition, Math.max(ends.get(r.partition) ?? 0, r.offset + 1));
  }
  const all = produced.reports.map((r) => `${r.partition}:${r.offset}`).sort();
  return { ends, all };
}

/** Checks the output and the group's offsets once the loop has processed everything. */
async function checkExactlyOnce(
  bootstrap: string,
  o: { output: string; input: string; group: string; all: string[]; ends: Map<number, number> },
) {
  const committedRead = await txnLoop<{ keys: string[]; complete: boolean }>('read', {
    bootstrap,
    topic: o.output,
    partitions: PARTITIONS,
  });
  assert.ok(committedRead.complete, 'read_committed reached the end of every partition');
  assert.deepEqual(committedRead.keys.sort(), o.all, 'each input record exactly once');
  const offsets = await txnLoop<{ offsets: Record<string, number> }>('committed', {
    bootstrap,
    group: o.group,
    topic: o.input,
    partitions: PARTITIONS,
  });
  const expected = Object.fromEntries(
    Array.from({ length: PARTITIONS }, (_, p) => [String(p), o.ends.get(p) ?? -1001]),
  );
  assert.deepEqual(offsets.offsets, expected, "the group's offsets are the input's end");
}

let broker: Broker;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'group.initial.rebalance.delay.ms': 0 } });
});
after(() => broker.close());

test('confluent-kafka-python: consume-transform-produce with aborts and a restart of the loop', async () => {
  const bootstrap = broker.bootstrap;
  const [input, output, group] = ['eos-in', 'eos-out', 'eos-group'];
  const { ends, all } = await prepare(bootstrap, input, output, 60);
  const loop = { bootstrap, input, output, group, transactional_id: 'eos-loop', batch: 7 };
  // The first run stops halfway, as a process that is restarted.
  const first = await txnLoop<LoopResult>('loop', { ...loop, abort_every: 3, stop_after: 30 });
  assert.ok(first.aborted > 0 && first.committed > 0, JSON.stringify(first));
  const second = await txnLoop<LoopResult>('loop', { ...loop, abort_every: 4, idle: 3 });
  const processed = [...first.processed, ...second.processed].sort();
  assert.deepEqual(processed, all, 'the restarted loop resumed from the committed offsets');
  await checkExactlyOnce(bootstrap, { output, input, group, all, ends });
  const uncommitted = await txnLoop<{ keys: string[] }>('read', {
    bootstrap,
    topic: output,
    partitions: PARTITIONS,
    isolation: 'read_uncommitted',
  });
  assert.ok(uncommitted.keys.length > all.length, 'aborted records are seen by read_uncommitted');
});

test('kill -9 of the broker between TxnOffsetCommit and the end of the transaction', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-txn-offsets-'));
  const args = ['--override', 'group.initial.rebalance.delay.ms=0'];
  let node = await startRivulet(dataDir, args);
  try {
    const [input, output, group] = ['crash-in', 'crash-out', 'crash-group'];
    const { ends, all } = await prepare(node.bootstrap, input, output, 20);
    const loop = { input, output, group, transactional_id: 'crash-loop', batch: 5 };
    // The second transaction sends its offsets, then its process waits to be killed.
    const child = spawn(
      PYTHON,
      [TXN_LOOP, 'loop', JSON.stringify({ ...loop, bootstrap: node.bootstrap, hang_at: 2 })],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`loop did not hang:\n${stderr}`)), 60_000);
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (!d.includes('HANGING')) return;
        clearTimeout(timer);
        resolve();
      });
      child.once('exit', (code) => reject(new Error(`loop exited ${code}:\n${stderr}`)));
    });
    await node.stop('SIGKILL');
    child.kill('SIGKILL');
    node = await startRivulet(dataDir, args);
    // The same transactional id fences the old producer and aborts its open transaction.
    const rest = await txnLoop<LoopResult>('loop', { ...loop, bootstrap: node.bootstrap, idle: 3 });
    assert.ok(rest.committed > 0, JSON.stringify(rest));
    await checkExactlyOnce(node.bootstrap, { output, input, group, all, ends });
  } finally {
    await node.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('KafkaJS: sendOffsets in a transaction is visible on commit, dropped on abort', async () => {
  const kafka = new Kafka({
    clientId: 'rivulet-txn-offsets',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50 },
  });
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({
    transactionalId: 'kjs-offsets',
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    await admin.createTopics({
      topics: [
        { topic: 'kjs-in', numPartitions: 2 },
        { topic: 'kjs-out', numPartitions: 1 },
      ],
    });
    const offsetsOf = async () =>
      (await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs-in'] }))[0]!.partitions
        .map((p) => [p.partition, p.offset])
        .sort();
    const sendOffsets = (txn: kafkajs.Transaction, offset: string) =>
      txn.sendOffsets({
        consumerGroupId: 'kjs-group',
        topics: [{ topic: 'kjs-in', partitions: [{ partition: 1, offset }] }],
      });

    const first = await producer.transaction();
    await first.send({ topic: 'kjs-out', messages: [{ key: 'a', value: '1' }] });
    await sendOffsets(first, '5');
    assert.deepEqual(
      await offsetsOf(),
      [
        [0, '-1'],
        [1, '-1'],
      ],
      'not visible while the transaction is open',
    );
    await first.commit();
    assert.deepEqual(await offsetsOf(), [
      [0, '-1'],
      [1, '5'],
    ]);

    const second = await producer.transaction();
    await second.send({ topic: 'kjs-out', messages: [{ key: 'b', value: '2' }] });
    await sendOffsets(second, '9');
    await second.abort();
    assert.deepEqual(await offsetsOf(), [
      [0, '-1'],
      [1, '5'],
    ]);

    const read = await txnLoop<{ keys: string[] }>('read', {
      bootstrap: broker.bootstrap,
      topic: 'kjs-out',
      partitions: 1,
    });
    assert.deepEqual(read.keys, ['a']);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
});
