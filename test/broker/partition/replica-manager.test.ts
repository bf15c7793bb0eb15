import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import { SimulatedEnvironment } from '../../../src/util/index.js';
import {
  encodeRecordBatchSync,
  splitRecordBatches,
  BatchHeader,
} from '../../../src/protocol/records/index.js';
import { waitFor } from '../../support/wait.js';

const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-000000000001';

async function setup(fs = new MemoryFileSystem(), overrides?: Map<string, string>) {
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  // The clock stands still; fetch waits time out when the test advances it.
  const env = new SimulatedEnvironment({ startMs: 1_000_000 });
  const rm = new ReplicaManager({ logs, broker, nowMs: () => 1_000_000, timers: env });
  await rm.ensurePartition(
    { topic: 't', partition: 0, topicId: TOPIC_ID, leaderEpoch: 0 },
    overrides,
  );
  await rm.ensurePartition({ topic: 't', partition: 1, topicId: TOPIC_ID, leaderEpoch: 0 });
  return { rm, logs, fs, env };
}

function batch(
  values: string[],
  opts: { key?: string | null; seq?: number; pid?: bigint; ts?: number } = {},
): Buffer {
  return encodeRecordBatchSync(
    values.map((v) => ({
      key: opts.key === undefined ? null : opts.key === null ? null : Buffer.from(opts.key),
      value: Buffer.from(v),
    })),
    opts.pid === undefined
      ? { timestamp: opts.ts ?? 1_000_000 }
      : {
          producerId: opts.pid,
          producerEpoch: 0,
          baseSequence: opts.seq ?? 0,
          timestamp: opts.ts ?? 1_000_000,
        },
  );
}

const append = (rm: ReplicaManager, records: Buffer | null, partition = 0, acks = 1) =>
  rm.append('t', partition, { records, acks, apiVersion: 9 });

const fetchOpts = { maxBytes: 1 << 20, minBytes: 1, maxWaitMs: 0, isolationLevel: 0 };

test('released fetch reads are reused by later fetches, which still return their own records', async () => {
  const { rm } = await setup();
  await append(rm, batch(['first']));
  await append(rm, batch(['other']), 1);
  const read = (partition: number) =>
    rm.fetchPartitions(
      [{ topic: 't', partition, fetchOffset: 0, maxBytes: 1 << 20, currentLeaderEpoch: -1 }],
      fetchOpts,
    );
  const [a] = await read(0);
  const held = Buffer.from(a!.records);
  const [b] = await read(1);
  assert.notEqual(b!.records.buffer, a!.records.buffer, 'unreleased reads keep their memory');
  assert.deepEqual(a!.records, held);
  rm.releaseReads([a!]);
  const [c] = await read(1);
  assert.equal(c!.records.buffer, a!.records.buffer, 'the released buffer is reused');
  assert.deepEqual(c!.records, b!.records);
  assert.equal([...splitRecordBatches(c!.records)].length, 1);
});

test('appends assign offsets and fetches return them up to the high watermark', async () => {
  const { rm, logs } = await setup();
  assert.equal((await append(rm, batch(['a', 'b']))).baseOffset, 0);
  assert.equal((await append(rm, batch(['c']))).baseOffset, 2);
  const [a] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset: 0, maxBytes: 1 << 20, currentLeaderEpoch: -1 }],
    fetchOpts,
  );
  assert.equal(a!.error, null);
  assert.equal(a!.highWatermark, 3);
  assert.deepEqual(
    [...splitRecordBatches(a!.records)].map((b) => new BatchHeader(b, 0).baseOffsetNumber),
    [0, 2],
  );
  const [out] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset: 9, maxBytes: 100, currentLeaderEpoch: -1 }],
    fetchOpts,
  );
  assert.equal(out!.error, 'OFFSET_OUT_OF_RANGE');
  const [unknown] = await rm.fetchPartitions(
    [{ topic: 'x', partition: 0, fetchOffset: 0, maxBytes: 100, currentLeaderEpoch: -1 }],
    fetchOpts,
  );
  assert.equal(unknown!.error, 'UNKNOWN_TOPIC_OR_PARTITION');
  const [fenced] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset: 0, maxBytes: 100, currentLeaderEpoch: 5 }],
    fetchOpts,
  );
  assert.equal(fenced!.error, 'UNKNOWN_LEADER_EPOCH');
  await rm.close();
  await logs.close();
});

