import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  MemoryFileSystem,
  PartitionLog,
  resolveLogConfig,
  type LogConfig,
} from '../../src/storage/index.js';
import { BatchHeader } from '../../src/protocol/records/batch-header.js';
import { encodeRecordBatchSync } from '../../src/protocol/records/record-batch.js';
import {
  ManualClock,
  ManualScheduler,
  baseOffsetsOf,
  batchesOf,
  makeBatch,
  settle,
} from './helpers.js';

const DIR = '/data/t-0';

async function openLog(
  overrides: Partial<LogConfig> = {},
  fs = new MemoryFileSystem(),
  clock = new ManualClock(),
) {
  const scheduler = new ManualScheduler(clock);
  const log = await PartitionLog.open({
    fs,
    dir: DIR,
    topic: 't',
    partition: 0,
    config: resolveLogConfig(DEFAULT_LOG_CONFIG, overrides),
    clock,
    scheduler,
    random: () => 0.5,
  });
  return { log, fs, clock, scheduler };
}

test('append assigns consecutive offsets and read returns the stored batches', async () => {
  const { log } = await openLog();
  const r1 = await log.append(makeBatch({ records: 3 }));
  assert.deepEqual(r1, {
    baseOffset: 0,
    lastOffset: 2,
    logAppendTimeMs: -1,
    logStartOffset: 0,
    batches: 1,
  });
  const r2 = await log.append(
    Buffer.concat([makeBatch({ records: 2 }), makeBatch({ records: 1 })]),
  );
  assert.equal(r2.baseOffset, 3);
  assert.equal(r2.lastOffset, 5);
  assert.equal(r2.batches, 2);
  assert.equal(log.logEndOffset, 6);
  const read = await log.read(0, { maxBytes: 1 << 20 });
  assert.equal(read.error, null);
  assert.deepEqual(baseOffsetsOf(read.records), [0, 3, 5]);
  assert.equal(read.logEndOffset, 6);
});

test('read starts at the batch holding the offset and stops at whole batches', async () => {
  const { log } = await openLog();
  for (let i = 0; i < 10; i++) await log.append(makeBatch({ records: 2, payloadBytes: 39 })); // 100 bytes each
  const mid = await log.read(5, { maxBytes: 250 });
  assert.deepEqual(baseOffsetsOf(mid.records), [4, 6]);
  const bounded = await log.read(0, { maxBytes: 1 << 20, maxOffset: 7 });
  assert.deepEqual(baseOffsetsOf(bounded.records), [0, 2, 4]);
  const tiny = await log.read(0, { maxBytes: 1 });
  assert.deepEqual(baseOffsetsOf(tiny.records), [0], 'at least one whole batch');
  const none = await log.read(0, { maxBytes: 1, minOneBatch: false });
  assert.equal(none.records.length, 0);
  const atEnd = await log.read(20, { maxBytes: 100 });
  assert.equal(atEnd.error, null);
  assert.equal(atEnd.records.length, 0);
});

test('offsets outside [logStartOffset, logEndOffset] are OFFSET_OUT_OF_RANGE', async () => {
  const { log } = await openLog();
  await log.append(makeBatch({ records: 5 }));
  assert.equal((await log.read(6, { maxBytes: 100 })).error, 'OFFSET_OUT_OF_RANGE');
  assert.equal((await log.read(-1, { maxBytes: 100 })).error, 'OFFSET_OUT_OF_RANGE');
  assert.equal((await log.deleteRecordsBefore(3)).logStartOffset, 3);
  assert.equal((await log.read(2, { maxBytes: 100 })).error, 'OFFSET_OUT_OF_RANGE');
  assert.equal((await log.read(3, { maxBytes: 100 })).error, null);
  assert.equal((await log.deleteRecordsBefore(9)).error, 'OFFSET_OUT_OF_RANGE');
});

test('segments roll by segment.bytes, and reads and lookups work across them', async () => {
  const { log, fs } = await openLog({ segmentBytes: 1000, indexIntervalBytes: 150 });
  for (let i = 0; i < 50; i++) await log.append(makeBatch({ records: 1, payloadBytes: 39 }));
  assert.equal(log.segmentCount, 5);
  assert.deepEqual(log.segmentBaseOffsets, [0, 10, 20, 30, 40]);
  for (const offset of [0, 9, 10, 33, 49]) {
    const r = await log.read(offset, { maxBytes: 100 });
    assert.deepEqual(baseOffsetsOf(r.records), [offset]);
  }
  const files = await fs.readdir(DIR);
  assert.ok(files.includes('00000000000000000010.log'));
  assert.ok(files.includes('00000000000000000010.index'));
  assert.ok(files.includes('00000000000000000010.timeindex'));
  // Closed segments have their index written: entries every > 150 bytes of 100-byte batches.
  assert.equal(fs.peek(`${DIR}/00000000000000000010.index`)!.length, 4 * 8);
});

