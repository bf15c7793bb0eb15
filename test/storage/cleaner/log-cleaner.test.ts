import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompressionType,
  ControlRecordType,
  decodeRecordBatches,
  encodeRecordBatchSync,
  endTxnMarker,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { BatchHeader } from '../../../src/protocol/records/batch-header.js';
import {
  LogManager,
  MemoryFileSystem,
  cleanLog,
  protocolCleanerCodec,
  type LogConfig,
  type PartitionLog,
} from '../../../src/storage/index.js';
import { ManualClock, ManualScheduler, mulberry32 } from '../helpers.js';

const COMPACT: Partial<LogConfig> = {
  cleanupPolicy: 'compact',
  segmentBytes: 600,
  minCleanableDirtyRatio: 0,
  deleteRetentionMs: 10_000,
};

async function setup(config: Partial<LogConfig> = {}, extra: { dedupeBytes?: number } = {}) {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const manager = await LogManager.open({
    logDirs: ['/data'],
    fs,
    clock,
    scheduler: new ManualScheduler(clock),
    manager: extra.dedupeBytes ? { cleanerDedupeBufferSize: extra.dedupeBytes } : {},
  });
  const log = await manager.createLog('c', 0, { ...COMPACT, ...config });
  return { fs, clock, manager, log };
}

interface Rec {
  offset: number;
  key: string | null;
  value: string | null;
}

function batchOf(
  records: { key: string | null; value: string | null }[],
  clock: ManualClock,
  extra: { producerId?: bigint; compression?: CompressionType } = {},
): Buffer {
  const input: RecordInput[] = records.map((r) => ({
    key: r.key === null ? null : Buffer.from(r.key),
    value: r.value === null ? null : Buffer.from(r.value),
    timestamp: clock.now,
  }));
  return encodeRecordBatchSync(input, {
    producerId: extra.producerId ?? -1n,
    producerEpoch: extra.producerId === undefined ? -1 : 0,
    baseSequence: extra.producerId === undefined ? -1 : 0,
    compression: extra.compression ?? CompressionType.None,
  });
}

/** Every record of the log, in order, read through the public read path. */
async function allRecords(log: PartitionLog): Promise<{ records: Rec[]; batches: BatchHeader[] }> {
  const records: Rec[] = [];
  const batches: BatchHeader[] = [];
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, { maxBytes: 1 << 20 });
    assert.equal(r.error, null);
    if (r.records.length === 0) break;
    for (let pos = 0; pos < r.records.length;) {
      const h = new BatchHeader(r.records, pos);
      assert.ok(h.isCrcValid(), 'stored batches keep valid CRCs');
      batches.push(h);
      pos += h.totalSize;
      offset = h.lastOffsetNumber + 1;
    }
    for (const b of await decodeRecordBatches(r.records)) {
      for (const rec of b.records) {
        records.push({
          offset: Number(rec.offset),
          key: rec.key?.toString() ?? null,
          value: rec.value?.toString() ?? null,
        });
      }
    }
  }
  return { records, batches };
}

test('compaction keeps the newest record of each key, with its offset, and never the active segment', async () => {
  const { log, manager, clock } = await setup();
  const appended: Rec[] = [];
  for (let i = 0; i < 40; i++) {
    const recs = [{ key: `k${i % 5}`, value: `v${i}` }];
    const r = await log.append(batchOf(recs, clock));
    appended.push({ offset: r.baseOffset, ...recs[0]! });
  }
  const activeBase = log.segmentBaseOffsets.at(-1)!;
  const activeBefore = (await log.read(activeBase, { maxBytes: 1 << 20 })).records;
  const sizeBefore = log.size;
  const [result] = await manager.runCleaner();
  assert.ok(result && result.recordsRemoved > 0);
  assert.ok(log.size < sizeBefore);
  const { records } = await allRecords(log);
  const offsets = records.map((r) => r.offset);
  assert.deepEqual(
    offsets,
    [...offsets].sort((a, b) => a - b),
    'offsets stay in order',
  );
  for (const r of records)
    assert.deepEqual(
      r,
      appended.find((a) => a.offset === r.offset),
      'records keep offset and value',
    );
  const cleaned = records.filter((r) => r.offset < activeBase);
  for (const r of cleaned) {
    const newest = Math.max(
      ...appended.filter((a) => a.key === r.key && a.offset < activeBase).map((a) => a.offset),
    );
    assert.equal(r.offset, newest, `only the newest ${r.key} survives below the active segment`);
  }
  const newestOfEach = new Set(
    ['k0', 'k1', 'k2', 'k3', 'k4'].map((k) =>
      Math.max(...appended.filter((a) => a.key === k).map((a) => a.offset)),
    ),
  );
  for (const o of newestOfEach)
    assert.ok(offsets.includes(o), `newest of each key (offset ${o}) survives`);
  assert.deepEqual(
    (await log.read(activeBase, { maxBytes: 1 << 20 })).records,
    activeBefore,
    'active segment untouched',
  );
  assert.equal((await log.append(batchOf([{ key: 'k9', value: 'after' }], clock))).baseOffset, 40);
  await manager.close();
});