test('produce validation answers Kafka error codes and writes nothing', async () => {
  const { rm, logs } = await setup(new MemoryFileSystem(), new Map([['max.message.bytes', '200']]));
  const corrupt = batch(['a']);
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.equal((await append(rm, corrupt)).error, 'CORRUPT_MESSAGE');
  assert.equal((await append(rm, batch(['x'.repeat(300)]))).error, 'MESSAGE_TOO_LARGE');
  assert.equal(
    (await append(rm, Buffer.concat([batch(['a']), batch(['b'])]))).error,
    'INVALID_RECORD',
  );
  assert.equal((await append(rm, null)).error, 'INVALID_RECORD');
  assert.equal(
    (await append(rm, batch(['a'], { ts: 1_000_000 + 2 * 3_600_000 }))).error,
    'INVALID_TIMESTAMP',
  );
  assert.equal((await append(rm, batch(['a']), 7)).error, 'UNKNOWN_TOPIC_OR_PARTITION');
  const oldMagic = batch(['a']);
  oldMagic[16] = 1;
  assert.equal((await append(rm, oldMagic)).error, 'INVALID_RECORD');
  assert.equal(rm.getPartition('t', 0)!.highWatermark, 0);
  await rm.close();
  await logs.close();
});

test('compacted topics refuse records without keys', async () => {
  const { rm, logs } = await setup(
    new MemoryFileSystem(),
    new Map([['cleanup.policy', 'compact']]),
  );
  assert.equal((await append(rm, batch(['a']))).error, 'INVALID_RECORD');
  assert.equal((await append(rm, batch(['a'], { key: 'k' }))).error, null);
  await rm.close();
  await logs.close();
});

test('idempotent produce: retries are answered with the first offsets; gaps are refused', async () => {
  const { rm, logs } = await setup();
  assert.equal((await append(rm, batch(['a', 'b'], { pid: 5n, seq: 0 }))).baseOffset, 0);
  assert.equal((await append(rm, batch(['c'], { pid: 5n, seq: 2 }))).baseOffset, 2);
  const retry = await append(rm, batch(['a', 'b'], { pid: 5n, seq: 0 }));
  assert.deepEqual([retry.error, retry.baseOffset], [null, 0]);
  assert.equal(
    (await append(rm, batch(['z'], { pid: 5n, seq: 9 }))).error,
    'OUT_OF_ORDER_SEQUENCE_NUMBER',
  );
  // Kafka 4 accepts a producer it has no state for at any sequence.
  assert.equal((await append(rm, batch(['z'], { pid: 6n, seq: 4 }))).baseOffset, 3);
  assert.equal(rm.getPartition('t', 0)!.highWatermark, 4);
  await rm.close();
  await logs.close();
});

test('producer state survives a clean restart and a crash', async () => {
  const fs = new MemoryFileSystem();
  const first = await setup(fs);
  await append(first.rm, batch(['a'], { pid: 5n, seq: 0 }));
  await append(first.rm, batch(['b'], { pid: 5n, seq: 1 }));
  await first.rm.close();
  await first.logs.close();
  const second = await setup(fs);
  assert.equal((await append(second.rm, batch(['b'], { pid: 5n, seq: 1 }))).baseOffset, 1);
  assert.equal((await append(second.rm, batch(['c'], { pid: 5n, seq: 2 }))).baseOffset, 2);
  await second.rm.logs.allLogs()[0]!.flush();
  await second.rm.logs.allLogs()[1]!.flush();
  // A crash: nothing more is written, the snapshot on disk is older than the log.
  const crashed = fs.crash({ random: () => 0.99 });
  const third = await setup(crashed);
  const dup = await append(third.rm, batch(['c'], { pid: 5n, seq: 2 }));
  assert.deepEqual([dup.error, dup.baseOffset], [null, 2]);
  assert.equal((await append(third.rm, batch(['d'], { pid: 5n, seq: 3 }))).baseOffset, 3);
  await third.rm.close();
  await third.logs.close();
});

test('a fetch below min.bytes waits until an append arrives, or its max wait passes', async () => {
  const { rm, logs, env } = await setup();
  const read = {
    topic: 't',
    partition: 1,
    fetchOffset: 0,
    maxBytes: 1 << 20,
    currentLeaderEpoch: -1,
  };
  // maxWaitMs far beyond the test's timeout: only the append can answer this fetch.
  const waiting = rm.fetchPartitions([read], { ...fetchOpts, maxWaitMs: 600_000 });
  await waitFor('the fetch to wait in the purgatory', () => rm.purgatory.size > 0, {
    intervalMs: 1,
  });
  assert.equal(rm.purgatory.size, 1);
  await append(rm, batch(['late']), 1);
  const [answer] = await waiting;
  assert.ok(answer!.records.length > 0);
  assert.equal(rm.purgatory.size, 0);
  const timing = rm.fetchPartitions([{ ...read, fetchOffset: 1 }], { ...fetchOpts, maxWaitMs: 30 });
  while (rm.purgatory.size === 0) await new Promise((r) => setTimeout(r, 1));
  env.advance(30);
  const [timedOut] = await timing;
  assert.equal(timedOut!.records.length, 0);
  await rm.close();
  await logs.close();
});