test('a batch larger than segment.bytes still goes into its own segment', async () => {
  const { log } = await openLog({ segmentBytes: 200 });
  await log.append(makeBatch({ payloadBytes: 20 }));
  await log.append(makeBatch({ payloadBytes: 500 }));
  await log.append(makeBatch({ payloadBytes: 20 }));
  assert.deepEqual(log.segmentBaseOffsets, [0, 1, 2]);
});

test('segments roll by segment.ms, measured between batch timestamps', async () => {
  const clock = new ManualClock(10_000_000);
  const { log } = await openLog({ segmentMs: 1_000 }, new MemoryFileSystem(), clock);
  await log.append(makeBatch({ timestamp: 10_000 }));
  await log.append(makeBatch({ timestamp: 10_999 }));
  assert.equal(log.segmentCount, 1, 'old timestamps alone do not roll');
  await log.append(makeBatch({ timestamp: 11_001 }));
  assert.deepEqual(log.segmentBaseOffsets, [0, 2]);
});

test('without timestamps, segment.ms counts from the segment creation on the clock', async () => {
  const clock = new ManualClock(10_000);
  const { log } = await openLog({ segmentMs: 1_000 }, new MemoryFileSystem(), clock);
  await log.append(makeBatch({ timestamp: -1 }));
  clock.advance(1_000);
  await log.append(makeBatch({ timestamp: -1 }));
  clock.advance(1);
  await log.append(makeBatch({ timestamp: -1 }));
  assert.deepEqual(log.segmentBaseOffsets, [0, 2]);
});

test('LogAppendTime stamps the max timestamp, sets the attribute and keeps the CRC valid', async () => {
  const { log } = await openLog({ messageTimestampType: 'LogAppendTime' });
  const r = await log.append(makeBatch({ timestamp: 5 }), {
    logAppendTimeMs: 123_456,
    leaderEpoch: 7,
  });
  assert.equal(r.logAppendTimeMs, 123_456);
  const [h] = batchesOf((await log.read(0, { maxBytes: 1000 })).records);
  assert.equal(h!.maxTimestamp, 123_456n);
  assert.equal(h!.isLogAppendTime, true);
  assert.equal(h!.partitionLeaderEpoch, 7);
  assert.equal(h!.isCrcValid(), true);
});

test('concurrent appends are written in call order with increasing offsets', async () => {
  const { log } = await openLog({ segmentBytes: 500 });
  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) => log.append(makeBatch({ records: 1 + (i % 3) }))),
  );
  let next = 0;
  for (const r of results) {
    assert.equal(r.baseOffset, next);
    next = r.lastOffset + 1;
  }
  assert.equal(log.logEndOffset, next);
});

test('follower appends keep their offsets and refuse to go backwards', async () => {
  const { log } = await openLog();
  const r = await log.append(makeBatch({ baseOffset: 10, records: 2 }), { assignOffsets: false });
  assert.equal(r.baseOffset, 10);
  assert.equal(log.logEndOffset, 12);
  await assert.rejects(
    log.append(makeBatch({ baseOffset: 11 }), { assignOffsets: false }),
    /below log end/,
  );
  assert.equal(log.logEndOffset, 12);
});