test('tombstones stay for delete.retention.ms after a pass has kept them, then go', async () => {
  const { log, manager, clock } = await setup();
  await log.append(
    batchOf(
      [
        { key: 'gone', value: 'x' },
        { key: 'kept', value: 'y' },
      ],
      clock,
    ),
  );
  await log.append(batchOf([{ key: 'gone', value: null }], clock));
  for (let i = 0; i < 12; i++)
    await log.append(batchOf([{ key: `f${i}`, value: 'filler'.repeat(5) }], clock));
  await manager.runCleaner();
  let keys = (await allRecords(log)).records.map((r) => `${r.key}=${r.value}`);
  assert.ok(keys.includes('gone=null'), 'a fresh tombstone stays');
  assert.ok(!keys.includes('gone=x'), 'the value it deletes goes');
  // Young: a second pass keeps it.
  for (let i = 0; i < 12; i++)
    await log.append(batchOf([{ key: `g${i}`, value: 'filler'.repeat(5) }], clock));
  await manager.runCleaner();
  keys = (await allRecords(log)).records.map((r) => `${r.key}=${r.value}`);
  assert.ok(keys.includes('gone=null'), 'still within delete.retention.ms');
  clock.advance(10_001);
  for (let i = 0; i < 12; i++)
    await log.append(batchOf([{ key: `h${i}`, value: 'filler'.repeat(5) }], clock));
  await manager.runCleaner();
  keys = (await allRecords(log)).records.map((r) => `${r.key}=${r.value}`);
  assert.ok(!keys.some((k) => k.startsWith('gone=')), 'the old tombstone is removed');
  assert.ok(keys.includes('kept=y'));
  await manager.close();
});

test('min.cleanable.dirty.ratio and min.compaction.lag.ms hold the cleaner back; max.compaction.lag.ms forces it', async () => {
  const { log, manager, clock } = await setup({
    minCleanableDirtyRatio: 0.99,
    minCompactionLagMs: 5_000,
  });
  for (let i = 0; i < 30; i++) await log.append(batchOf([{ key: 'same', value: `v${i}` }], clock));
  assert.deepEqual(await manager.runCleaner(), [], 'records younger than the lag are not cleaned');
  clock.advance(6_000);
  const [first] = await manager.runCleaner();
  assert.ok(first && first.recordsRemoved > 0, 'a never-cleaned log is 100% dirty');
  for (let i = 0; i < 10; i++) await log.append(batchOf([{ key: 'same', value: `w${i}` }], clock));
  clock.advance(6_000);
  assert.deepEqual(await manager.runCleaner(), [], 'dirty ratio under 0.99');
  manager.updateConfig('c', {
    ...COMPACT,
    minCleanableDirtyRatio: 0.99,
    maxCompactionLagMs: 1_000,
  });
  const [forced] = await manager.runCleaner();
  assert.ok(forced && forced.recordsRemoved > 0, 'overdue dirty records force a pass');
  await manager.close();
});

test('the last batch of each producer survives, emptied, so its sequence state remains', async () => {
  const { log, manager, clock } = await setup();
  await log.append(batchOf([{ key: 'a', value: '1' }], clock, { producerId: 7n }));
  await log.append(batchOf([{ key: 'a', value: '2' }], clock, { producerId: 7n }));
  await log.append(batchOf([{ key: 'a', value: '3' }], clock));
  for (let i = 0; i < 12; i++)
    await log.append(batchOf([{ key: `f${i}`, value: 'filler'.repeat(5) }], clock));
  await manager.runCleaner();
  const { batches } = await allRecords(log);
  const ofProducer = batches.filter((b) => b.producerId === 7n);
  assert.equal(ofProducer.length, 1, 'only the last batch of producer 7 is left');
  assert.equal(ofProducer[0]!.baseOffsetNumber, 1);
  assert.equal(ofProducer[0]!.recordCount, 0);
  assert.equal(ofProducer[0]!.lastOffsetNumber, 1);
  await manager.close();
});

