import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem } from '../../src/storage/index.js';
import { ManualClock, ManualScheduler, baseOffsetsOf, makeBatch, settle } from './helpers.js';

function options(fs: MemoryFileSystem, extra: Partial<Parameters<typeof LogManager.open>[0]> = {}) {
  const clock = new ManualClock();
  return {
    logDirs: ['/a', '/b'],
    fs,
    clock,
    scheduler: new ManualScheduler(clock),
    random: () => 0.25,
    ...extra,
  };
}

test('createLog spreads partitions over log dirs and writes partition.metadata', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs));
  await m.createLog('orders', 0, undefined, { topicId: 'AAAAAAAAAAAAAAAAAAAAAA' });
  await m.createLog('orders', 1);
  await m.createLog('my-topic', 2);
  assert.equal(m.logDirOf('orders', 0), '/a');
  assert.equal(m.logDirOf('orders', 1), '/b');
  assert.equal(m.logDirOf('my-topic', 2), '/a');
  assert.equal(await m.topicIdOf('orders', 0), 'AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(m.getLog('orders', 0), await m.createLog('orders', 0), 'createLog is idempotent');
  assert.equal(m.getLog('nope', 0), undefined);
  await m.close();
});

test('concurrent createLog calls for one partition share one log, and close closes its files', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs));
  const logs = await Promise.all(Array.from({ length: 8 }, () => m.createLog('orders', 0)));
  for (const log of logs) assert.equal(log, m.getLog('orders', 0));
  // Appends through every caller's log land in one log, one after the other.
  await Promise.all(logs.map((log) => log.append(makeBatch())));
  assert.equal(m.getLog('orders', 0)!.logEndOffset, 8);
  await m.close();
  assert.equal(fs.openHandles, 0);
});

test('close writes checkpoints and the clean marker; reopening loads every log', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs));
  const log = await m.createLog('my-topic', 3, { segmentBytes: 300 });
  for (let i = 0; i < 10; i++) await log.append(makeBatch({ payloadBytes: 39 }));
  await log.deleteRecordsBefore(4);
  await m.close();
  assert.ok(fs.peek('/a/.kafka_cleanshutdown'));
  assert.equal(fs.peek('/a/recovery-point-offset-checkpoint')!.toString(), '0\n1\nmy-topic 3 10\n');
  assert.equal(fs.peek('/a/log-start-offset-checkpoint')!.toString(), '0\n1\nmy-topic 3 4\n');
  const m2 = await LogManager.open(
    options(fs, { topicConfigs: new Map([['my-topic', { segmentBytes: 300 }]]) }),
  );
  assert.equal(fs.peek('/a/.kafka_cleanshutdown'), null, 'the marker is removed once loaded');
  const again = m2.getLog('my-topic', 3)!;
  assert.equal(again.logEndOffset, 10);
  assert.equal(again.logStartOffset, 4);
  assert.equal(again.config.segmentBytes, 300);
  assert.deepEqual(baseOffsetsOf((await again.read(4, { maxBytes: 100 })).records), [4]);
  await m2.close();
});

test('after a crash the manager recovers logs from their recovery point', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs, { logDirs: ['/a'] }));
  const log = await m.createLog('t', 0);
  for (let i = 0; i < 3; i++) await log.append(makeBatch());
  await log.flush();
  await m.checkpoint();
  await log.append(makeBatch());
  const warnings: string[] = [];
  const disk = fs.crash();
  const m2 = await LogManager.open(
    options(disk, {
      logDirs: ['/a'],
      logger: { info() {}, error() {}, debug() {}, warn: (msg) => warnings.push(msg) },
    }),
  );
  assert.equal(
    m2.getLog('t', 0)!.logEndOffset,
    3,
    'the unflushed append is gone, the flushed ones stay',
  );
  assert.ok(warnings.includes('no clean shutdown marker: recovering logs'));
  await m2.close();
});