test('offsetForTimestamp answers earliest, latest, max timestamp and by time', async () => {
  const { log } = await openLog({ segmentBytes: 300, indexIntervalBytes: 100 });
  const stamps = [100, 200, 150, 400, 300, 500, 450];
  for (const ts of stamps)
    await log.append(makeBatch({ records: 2, timestamp: ts }), { leaderEpoch: 3 });
  assert.deepEqual(await log.offsetForTimestamp(-2), { offset: 0, timestamp: -1 });
  assert.deepEqual(await log.offsetForTimestamp(-1), { offset: 14, timestamp: -1 });
  // These batches hold opaque test payloads, not records: answers fall back to whole batches.
  assert.deepEqual(await log.offsetForTimestamp(-3), {
    offset: 10,
    timestamp: 500,
    leaderEpoch: 3,
  });
  assert.deepEqual(await log.offsetForTimestamp(0), { offset: 0, timestamp: 100, leaderEpoch: 3 });
  assert.deepEqual(await log.offsetForTimestamp(160), {
    offset: 2,
    timestamp: 200,
    leaderEpoch: 3,
  });
  assert.deepEqual(await log.offsetForTimestamp(201), {
    offset: 6,
    timestamp: 400,
    leaderEpoch: 3,
  });
  assert.deepEqual(await log.offsetForTimestamp(460), {
    offset: 10,
    timestamp: 500,
    leaderEpoch: 3,
  });
  assert.equal(await log.offsetForTimestamp(501), null);
});

test('truncateTo removes whole batches and later segments; appends continue from there', async () => {
  const { log } = await openLog({ segmentBytes: 250 });
  for (let i = 0; i < 10; i++) await log.append(makeBatch({ records: 2, payloadBytes: 39 }));
  assert.equal(log.segmentCount, 5);
  await log.truncateTo(9);
  assert.equal(log.logEndOffset, 9);
  assert.deepEqual(
    log.segmentBaseOffsets,
    [0, 4, 9],
    'an empty segment keeps the end offset across restarts',
  );
  // A read returns batches of one segment at most, as in Kafka.
  assert.deepEqual(baseOffsetsOf((await log.read(0, { maxBytes: 1e6 })).records), [0, 2]);
  assert.deepEqual(baseOffsetsOf((await log.read(4, { maxBytes: 1e6 })).records), [4, 6]);
  const r = await log.append(makeBatch());
  assert.equal(r.baseOffset, 9);
  await log.truncateTo(100);
  assert.equal(log.logEndOffset, 10, 'truncating past the end does nothing');
});

test('truncating below the log start offset restarts the log there', async () => {
  const { log } = await openLog();
  for (let i = 0; i < 5; i++) await log.append(makeBatch({ records: 2 }));
  await log.deleteRecordsBefore(6);
  await log.truncateTo(3);
  assert.equal(log.logStartOffset, 3);
  assert.equal(log.logEndOffset, 3);
  assert.equal((await log.append(makeBatch())).baseOffset, 3);
});

test('retention.ms and retention.bytes delete old closed segments, never the active one', async () => {
  const clock = new ManualClock(100_000);
  const fs = new MemoryFileSystem();
  const { log, scheduler } = await openLog(
    { segmentBytes: 250, retentionMs: 10_000, fileDeleteDelayMs: 5_000 },
    fs,
    clock,
  );
  for (let i = 0; i < 10; i++)
    await log.append(makeBatch({ payloadBytes: 39, timestamp: 90_000 + i * 1000 }));
  assert.equal(log.segmentCount, 5);
  // Segment maxima: 91000, 93000, 95000, 97000, active 99000. Now 100000, limit 10 s.
  clock.now = 103_500;
  assert.equal(await log.deleteOldSegments(), 2);
  assert.equal(log.logStartOffset, 4);
  assert.deepEqual(log.segmentBaseOffsets, [4, 6, 8]);
  const names = await fs.readdir(DIR);
  assert.ok(names.includes('00000000000000000000.log.deleted'));
  clock.advance(5_000);
  scheduler.runDue();
  await settle();
  assert.ok(!(await fs.readdir(DIR)).some((n) => n.endsWith('.deleted')));
  clock.now = 1e9;
  assert.equal(await log.deleteOldSegments(), 2, 'the active segment stays');
  assert.equal(log.segmentCount, 1);
  log.updateConfig(
    resolveLogConfig(DEFAULT_LOG_CONFIG, {
      segmentBytes: 250,
      retentionMs: -1,
      retentionBytes: 300,
    }),
  );
  for (let i = 0; i < 10; i++) await log.append(makeBatch({ payloadBytes: 39 }));
  await log.deleteOldSegments();
  assert.ok(log.size - 250 < 300 && log.size >= 300 - 250, `size ${log.size}`);
});

