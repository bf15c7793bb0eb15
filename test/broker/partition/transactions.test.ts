import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem, decodeTxnIndex } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import {
  BatchHeader,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../../../src/protocol/records/index.js';

const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-000000000001';

async function open(fs: MemoryFileSystem) {
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  const rm = new ReplicaManager({
    logs,
    broker,
    nowMs: () => 1_000_000,
    // These tests play the coordinator: every transactional batch belongs to a transaction.
    verifyTransaction: () => null,
  });
  await rm.ensurePartition({ topic: 't', partition: 0, topicId: TOPIC_ID, leaderEpoch: 0 });
  return { rm, logs };
}

function txnBatch(pid: bigint, seq: number, values: string[], epoch = 0): Buffer {
  return encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    {
      producerId: pid,
      producerEpoch: epoch,
      baseSequence: seq,
      isTransactional: true,
      timestamp: 1_000_000,
    },
  );
}

const plain = (v: string) =>
  encodeRecordBatchSync([{ key: null, value: Buffer.from(v) }], { timestamp: 1_000_000 });

async function produce(rm: ReplicaManager, records: Buffer) {
  const r = await rm.append('t', 0, { records, acks: 1, apiVersion: 9 });
  assert.equal(r.error, null, r.message ?? undefined);
  return r.baseOffset;
}

async function fetch(rm: ReplicaManager, isolationLevel: number, fetchOffset = 0) {
  const [a] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset, maxBytes: 1 << 20, currentLeaderEpoch: -1 }],
    { maxBytes: 1 << 20, minBytes: 0, maxWaitMs: 0, isolationLevel },
  );
  return a!;
}

const marker = (pid: bigint, commit: boolean, epoch = 0) => ({
  producerId: pid,
  producerEpoch: epoch,
  coordinatorEpoch: 0,
  commit,
});

test('an open transaction holds the LSO; read_committed stops there until its marker', async () => {
  const { rm } = await open(new MemoryFileSystem());
  await produce(rm, plain('a')); // 0
  await produce(rm, txnBatch(5n, 0, ['t1', 't2'])); // 1-2
  await produce(rm, plain('b')); // 3
  const p = rm.getPartition('t', 0)!;
  assert.equal(p.highWatermark, 4);
  assert.equal(p.lastStableOffset, 1);
  const committed = await fetch(rm, 1);
  assert.equal(committed.lastStableOffset, 1);
  assert.equal([...splitRecordBatches(committed.records)].length, 1);
  assert.equal([...splitRecordBatches((await fetch(rm, 0)).records)].length, 3);

  assert.deepEqual(await rm.writeTxnMarker('t', 0, marker(5n, true)), { error: null });
  assert.equal(p.lastStableOffset, 5);
  const after = await fetch(rm, 1);
  const batches = [...splitRecordBatches(after.records)].map((b) => new BatchHeader(b, 0));
  assert.equal(batches.length, 4);
  assert.equal(batches[3]!.isControl, true);
  assert.deepEqual(after.abortedTransactions, []);
});

test('an abort is listed for read_committed fetches and persisted in the .txnindex', async () => {
  const fs = new MemoryFileSystem();
  const { rm } = await open(fs);
  await produce(rm, txnBatch(5n, 0, ['x'])); // 0
  await produce(rm, txnBatch(6n, 0, ['y'])); // 1
  await rm.writeTxnMarker('t', 0, marker(5n, false)); // 2
  const p = rm.getPartition('t', 0)!;
  assert.equal(p.lastStableOffset, 1, 'producer 6 still holds the LSO');
  await rm.writeTxnMarker('t', 0, marker(6n, true)); // 3
  assert.equal(p.lastStableOffset, 4);
  const read = await fetch(rm, 1);
  assert.deepEqual(
    read.abortedTransactions?.map((t) => [t.producerId, t.firstOffset, t.lastOffset]),
    [[5n, 0, 2]],
  );
  assert.equal((await fetch(rm, 0)).abortedTransactions, null);
  // Nothing aborted at or after offset 3.
  assert.deepEqual((await fetch(rm, 1, 3)).abortedTransactions, []);
  const file = await fs.readFile('/data/t-0/00000000000000000000.txnindex');
  assert.deepEqual(
    decodeTxnIndex(file!).map((e) => [e.producerId, e.firstOffset, e.lastOffset]),
    [[5n, 0, 2]],
  );
});

test('markers from an older producer epoch are fenced', async () => {
  const { rm } = await open(new MemoryFileSystem());
  await produce(rm, txnBatch(5n, 0, ['x'], 3));
  const stale = await rm.writeTxnMarker('t', 0, marker(5n, true, 2));
  assert.equal(stale.error, 'INVALID_PRODUCER_EPOCH');
  assert.equal(rm.getPartition('t', 0)!.lastStableOffset, 0);
  assert.equal(
    (await rm.writeTxnMarker('t', 9, marker(5n, true))).error,
    'UNKNOWN_TOPIC_OR_PARTITION',
  );
});

test('after a crash, open transactions and aborts are rebuilt from snapshot and log', async () => {
  const fs = new MemoryFileSystem();
  const first = await open(fs);
  await produce(first.rm, txnBatch(5n, 0, ['x'])); // 0
  await produce(first.rm, txnBatch(6n, 0, ['y'])); // 1
  await first.rm.writeTxnMarker('t', 0, marker(5n, false)); // 2
  // Lose the index file as if the crash came between the marker and its index write.
  await fs.unlink('/data/t-0/00000000000000000000.txnindex');
  // No close: a kill -9. Reopen the same files.
  const second = await open(fs);
  const p = second.rm.getPartition('t', 0)!;
  assert.equal(p.lastStableOffset, 1, 'producer 6 is still open after recovery');
  const read = await fetch(second.rm, 1);
  assert.deepEqual(
    read.abortedTransactions?.map((t) => [t.producerId, t.firstOffset]),
    [[5n, 0]],
  );
  await second.rm.writeTxnMarker('t', 0, marker(6n, true));
  assert.equal(p.lastStableOffset, 4);
});

test('a clean restart keeps open transactions through the producer snapshot', async () => {
  const fs = new MemoryFileSystem();
  const first = await open(fs);
  await produce(first.rm, plain('a')); // 0
  await produce(first.rm, txnBatch(5n, 0, ['x'])); // 1
  await first.rm.close();
  await first.logs.close();
  const second = await open(fs);
  const p = second.rm.getPartition('t', 0)!;
  assert.equal(p.producers.entry(5n)?.currentTxnFirstOffset, 1);
  assert.equal(p.lastStableOffset, 1);
});