test('compressed batches are rebuilt with their codec, keeping their offsets', async () => {
  const { log, manager, clock } = await setup({ segmentBytes: 400 });
  const recs = [
    { key: 'x', value: 'old' },
    { key: 'y', value: 'keep' },
    { key: 'x', value: 'new' },
  ];
  await log.append(batchOf(recs, clock, { compression: CompressionType.Gzip }));
  for (let i = 0; i < 12; i++)
    await log.append(batchOf([{ key: `f${i}`, value: 'filler'.repeat(5) }], clock));
  await manager.runCleaner();
  const { records, batches } = await allRecords(log);
  assert.deepEqual(records.slice(0, 2), [
    { offset: 1, key: 'y', value: 'keep' },
    { offset: 2, key: 'x', value: 'new' },
  ]);
  assert.equal(batches[0]!.compression, CompressionType.Gzip);
  assert.equal(batches[0]!.lastOffsetNumber, 2);
  await manager.close();
});

test('a small key map cleans in several passes and the checkpoint advances', async () => {
  const { log, manager, clock } = await setup({}, { dedupeBytes: 600 });
  for (let i = 0; i < 60; i++)
    await log.append(batchOf([{ key: `k${i % 20}`, value: `v${i}` }], clock));
  const passes: number[] = [];
  for (let i = 0; i < 10; i++) {
    const [r] = await manager.runCleaner();
    if (!r) break;
    passes.push(r.firstDirtyOffset);
  }
  assert.ok(passes.length > 1, `passes: ${passes}`);
  assert.deepEqual(
    passes,
    [...passes].sort((a, b) => a - b),
  );
  const { records } = await allRecords(log);
  const active = log.segmentBaseOffsets.at(-1)!;
  const keys = records.filter((r) => r.offset < active).map((r) => r.key);
  assert.equal(new Set(keys).size, keys.length, 'each key once below the active segment');
  await manager.close();
});

test('a pass that runs out of disk removes its partial output and loses nothing', async () => {
  const { log, clock, fs } = await setup();
  for (let i = 0; i < 30; i++)
    await log.append(batchOf([{ key: `k${i % 3}`, value: `v${i}` }], clock));
  await log.flush();
  const before = await allRecords(log);
  fs.setCapacity(fs.usedBytes);
  await assert.rejects(
    cleanLog(log, protocolCleanerCodec(), {
      checkpoint: 0,
      nowMs: clock.now,
      dedupeBufferBytes: 1 << 20,
    }),
    /ENOSPC/,
  );
  assert.ok(!(await fs.readdir('/data/c-0')).some((n) => n.endsWith('.cleaned')));
  // Groups cleaned before the disk ran out stay cleaned; nothing newest is lost.
  const after = await allRecords(log);
  for (const k of ['k0', 'k1', 'k2']) {
    const newest = before.records.filter((r) => r.key === k).at(-1)!;
    assert.ok(after.records.some((r) => r.offset === newest.offset && r.value === newest.value));
  }
  assert.equal(log.logEndOffset, 30);
});

test('a crash in the middle of a swap is finished at the next start', async () => {
  const { log, clock, fs } = await setup();
  for (let i = 0; i < 30; i++)
    await log.append(batchOf([{ key: `k${i % 3}`, value: `v${i}` }], clock));
  await log.flush();
  const before = await allRecords(log);
  // Fail the final rename of the swap: the `.swap` file is committed, old files are `.deleted`.
  fs.failNext('rename', (p) => p.endsWith('.swap'));
  await assert.rejects(
    cleanLog(log, protocolCleanerCodec(), {
      checkpoint: 0,
      nowMs: clock.now,
      dedupeBufferBytes: 1 << 20,
    }),
  );
  const disk = fs.crash();
  assert.ok((await disk.readdir('/data/c-0')).some((n) => n.endsWith('.swap')));
  const again = await LogManager.open({
    logDirs: ['/data'],
    fs: disk,
    clock,
    topicConfigs: new Map([['c', COMPACT]]),
  });
  const reopened = again.getLog('c', 0)!;
  const after = await allRecords(reopened);
  assert.ok(
    !(await disk.readdir('/data/c-0')).some((n) => n.endsWith('.swap') || n.endsWith('.deleted')),
  );
  assert.equal(reopened.logEndOffset, 30);
  // Cleaned or not, the newest value of each key is there and offsets are in order.
  for (const k of ['k0', 'k1', 'k2']) {
    const newest = before.records.filter((r) => r.key === k).at(-1)!;
    assert.ok(after.records.some((r) => r.offset === newest.offset && r.value === newest.value));
  }
  const offs = after.records.map((r) => r.offset);
  assert.deepEqual(
    offs,
    [...offs].sort((a, b) => a - b),
  );
  await again.close();
});