test('a compact-only log keeps old segments but honours the log start offset', async () => {
  const clock = new ManualClock(100_000);
  const { log } = await openLog(
    { segmentBytes: 250, retentionMs: 1, cleanupPolicy: 'compact' },
    new MemoryFileSystem(),
    clock,
  );
  for (let i = 0; i < 10; i++) await log.append(makeBatch({ payloadBytes: 39, timestamp: 1 }));
  assert.equal(await log.deleteOldSegments(), 0);
  await log.deleteRecordsBefore(5);
  assert.deepEqual(log.segmentBaseOffsets, [4, 6, 8]);
});

test('flush.messages makes appends durable by a group commit off the append path', async () => {
  const fs = new MemoryFileSystem();
  const { log } = await openLog({ flushMessages: 5 }, fs);
  const before = fs.syncCount;
  for (let i = 0; i < 4; i++) await log.append(makeBatch());
  assert.equal(log.recoveryPoint, 0);
  await log.append(makeBatch());
  await settle();
  assert.equal(log.recoveryPoint, 5);
  assert.ok(fs.syncCount > before);
  // Many concurrent flushes share a few fsyncs.
  const syncs = fs.syncCount;
  await log.append(makeBatch());
  await Promise.all(Array.from({ length: 20 }, () => log.flush()));
  assert.equal(log.recoveryPoint, 6);
  assert.ok(fs.syncCount - syncs <= 3, `${fs.syncCount - syncs} fsyncs`);
});

test('flush.messages counts only offsets a roll has not already made durable', async () => {
  const fs = new MemoryFileSystem();
  // One batch per segment: every append after the first rolls, which fsyncs the closed
  // segment and the folder and moves the recovery point to the new segment.
  const { log } = await openLog({ flushMessages: 3, segmentBytes: makeBatch().length }, fs);
  await log.append(makeBatch());
  await log.append(makeBatch());
  const perRoll: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = fs.syncCount;
    await log.append(makeBatch());
    await settle();
    perRoll.push(fs.syncCount - before);
    assert.equal(log.recoveryPoint, log.logEndOffset - 1);
  }
  // Never 3 unflushed offsets, so no append adds a flush's fsync to its roll's.
  assert.deepEqual(new Set(perRoll).size, 1, `fsyncs per append: ${perRoll.join(',')}`);
});

test('a failed write leaves the log as it was and the next append succeeds', async () => {
  const fs = new MemoryFileSystem();
  const { log } = await openLog({}, fs);
  await log.append(makeBatch());
  fs.failNext('writev', (p) => p.endsWith('.log'));
  await assert.rejects(
    log.append(makeBatch()),
    (err: Error & { code?: string }) => err.code === 'KAFKA_STORAGE_ERROR',
  );
  assert.equal(log.logEndOffset, 1);
  assert.equal((await log.append(makeBatch())).baseOffset, 1);
  assert.deepEqual(baseOffsetsOf((await log.read(0, { maxBytes: 1e6 })).records), [0, 1]);
});

test('writes over 1 MiB go through the thread pool and are indexed and failed the same way', async () => {
  const fs = new MemoryFileSystem();
  const { log } = await openLog({}, fs);
  const big = () => makeBatch({ records: 2, payloadBytes: 1_200_000 });
  await log.append([makeBatch(), big()]);
  fs.failNext('writev', (p) => p.endsWith('.log'));
  await assert.rejects(
    log.append(big()),
    (err: Error & { code?: string }) => err.code === 'KAFKA_STORAGE_ERROR',
  );
  assert.equal(log.logEndOffset, 3);
  assert.equal((await log.append([big(), makeBatch()])).baseOffset, 3);
  const read = await log.read(1, { maxBytes: 1, minOneBatch: true });
  assert.deepEqual(baseOffsetsOf(read.records), [1]);
  assert.deepEqual(baseOffsetsOf((await log.read(0, { maxBytes: 5e6 })).records), [0, 1, 3, 5]);
});

test('close then reopen keeps everything, using the index files', async () => {
  const fs = new MemoryFileSystem();
  const first = await openLog({ segmentBytes: 1000, indexIntervalBytes: 150 }, fs);
  for (let i = 0; i < 25; i++)
    await first.log.append(makeBatch({ payloadBytes: 39, timestamp: 1000 + i }));
  await first.log.close();
  const indexBefore = fs.peek(`${DIR}/00000000000000000020.index`);
  const { log } = await openLog({ segmentBytes: 1000, indexIntervalBytes: 150 }, fs);
  assert.equal(log.logEndOffset, 25);
  assert.deepEqual(log.segmentBaseOffsets, [0, 10, 20]);
  assert.deepEqual(fs.peek(`${DIR}/00000000000000000020.index`), indexBefore);
  assert.deepEqual(baseOffsetsOf((await log.read(17, { maxBytes: 100 })).records), [17]);
  assert.deepEqual(await log.offsetForTimestamp(-3), { offset: 24, timestamp: 1024 });
  assert.equal((await log.append(makeBatch())).baseOffset, 25);
});

