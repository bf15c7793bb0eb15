import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import {
  AppendResults,
  ReplicaManager,
  failedAppend,
  type PartitionAppendResult,
} from '../../../src/broker/partition/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js';

const ok = (baseOffset: number): PartitionAppendResult => ({
  error: null,
  message: null,
  baseOffset,
  logAppendTimeMs: -1,
  logStartOffset: 0,
});

test('results settle once every slot is answered, in slot order whatever the answer order', async () => {
  const results = new AppendResults(3);
  let settled = false;
  void results.settled.then(() => (settled = true));
  results.done(2, ok(20));
  results.done(0, ok(0));
  await Promise.resolve();
  assert.equal(settled, false);
  results.done(1, failedAppend('UNKNOWN_TOPIC_OR_PARTITION'));
  const all = await results.settled;
  assert.deepEqual(
    all.map((r) => [r.error, r.baseOffset]),
    [
      [null, 0],
      ['UNKNOWN_TOPIC_OR_PARTITION', -1],
      [null, 20],
    ],
  );
});

test('no slots settle at once; a slot answered twice is a bug; fail rejects', async () => {
  assert.deepEqual(await new AppendResults(0).settled, []);
  const twice = new AppendResults(2);
  twice.done(0, ok(0));
  assert.throws(() => twice.done(0, ok(1)), /answered once/);
  const failing = new AppendResults(1);
  failing.fail(0, new Error('boom'));
  await assert.rejects(failing.settled, /boom/);
});

test('a failed request settles only once every append has answered or failed', async () => {
  const results = new AppendResults(3);
  let settled = false;
  const outcome = results.settled.then(
    () => assert.fail('a failed request must reject'),
    (err: Error) => {
      settled = true;
      return err.message;
    },
  );
  results.done(0, ok(0));
  results.fail(0, new Error('ignored')); // an answered slot in a failed group keeps its answer
  results.fail(1, new Error('group failed'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(settled, false, 'slot 2 is still being appended');
  results.done(2, ok(1));
  assert.equal(await outcome, 'group failed');

  const thrown = new AppendResults(4);
  thrown.done(0, ok(0));
  thrown.abandon(1, new Error('thrown'));
  thrown.done(1, ok(1)); // slot 1 had reached its append: its answer is ignored
  await assert.rejects(thrown.settled, /thrown/);
});

test('the partitions of a request share one sink: offsets, unknown partitions and bad batches per slot', async () => {
  const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
  const logs = await LogManager.open({ logDirs: ['/data'], fs: new MemoryFileSystem() });
  const rm = new ReplicaManager({ logs, broker, nowMs: () => 1_000_000 });
  const topicId = '00000000-0000-0000-0000-000000000001';
  for (const partition of [0, 1]) {
    await rm.ensurePartition({ topic: 't', partition, topicId, leaderEpoch: 0 });
  }
  const batch = (n: number) =>
    encodeRecordBatchSync(
      Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.from(`v${i}`) })),
      { timestamp: 1_000_000 },
    );
  const corrupt = batch(1);
  corrupt[corrupt.length - 1]! ^= 0xff;
  const request = [
    { partition: 0, records: batch(2) },
    { partition: 1, records: batch(1) },
    { partition: 7, records: batch(1) },
    { partition: 0, records: batch(3) },
    { partition: 1, records: corrupt },
  ];
  const results = new AppendResults(request.length);
  request.forEach(({ partition, records }, slot) =>
    rm.appendTo(results, slot, { topic: 't', partition, records, acks: 1, apiVersion: 9 }),
  );
  assert.deepEqual(
    (await results.settled).map((r) => [r.error, r.baseOffset]),
    [
      [null, 0],
      [null, 0],
      ['UNKNOWN_TOPIC_OR_PARTITION', -1],
      [null, 2],
      ['CORRUPT_MESSAGE', -1],
    ],
  );
  assert.equal(rm.getPartition('t', 0)!.highWatermark, 5);
  assert.equal(rm.getPartition('t', 1)!.highWatermark, 1);
  await rm.close();
  await logs.close();
});

test('acks=-1 is answered after the flush that flush.messages asks for; acks=1 is not held back', async () => {
  const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
  const logs = await LogManager.open({ logDirs: ['/data'], fs: new MemoryFileSystem() });
  const rm = new ReplicaManager({ logs, broker, nowMs: () => 1_000_000 });
  const topicId = '00000000-0000-0000-0000-000000000002';
  const overrides = new Map([['flush.messages', '1']]);
  await rm.ensurePartition({ topic: 'f', partition: 0, topicId, leaderEpoch: 0 }, overrides);
  const log = rm.getPartition('f', 0)!.log;
  const batch = () =>
    encodeRecordBatchSync([{ key: null, value: Buffer.from('v') }], { timestamp: 1_000_000 });
  const seen: string[] = [];
  const results = new AppendResults(2);
  const answers = [
    {
      done: (slot: number, r: PartitionAppendResult) => {
        seen.push(`acks=1 flushed=${log.recoveryPoint >= log.logEndOffset}`);
        results.done(slot, r);
      },
      fail: (slot: number, err: unknown) => results.fail(slot, err),
    },
    {
      done: (slot: number, r: PartitionAppendResult) => {
        seen.push(`acks=-1 flushed=${log.recoveryPoint >= log.logEndOffset}`);
        results.done(slot, r);
      },
      fail: (slot: number, err: unknown) => results.fail(slot, err),
    },
  ];
  rm.appendTo(answers[0]!, 0, {
    topic: 'f',
    partition: 0,
    records: batch(),
    acks: 1,
    apiVersion: 9,
  });
  rm.appendTo(answers[1]!, 1, {
    topic: 'f',
    partition: 0,
    records: batch(),
    acks: -1,
    apiVersion: 9,
  });
  const [first, second] = await results.settled;
  assert.deepEqual([first!.baseOffset, second!.baseOffset], [0, 1]);
  // acks=1 is answered first, whether or not the background flush has finished by then.
  assert.match(seen[0]!, /^acks=1 /);
  assert.equal(seen[1], 'acks=-1 flushed=true');
  await rm.close();
  await logs.close();
});