test('property: random keys, tombstones and passes keep the latest state of every key', async () => {
  for (let seed = 1; seed <= 8; seed++) {
    const rand = mulberry32(seed);
    const { log, manager, clock } = await setup({
      segmentBytes: 300 + Math.floor(rand() * 700),
      deleteRetentionMs: 5_000,
    });
    const latest = new Map<string, { offset: number; value: string | null; time: number }>();
    for (let step = 0; step < 120; step++) {
      clock.advance(Math.floor(rand() * 400));
      const n = 1 + Math.floor(rand() * 3);
      const recs = Array.from({ length: n }, () => {
        const key = `k${Math.floor(rand() * 12)}`;
        return { key, value: rand() < 0.15 ? null : `v${step}-${Math.floor(rand() * 1e6)}` };
      });
      const r = await log.append(batchOf(recs, clock));
      recs.forEach((rec, i) =>
        latest.set(rec.key, { offset: r.baseOffset + i, value: rec.value, time: clock.now }),
      );
      if (rand() < 0.1) await manager.runCleaner();
    }
    await manager.runCleaner();
    const { records } = await allRecords(log);
    const offsets = records.map((r) => r.offset);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      `seed ${seed}: offsets in order`,
    );
    for (const [key, want] of latest) {
      const found = records.filter((r) => r.key === key).at(-1);
      if (want.value === null) {
        // A tombstone may be gone only once it is older than delete.retention.ms.
        if (!found)
          assert.ok(
            clock.now - want.time > 5_000,
            `seed ${seed}: tombstone of ${key} removed too early`,
          );
        else assert.equal(found.value, null, `seed ${seed}: ${key} deleted`);
      } else {
        assert.deepEqual(
          found,
          { offset: want.offset, key, value: want.value },
          `seed ${seed}: latest ${key}`,
        );
      }
    }
    await manager.close();
  }
});

test('records of aborted or open transactions never remove committed values', async () => {
  const { log, manager, clock } = await setup();
  const txn = (producerId: bigint, records: { key: string; value: string }[]) =>
    encodeRecordBatchSync(
      records.map((r) => ({
        key: Buffer.from(r.key),
        value: Buffer.from(r.value),
        timestamp: clock.now,
      })),
      { producerId, producerEpoch: 0, baseSequence: 0, isTransactional: true },
    );
  const marker = (
    producerId: bigint,
    type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit,
  ) =>
    encodeRecordBatchSync([endTxnMarker(type, 0)], {
      producerId,
      producerEpoch: 0,
      isTransactional: true,
      isControl: true,
      timestamp: clock.now,
    });
  await log.append(
    batchOf(
      [
        { key: 'a', value: 'committed-a' },
        { key: 'b', value: 'old-b' },
        { key: 'c', value: 'committed-c' },
      ],
      clock,
    ),
  );
  await log.append(txn(5n, [{ key: 'a', value: 'aborted-a' }]));
  await log.append(marker(5n, ControlRecordType.Abort));
  await log.append(txn(6n, [{ key: 'b', value: 'new-b' }]));
  await log.append(marker(6n, ControlRecordType.Commit));
  await log.append(txn(7n, [{ key: 'c', value: 'open-c' }]));
  for (let i = 0; i < 12; i++)
    await log.append(batchOf([{ key: `f${i}`, value: 'filler'.repeat(5) }], clock));
  await manager.runCleaner();
  const values = (await allRecords(log)).records.map((r) => r.value);
  assert.ok(values.includes('committed-a'), 'an aborted write does not supersede');
  assert.ok(values.includes('committed-c'), 'an open transaction does not supersede');
  assert.ok(!values.includes('old-b'), 'a committed transaction does');
  assert.ok(values.includes('new-b'));
  const { batches } = await allRecords(log);
  assert.equal(batches.filter((b) => b.isControl).length, 2, 'markers are kept');
  await manager.close();
});