test('a corrupt or missing index file is rebuilt on load', async () => {
  const fs = new MemoryFileSystem();
  const first = await openLog({ segmentBytes: 1000, indexIntervalBytes: 150 }, fs);
  for (let i = 0; i < 25; i++) await first.log.append(makeBatch({ payloadBytes: 39 }));
  await first.log.close();
  const good = fs.peek(`${DIR}/00000000000000000000.index`)!;
  fs.poke(`${DIR}/00000000000000000000.index`, 4, Buffer.from([0, 0, 0x7f, 0]));
  await fs.unlink(`${DIR}/00000000000000000010.timeindex`);
  const { log } = await openLog({ segmentBytes: 1000, indexIntervalBytes: 150 }, fs);
  for (let o = 0; o < 25; o++)
    assert.deepEqual(baseOffsetsOf((await log.read(o, { maxBytes: 10 })).records), [o]);
  await log.close();
  assert.deepEqual(fs.peek(`${DIR}/00000000000000000000.index`), good);
  assert.ok(fs.peek(`${DIR}/00000000000000000010.timeindex`));
});

test('unclean shutdown: a torn last write is cut off and the log continues', async () => {
  const fs = new MemoryFileSystem();
  const { log } = await openLog({}, fs);
  for (let i = 0; i < 5; i++) await log.append(makeBatch({ payloadBytes: 39 }));
  await log.flush();
  fs.crashAfterBytes(150);
  await assert.rejects(
    log.append(Buffer.concat([makeBatch({ payloadBytes: 39 }), makeBatch({ payloadBytes: 39 })])),
  );
  const disk = fs.crash({ random: () => 0.999 });
  const warnings: string[] = [];
  const reopened = await PartitionLog.open({
    fs: disk,
    dir: DIR,
    topic: 't',
    partition: 0,
    config: DEFAULT_LOG_CONFIG,
    logger: { info() {}, error() {}, debug() {}, warn: (m) => warnings.push(m) },
  });
  assert.equal(reopened.logEndOffset, 6, 'the first whole batch of the torn write survives');
  assert.deepEqual(warnings, ['recovery truncated log']);
  assert.equal((await reopened.append(makeBatch())).baseOffset, 6);
});

test('recovery truncates at a corrupt byte and drops the segments after it', async () => {
  const fs = new MemoryFileSystem();
  const first = await openLog({ segmentBytes: 500 }, fs);
  for (let i = 0; i < 12; i++) await first.log.append(makeBatch({ payloadBytes: 39 }));
  await first.log.flush();
  assert.deepEqual(first.log.segmentBaseOffsets, [0, 5, 10]);
  fs.poke(`${DIR}/00000000000000000005.log`, 250, Buffer.from([0x00]));
  const disk = fs.crash();
  const { log } = await openLog({ segmentBytes: 500 }, disk);
  assert.equal(log.logEndOffset, 7);
  assert.deepEqual(log.segmentBaseOffsets, [0, 5]);
  assert.ok(!(await disk.readdir(DIR)).includes('00000000000000000010.log'));
});

test('a roll moves the recovery point to the new segment, without a flush', async () => {
  const fs = new MemoryFileSystem();
  const { log } = await openLog({ segmentBytes: 500 }, fs);
  for (let i = 0; i < 5; i++) await log.append(makeBatch({ payloadBytes: 39 }));
  assert.equal(log.recoveryPoint, 0, 'nothing is known durable before the first roll');
  for (let i = 5; i < 12; i++) await log.append(makeBatch({ payloadBytes: 39 }));
  assert.deepEqual(log.segmentBaseOffsets, [0, 5, 10]);
  assert.equal(log.recoveryPoint, 10);
  // A power cut keeps every offset below the recovery point, and only the active segment is
  // scanned again: the corrupt byte in the older segment below it is left alone.
  fs.poke(`${DIR}/00000000000000000005.log`, 250, Buffer.from([0x00]));
  const disk = fs.crash();
  const warnings: string[] = [];
  const reopened = await PartitionLog.open({
    fs: disk,
    dir: DIR,
    topic: 't',
    partition: 0,
    config: resolveLogConfig(DEFAULT_LOG_CONFIG, { segmentBytes: 500 }),
    recoveryPoint: log.recoveryPoint,
    cleanShutdown: false,
    logger: { debug() {}, info() {}, error() {}, warn: (m) => warnings.push(m) },
  });
  assert.deepEqual(reopened.segmentBaseOffsets, [0, 5, 10]);
  assert.equal(reopened.logEndOffset, 10, 'the unflushed appends to the active segment are lost');
  assert.deepEqual(warnings, []);
  assert.deepEqual(baseOffsetsOf((await reopened.read(8, { maxBytes: 1000 })).records), [8, 9]);
  await reopened.close();
});

