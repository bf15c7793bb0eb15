import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  MemoryFileSystem,
  PartitionLog,
  ProducerStateManager,
  decodeProducerSnapshotFile,
  encodeProducerSnapshotFile,
  listSnapshotOffsets,
  recoverProducerState,
  snapshotProducerState,
  type ProducerBatchInfo,
} from '../../src/storage/index.js';
import { encodeRecordBatchSync } from '../../src/protocol/records/record-batch.js';

function info(seq: number, count: number, epoch = 0, pid = 7n): ProducerBatchInfo {
  return {
    producerId: pid,
    producerEpoch: epoch,
    baseSequence: seq,
    lastOffsetDelta: count - 1,
    maxTimestamp: 1000,
  };
}

test('an unknown producer is accepted at any sequence; later batches must follow on', () => {
  const s = new ProducerStateManager();
  assert.equal(s.check(info(3, 1)).kind, 'append');
  assert.equal(s.check(info(0, 2)).kind, 'append');
  s.update(info(0, 2), 10, 11);
  assert.equal(s.check(info(2, 1)).kind, 'append');
  const gap = s.check(info(4, 1));
  assert.equal(gap.kind === 'error' && gap.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
});

test('a retried batch among the last five is a duplicate with its original offsets', () => {
  const s = new ProducerStateManager();
  for (let i = 0; i < 6; i++) s.update(info(i * 2, 2), 100 + i * 2, 101 + i * 2);
  assert.deepEqual(s.check(info(10, 2)), { kind: 'duplicate', firstOffset: 110, lastOffset: 111 });
  assert.deepEqual(s.check(info(2, 2)), { kind: 'duplicate', firstOffset: 102, lastOffset: 103 });
  // The first batch fell out of the five kept: not recognised, and out of order.
  const old = s.check(info(0, 2));
  assert.equal(old.kind === 'error' && old.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
});

test('epochs: an older epoch is fenced, a newer one must start at 0', () => {
  const s = new ProducerStateManager();
  s.update(info(0, 1, 3), 0, 0);
  const older = s.check(info(1, 1, 2));
  assert.equal(older.kind === 'error' && older.error, 'INVALID_PRODUCER_EPOCH');
  const newer = s.check(info(5, 1, 4));
  assert.equal(newer.kind === 'error' && newer.error, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
  assert.equal(s.check(info(0, 1, 4)).kind, 'append');
  s.update(info(0, 1, 4), 1, 1);
  assert.equal(s.entry(7n)!.epoch, 4);
  assert.equal(s.entry(7n)!.batches.length, 1);
});

test('snapshot files round-trip and a flipped byte is detected', () => {
  const s = new ProducerStateManager();
  s.update(info(0, 3), 5, 7);
  s.update(info(0, 1, 1, 9n), 8, 8);
  const buf = encodeProducerSnapshotFile(s.entries());
  assert.equal(buf.readInt16BE(0), 1);
  const back = decodeProducerSnapshotFile(buf)!;
  assert.equal(back.length, 2);
  assert.deepEqual(back[0]!.batches[0], {
    firstSequence: 0,
    lastSequence: 2,
    firstOffset: 5,
    lastOffset: 7,
    maxTimestamp: 1000,
  });
  assert.equal(back[1]!.producerId, 9n);
  buf[buf.length - 3] ^= 1;
  assert.equal(decodeProducerSnapshotFile(buf), null);
});

function idempotentBatch(seq: number, count: number): Buffer {
  const records = Array.from({ length: count }, (_, i) => ({ value: Buffer.from(`v${seq + i}`) }));
  return encodeRecordBatchSync(records, {
    producerId: 7n,
    producerEpoch: 0,
    baseSequence: seq,
    timestamp: 1000,
  });
}

async function openLog(fs: MemoryFileSystem) {
  return PartitionLog.open({
    fs,
    dir: '/d/t-0',
    topic: 't',
    partition: 0,
    config: { ...DEFAULT_LOG_CONFIG },
  });
}

test('recovery replays the log after the newest snapshot', async () => {
  const fs = new MemoryFileSystem();
  const log = await openLog(fs);
  const state = new ProducerStateManager();
  for (const [seq, n] of [
    [0, 2],
    [2, 3],
  ] as const) {
    const r = await log.append(idempotentBatch(seq, n));
    state.update(info(seq, n), r.baseOffset, r.lastOffset);
  }
  await snapshotProducerState(log, state);
  await log.append(idempotentBatch(5, 1));
  assert.deepEqual(await listSnapshotOffsets(fs, '/d/t-0'), [5]);
  const recovered = await recoverProducerState(log);
  assert.equal(recovered.snapshotOffset, 5);
  assert.equal(recovered.replayedBatches, 1);
  assert.deepEqual(recovered.state.check(info(5, 1)), {
    kind: 'duplicate',
    firstOffset: 5,
    lastOffset: 5,
  });
  assert.equal(recovered.state.check(info(6, 1)).kind, 'append');
  await log.close();
});

test('recovery without a snapshot replays the whole log; snapshots past the log end are dropped', async () => {
  const fs = new MemoryFileSystem();
  const log = await openLog(fs);
  await log.append(idempotentBatch(0, 2));
  const state = new ProducerStateManager();
  state.update(info(0, 9), 0, 8);
  await fs.mkdir('/d/t-0');
  const { writeProducerSnapshot } = await import('../../src/storage/index.js');
  await writeProducerSnapshot(fs, '/d/t-0', { offset: 50, entries: state.entries() });
  const recovered = await recoverProducerState(log);
  assert.equal(recovered.snapshotOffset, 0);
  assert.equal(recovered.replayedBatches, 1);
  assert.deepEqual(await listSnapshotOffsets(fs, '/d/t-0'), []);
  assert.equal(recovered.state.check(info(2, 1)).kind, 'append');
  await log.close();
});

test('producers idle past the expiration time are forgotten', () => {
  const s = new ProducerStateManager();
  s.update({ ...info(0, 1), maxTimestamp: 1000 }, 0, 0);
  s.update({ ...info(0, 1, 0, 8n), maxTimestamp: 5000 }, 1, 1);
  assert.equal(s.expire(6000, 2000), 1);
  assert.equal(s.entry(7n), undefined);
  assert.ok(s.entry(8n) !== undefined);
});

test('transactions: the first transactional batch opens one, its marker ends it', () => {
  const s = new ProducerStateManager();
  s.update({ ...info(0, 2), isTransactional: true }, 10, 11);
  s.update({ ...info(2, 1), isTransactional: true }, 15, 15);
  s.update({ ...info(0, 1, 0, 8n), isTransactional: true }, 12, 12);
  assert.equal(s.entry(7n)?.currentTxnFirstOffset, 10);
  assert.equal(s.firstUnstableOffset(), 10);
  const done = s.completeTxn(7n, {
    producerEpoch: 0,
    coordinatorEpoch: 1,
    markerOffset: 16,
    timestamp: 1000,
  });
  assert.deepEqual(done, { producerId: 7n, firstOffset: 10, lastOffset: 16 });
  assert.equal(s.firstUnstableOffset(), 12);
  assert.equal(
    s.checkMarker(7n, { producerEpoch: 0, coordinatorEpoch: 0 }),
    'TRANSACTION_COORDINATOR_FENCED',
  );
  assert.equal(
    s.checkMarker(8n, { producerEpoch: -1, coordinatorEpoch: 0 }),
    'INVALID_PRODUCER_EPOCH',
  );
  // An open transaction keeps its producer from expiring.
  assert.equal(s.expire(10_000_000, 1), 1);
  assert.equal(s.entry(8n)?.currentTxnFirstOffset, 12);
});

test('snapshots keep open transactions and coordinator epochs', () => {
  const s = new ProducerStateManager();
  s.update({ ...info(0, 2), isTransactional: true }, 10, 11);
  s.completeTxn(9n, { producerEpoch: 2, coordinatorEpoch: 4, markerOffset: 12, timestamp: 5 });
  const decoded = decodeProducerSnapshotFile(encodeProducerSnapshotFile(s.entries()))!;
  const open = decoded.find((e) => e.producerId === 7n)!;
  assert.equal(open.currentTxnFirstOffset, 10);
  const markerOnly = decoded.find((e) => e.producerId === 9n)!;
  assert.deepEqual([markerOnly.epoch, markerOnly.coordinatorEpoch, markerOnly.batches], [2, 4, []]);
});