test('response byte limits: the first partition gets one whole batch, later ones respect the limit', async () => {
  const { rm, logs } = await setup();
  await append(rm, batch(['x'.repeat(500)]), 0);
  await append(rm, batch(['y'.repeat(500)]), 1);
  const reads = [0, 1].map((partition) => ({
    topic: 't',
    partition,
    fetchOffset: 0,
    maxBytes: 100,
    currentLeaderEpoch: -1,
  }));
  const [a, b] = await rm.fetchPartitions(reads, { ...fetchOpts, maxBytes: 100 });
  assert.ok(a!.records.length > 500);
  assert.equal(b!.records.length, 0);
  await rm.close();
  await logs.close();
});

test('a failed disk write is KAFKA_STORAGE_ERROR for that batch; the next append works', async () => {
  const fs = new MemoryFileSystem();
  const { rm, logs } = await setup(fs);
  await append(rm, batch(['a']));
  fs.failNext('writev');
  assert.equal((await append(rm, batch(['b']))).error, 'KAFKA_STORAGE_ERROR');
  const next = await append(rm, batch(['c']));
  assert.deepEqual([next.error, next.baseOffset], [null, 1]);
  await rm.close();
  await logs.close();
});

test('acks=all whose fsync fails is KAFKA_STORAGE_ERROR; acks=1 in the same write is answered', async () => {
  const fs = new MemoryFileSystem();
  const { rm, logs } = await setup(fs, new Map([['flush.messages', '1']]));
  // flush.messages starts a background flush, then acks=all waits for one: both fail.
  fs.failNext('sync', (p) => p.endsWith('.log'));
  fs.failNext('sync', (p) => p.endsWith('.log'));
  const [all, one] = await Promise.all([
    append(rm, batch(['a']), 0, -1),
    append(rm, batch(['b']), 0, 1),
  ]);
  assert.equal(all.error, 'KAFKA_STORAGE_ERROR');
  assert.equal(one.error, null);
  const next = await append(rm, batch(['c']), 0, -1);
  assert.deepEqual([next.error, next.baseOffset], [null, 2]);
  await rm.close();
  await logs.close();
});

test('a partition opens on a full disk: reads work, writes are KAFKA_STORAGE_ERROR until there is room', async () => {
  const fs = new MemoryFileSystem();
  const first = await setup(fs);
  await append(first.rm, batch(['a']));
  await first.rm.close();
  fs.setCapacity(fs.usedBytes);
  // A new leader epoch must be written to leader-epoch-checkpoint, which cannot grow now.
  const rm = new ReplicaManager({ logs: first.logs, broker, nowMs: () => 1_000_000 });
  await rm.ensurePartition({ topic: 't', partition: 0, topicId: TOPIC_ID, leaderEpoch: 1 });
  const [read] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset: 0, maxBytes: 1 << 20, currentLeaderEpoch: 1 }],
    fetchOpts,
  );
  assert.equal(read!.error, null);
  assert.equal([...splitRecordBatches(read!.records)].length, 1);
  assert.equal((await append(rm, batch(['b']))).error, 'KAFKA_STORAGE_ERROR');
  fs.setCapacity(Infinity);
  const next = await append(rm, batch(['c']));
  assert.deepEqual([next.error, next.baseOffset], [null, 1]);
  await rm.close();
  await first.logs.close();
});

test('LogAppendTime topics stamp the append time and skip the timestamp window', async () => {
  const overrides = new Map([['message.timestamp.type', 'LogAppendTime']]);
  const { rm, logs } = await setup(new MemoryFileSystem(), overrides);
  const before = Date.now();
  const r = await append(rm, batch(['a'], { ts: 5 }));
  assert.equal(r.error, null);
  assert.ok(r.logAppendTimeMs >= before);
  const read = {
    topic: 't',
    partition: 0,
    fetchOffset: 0,
    maxBytes: 1 << 20,
    currentLeaderEpoch: -1,
  };
  const [a] = await rm.fetchPartitions([read], fetchOpts);
  const h = new BatchHeader(a!.records, 0);
  assert.equal(Number(h.maxTimestamp), r.logAppendTimeMs);
  assert.equal(h.isLogAppendTime, true);
  await rm.close();
  await logs.close();
});