test('batch headers returned by read are views of the stored bytes', async () => {
  const { log } = await openLog();
  await log.append(makeBatch({ records: 4, payloadBytes: 100 }));
  const r = await log.read(2, { maxBytes: 1 });
  const h = new BatchHeader(r.records);
  assert.equal(h.recordCount, 4);
  assert.equal(h.totalSize, r.records.length);
});

test('offsetForTimestamp names the exact record inside a batch', async () => {
  const { log } = await openLog();
  const records = [10, 30, 20, 40, 40].map((timestamp, i) => ({
    value: Buffer.from(`v${i}`),
    timestamp,
  }));
  await log.append(encodeRecordBatchSync(records.slice(0, 3)), { leaderEpoch: 1 });
  await log.append(encodeRecordBatchSync(records.slice(3)), { leaderEpoch: 2 });
  assert.deepEqual(await log.offsetForTimestamp(15), { offset: 1, timestamp: 30, leaderEpoch: 1 });
  assert.deepEqual(await log.offsetForTimestamp(31), { offset: 3, timestamp: 40, leaderEpoch: 2 });
  assert.deepEqual(await log.offsetForTimestamp(-3), { offset: 3, timestamp: 40, leaderEpoch: 2 });
  await log.deleteRecordsBefore(2);
  assert.deepEqual(await log.offsetForTimestamp(15), { offset: 2, timestamp: 20, leaderEpoch: 1 });
});

test('retention.ms ages segments without timestamps from their creation', async () => {
  const clock = new ManualClock(100_000);
  const { log } = await openLog(
    { segmentBytes: 250, retentionMs: 10_000 },
    new MemoryFileSystem(),
    clock,
  );
  for (let i = 0; i < 4; i++) await log.append(makeBatch({ payloadBytes: 39, timestamp: -1 }));
  assert.equal(log.segmentCount, 2);
  clock.advance(10_000);
  assert.equal(await log.deleteOldSegments(), 0);
  clock.advance(1);
  assert.equal(await log.deleteOldSegments(), 1);
});

test('reads of batches larger than the first read still return whole batches', async () => {
  const { log } = await openLog({ indexIntervalBytes: 100 });
  for (let i = 0; i < 5; i++) await log.append(makeBatch({ payloadBytes: 40_000, fill: i }));
  for (let offset = 0; offset < 5; offset++) {
    const r = await log.read(offset, { maxBytes: 1 });
    const [h] = batchesOf(r.records);
    assert.equal(h!.baseOffsetNumber, offset);
    assert.equal(r.records.length, 40_061);
    assert.equal(r.records[100], offset, 'the payload of that very batch');
  }
  const two = await log.read(1, { maxBytes: 80_200 });
  assert.deepEqual(baseOffsetsOf(two.records), [1, 2]);
});

test('forEachBatchHeader walks batch headers from an offset, across segments', async () => {
  const { log } = await openLog({ segmentBytes: 250 });
  for (let i = 0; i < 8; i++) await log.append(makeBatch({ records: 2, payloadBytes: 39 }));
  const seen: number[] = [];
  await log.forEachBatchHeader(5, (h) => {
    seen.push(h.baseOffsetNumber);
  });
  assert.deepEqual(seen, [4, 6, 8, 10, 12, 14]);
  const firstTwo: number[] = [];
  await log.forEachBatchHeader(0, (h) => {
    firstTwo.push(h.baseOffsetNumber);
    return firstTwo.length < 2;
  });
  assert.deepEqual(firstTwo, [0, 2]);
});
