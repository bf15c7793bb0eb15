import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import { encodeRecordBatchSync, splitRecordBatches } from '../../../src/protocol/records/index.js';

const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-000000000001';

async function open(fs: MemoryFileSystem) {
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  const rm = new ReplicaManager({ logs, broker, nowMs: () => 1_000_000 });
  await rm.ensurePartition({ topic: 't', partition: 0, topicId: TOPIC_ID, leaderEpoch: 0 });
  return rm;
}

const batch = (values: string[], producer?: { pid: bigint; seq: number }) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    {
      timestamp: 1_000_000,
      ...(producer && { producerId: producer.pid, producerEpoch: 0, baseSequence: producer.seq }),
    },
  );

const append = (rm: ReplicaManager, records: Buffer) =>
  rm.append('t', 0, { records, acks: 1, apiVersion: 9 });

async function logContents(rm: ReplicaManager): Promise<number[]> {
  const [r] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset: 0, maxBytes: 1 << 20, currentLeaderEpoch: -1 }],
    { maxBytes: 1 << 20, minBytes: 0, maxWaitMs: 0, isolationLevel: 0 },
  );
  return [...splitRecordBatches(r!.records)].map((b) => Number(b.readBigInt64BE(0)));
}

test('batches appended in one turn get consecutive offsets in call order', async () => {
  const rm = await open(new MemoryFileSystem());
  const results = await Promise.all([
    append(rm, batch(['a', 'b'])),
    append(rm, batch(['c'])),
    append(rm, batch(['d', 'e', 'f'])),
  ]);
  assert.deepEqual(
    results.map((r) => [r.error, r.baseOffset]),
    [
      [null, 0],
      [null, 2],
      [null, 3],
    ],
  );
  assert.deepEqual(await logContents(rm), [0, 2, 3]);
});

test('a failed group write fails every batch in it and leaves the log as it was', async () => {
  const fs = new MemoryFileSystem();
  const rm = await open(fs);
  assert.equal((await append(rm, batch(['x']))).error, null);
  fs.failNext('writev', (path) => path.endsWith('.log'));
  const results = await Promise.all([append(rm, batch(['a'])), append(rm, batch(['b']))]);
  assert.deepEqual(
    results.map((r) => r.error),
    ['KAFKA_STORAGE_ERROR', 'KAFKA_STORAGE_ERROR'],
  );
  assert.equal(rm.getPartition('t', 0)!.highWatermark, 1);
  const after = await append(rm, batch(['c']));
  assert.deepEqual([after.error, after.baseOffset], [null, 1]);
  assert.deepEqual(await logContents(rm), [0, 1]);
});

test('one producer may have several batches in a turn; sequences are checked in order', async () => {
  const rm = await open(new MemoryFileSystem());
  const pid = 7n;
  const results = await Promise.all([
    append(rm, batch(['a'], { pid, seq: 0 })),
    append(rm, batch(['b', 'c'], { pid, seq: 1 })),
    append(rm, batch(['d'], { pid, seq: 9 })), // a gap
    append(rm, batch(['e'], { pid, seq: 3 })),
    append(rm, batch(['b', 'c'], { pid, seq: 1 })), // a retry of the second
  ]);
  assert.deepEqual(
    results.map((r) => [r.error, r.baseOffset]),
    [
      [null, 0],
      [null, 1],
      ['OUT_OF_ORDER_SEQUENCE_NUMBER', -1],
      [null, 3],
      [null, 1],
    ],
  );
  assert.deepEqual(await logContents(rm), [0, 1, 3]);
});