test('logs of a recreated topic start empty; logs the metadata lacks are deleted', async () => {
  const fs = new MemoryFileSystem();
  const first = await setup(fs);
  await append(first.rm, batch(['old']), 0);
  await append(first.rm, batch(['old']), 1);
  await first.rm.close();
  await first.logs.close();
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  const rm = new ReplicaManager({ logs, broker });
  const spec = {
    topic: 't',
    partition: 0,
    topicId: '00000000-0000-0000-0000-000000000002',
    leaderEpoch: 0,
  };
  const p = await rm.ensurePartition(spec);
  assert.equal(p.highWatermark, 0);
  assert.deepEqual(await rm.deleteStrayLogs(), ['t-1']);
  assert.equal(logs.getLog('t', 1), undefined);
  await rm.close();
  await logs.close();
});

test('a segment roll snapshots producer state; the two newest snapshots are kept', async () => {
  const fs = new MemoryFileSystem();
  const { rm, logs } = await setup(fs, new Map([['segment.bytes', '200']]));
  for (let seq = 0; seq < 8; seq++) {
    assert.equal((await append(rm, batch(['v'.repeat(60)], { pid: 5n, seq }))).error, null);
  }
  const snapshots = (await fs.readdir('/data/t-0')).filter((n) => n.endsWith('.snapshot'));
  assert.equal(snapshots.length, 2);
  const newest = Number(snapshots.sort().at(-1)!.slice(0, 20));
  assert.ok(newest > 0 && newest <= 8);
  await rm.close();
  await logs.close();
});

test('transactional batches that no coordinator verified get INVALID_TXN_STATE and change nothing', async () => {
  const { rm } = await setup();
  const txn = encodeRecordBatchSync([{ key: null, value: Buffer.from('x') }], {
    producerId: 7n,
    producerEpoch: 0,
    baseSequence: 0,
    isTransactional: true,
    timestamp: 1_000_000,
  });
  const r = await rm.append('t', 0, { records: txn, acks: 1, apiVersion: 9 });
  assert.equal(r.error, 'INVALID_TXN_STATE');
  const p = rm.getPartition('t', 0)!;
  assert.equal(p.highWatermark, 0);
  assert.equal(p.lastStableOffset, 0);
  // A plain batch after it is appended as usual.
  const ok = await rm.append('t', 0, { records: batch(['a']), acks: 1, apiVersion: 9 });
  assert.equal(ok.error, null);
  assert.equal(p.lastStableOffset, 1);
});

test('fetch runs through its session: an incremental fetch carries only partitions with news', async () => {
  const { rm, logs } = await setup();
  await append(rm, batch(['a']));
  const part = (partition: number, fetchOffset: number) => ({
    topic: 't',
    topicId: '00000000-0000-0000-0000-000000000000',
    partition,
    fetchOffset,
    logStartOffset: 0,
    maxBytes: 1 << 20,
    currentLeaderEpoch: -1,
  });
  const request = (
    sessionId: number,
    sessionEpoch: number,
    partitions: ReturnType<typeof part>[],
  ) => ({
    sessionId,
    sessionEpoch,
    partitions,
    forgotten: [],
    usesTopicIds: false,
  });
  const opts = { ...fetchOpts, minBytes: 0 };
  const full = await rm.fetch(request(0, 0, [part(0, 0), part(1, 0)]), opts);
  assert.equal(full.error, null);
  assert.notEqual(full.sessionId, 0);
  assert.deepEqual(
    full.partitions.map((p) => [p.topic, p.request.partition, p.answer.records.length > 0]),
    [
      ['t', 0, true],
      ['t', 1, false],
    ],
  );
  rm.releaseReads(full.reads);
  // Partition 0 moved past its records; nothing new anywhere: the response is empty.
  const quiet = await rm.fetch(request(full.sessionId, 1, [part(0, 1)]), opts);
  assert.equal(quiet.error, null);
  assert.deepEqual(quiet.partitions, []);
  await append(rm, batch(['b']), 1);
  const news = await rm.fetch(request(full.sessionId, 2, []), opts);
  assert.deepEqual(
    news.partitions.map((p) => p.request.partition),
    [1],
  );
  const lost = await rm.fetch(request(12345, 1, []), opts);
  assert.equal(lost.error, 'FETCH_SESSION_ID_NOT_FOUND');
  await rm.close();
  await logs.close();
});