test('the checkpoint job records recovery points moved by rolls; a crash keeps later segments', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  const m = await LogManager.open({
    logDirs: ['/a'],
    fs,
    clock,
    scheduler,
    manager: { flushOffsetCheckpointIntervalMs: 1_000 },
  });
  const log = await m.createLog('t', 0, { segmentBytes: 500 });
  for (let i = 0; i < 17; i++) await log.append(makeBatch({ payloadBytes: 39 }));
  assert.deepEqual(log.segmentBaseOffsets, [0, 5, 10, 15]);
  m.startBackgroundJobs();
  clock.advance(1_000);
  scheduler.runDue();
  await settle();
  assert.equal(fs.peek('/a/recovery-point-offset-checkpoint')!.toString(), '0\n1\nt 0 15\n');
  // Bit rot in an old segment that was flushed long ago, then a crash.
  fs.poke('/a/t-0/00000000000000000005.log', 250, Buffer.from([0x00]));
  const warnings: string[] = [];
  const m2 = await LogManager.open({
    logDirs: ['/a'],
    fs: fs.crash(),
    topicConfigs: new Map([['t', { segmentBytes: 500 }]]),
    logger: { debug() {}, info() {}, error() {}, warn: (msg) => warnings.push(msg) },
  });
  const again = m2.getLog('t', 0)!;
  assert.deepEqual(again.segmentBaseOffsets, [0, 5, 10, 15]);
  assert.equal(again.logEndOffset, 15, 'everything below the recovery point is kept');
  assert.deepEqual(
    baseOffsetsOf((await again.read(10, { maxBytes: 1000 })).records),
    [10, 11, 12, 13, 14],
  );
  assert.deepEqual(warnings, ['no clean shutdown marker: recovering logs']);
  await m.close().catch(() => undefined);
  await m2.close();
});

test('deleteLog renames the folder to -delete and removes it in the background', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs));
  const log = await m.createLog('t', 0);
  await log.append(makeBatch());
  assert.equal(await m.deleteLog('t', 0), true);
  assert.equal(m.getLog('t', 0), undefined);
  await settle();
  assert.deepEqual(
    (await fs.readdir('/a')).filter((n) => n.startsWith('t-')),
    [],
  );
  assert.equal(await m.deleteLog('t', 0), false);
  await m.close();
});

test('updateConfig changes every partition of the topic', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs, { defaults: { retentionMs: 5 } }));
  await m.createLog('t', 0);
  await m.createLog('t', 1);
  await m.createLog('u', 0);
  m.updateConfig('t', { cleanupPolicy: 'compact' });
  assert.equal(m.getLog('t', 1)!.config.cleanupPolicy, 'compact');
  assert.equal(m.getLog('t', 1)!.config.retentionMs, 5, 'broker defaults still apply');
  assert.equal(m.getLog('u', 0)!.config.cleanupPolicy, 'delete');
  await m.close();
});

test('background jobs run retention on their schedule and stop', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  const m = await LogManager.open({
    logDirs: ['/a'],
    fs,
    clock,
    scheduler,
    defaults: { segmentBytes: 200, retentionMs: 1000 },
    manager: { retentionCheckIntervalMs: 10_000 },
  });
  const log = await m.createLog('t', 0);
  for (let i = 0; i < 4; i++)
    await log.append(makeBatch({ payloadBytes: 39, timestamp: 1_000_000 }));
  m.startBackgroundJobs();
  clock.advance(10_000);
  scheduler.runDue();
  await settle();
  assert.equal(log.segmentCount, 1);
  await m.stopBackgroundJobs();
  await m.close();
});

test('many logs load and recover concurrently after a crash', async () => {
  const fs = new MemoryFileSystem();
  const m = await LogManager.open(options(fs));
  for (let p = 0; p < 7; p++) {
    const log = await m.createLog('many', p);
    for (let i = 0; i <= p; i++) await log.append(makeBatch());
    await log.flush();
  }
  const disk = fs.crash();
  const again = await LogManager.open(options(disk, { manager: { recoveryThreadsPerDataDir: 3 } }));
  assert.equal(again.allLogs().length, 7);
  for (let p = 0; p < 7; p++) assert.equal(again.getLog('many', p)!.logEndOffset, p + 1);
  await again.close();
});

test('flush.ms flushes logs whose unflushed data waited long enough', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  const m = await LogManager.open({
    logDirs: ['/a'],
    fs,
    clock,
    scheduler,
    manager: { flushSchedulerIntervalMs: 100 },
  });
  const slow = await m.createLog('slow', 0, { flushMs: 1_000 });
  const never = await m.createLog('never', 0);
  await slow.append(makeBatch());
  await never.append(makeBatch());
  m.startBackgroundJobs();
  clock.advance(500);
  scheduler.runDue();
  await settle();
  assert.equal(slow.recoveryPoint, 0, 'not yet due');
  clock.advance(600);
  scheduler.runDue();
  await settle();
  assert.equal(slow.recoveryPoint, 1);
  assert.equal(never.recoveryPoint, 0, 'the default leaves flushing to the OS');
  await m.close();
});
