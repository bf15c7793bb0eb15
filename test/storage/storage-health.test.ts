// A full disk through the FileSystem seam (MemoryFileSystem.setCapacity): ENOSPC at append,
// roll, index write, checkpoint, start-up and shutdown. The log must answer the failure,
// never keep a partial batch, report the condition once, and take the next append as soon as
// there is room again, without being reopened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  LogManager,
  MemoryFileSystem,
  PartitionLog,
  StorageHealth,
  resolveLogConfig,
  type LogConfig,
  type StorageLogger,
} from '../../src/storage/index.js';
import { ManualClock, ManualScheduler, baseOffsetsOf, makeBatch, settle } from './helpers.js';

interface Line {
  level: 'info' | 'warn' | 'error';
  message: string;
}

function recordingLogger(): StorageLogger & { lines: Line[]; errors(): string[] } {
  const lines: Line[] = [];
  return {
    lines,
    debug: () => {},
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
    errors: () => lines.filter((l) => l.level === 'error').map((l) => l.message),
  };
}

const isStorageError = (err: Error & { code?: string }) => err.code === 'KAFKA_STORAGE_ERROR';

async function openLog(fs: MemoryFileSystem, overrides: Partial<LogConfig> = {}) {
  const clock = new ManualClock();
  const logger = recordingLogger();
  const health = new StorageHealth(logger, clock);
  const log = await PartitionLog.open({
    fs,
    dir: '/data/t-0',
    topic: 't',
    partition: 0,
    config: resolveLogConfig(DEFAULT_LOG_CONFIG, overrides),
    clock,
    scheduler: new ManualScheduler(clock),
    random: () => 0.5,
    health: health.forDir('/data'),
    cleanShutdown: true,
  });
  return { log, logger, health };
}

async function allOffsets(log: PartitionLog): Promise<number[]> {
  const out: number[] = [];
  for (let offset = log.logStartOffset; offset < log.logEndOffset;) {
    const read = await log.read(offset, { maxBytes: 1e6 });
    const bases = baseOffsetsOf(read.records);
    assert.ok(bases.length > 0, `nothing read at ${offset}`);
    out.push(...bases);
    offset = bases[bases.length - 1]! + 1;
  }
  return out;
}

test('ENOSPC in the middle of an append: no partial batch stays, and the next append fits once there is room', async () => {
  const fs = new MemoryFileSystem();
  const { log, logger, health } = await openLog(fs);
  for (let i = 0; i < 3; i++) await log.append(makeBatch({ payloadBytes: 100 }));
  const committed = fs.peek('/data/t-0/00000000000000000000.log')!.length;
  // Room for half a batch: the disk takes what fits, then fails.
  fs.setCapacity(fs.usedBytes + 80);
  for (let i = 0; i < 5; i++) {
    await assert.rejects(log.append(makeBatch({ payloadBytes: 100 })), isStorageError);
  }
  assert.equal(fs.peek('/data/t-0/00000000000000000000.log')!.length, committed);
  assert.equal(log.logEndOffset, 3);
  assert.deepEqual(await allOffsets(log), [0, 1, 2], 'reads still work');
  assert.ok(health.isFailing('/data'));
  assert.equal(logger.errors().length, 1, 'reported once, not per append');
  assert.match(logger.errors()[0]!, /\/data fail \(append: ENOSPC: no space left on device/);

  fs.setCapacity(Infinity);
  assert.equal((await log.append(makeBatch({ payloadBytes: 100 }))).baseOffset, 3);
  assert.ok(!health.isFailing('/data'));
  const cleared = logger.lines.filter((l) => /succeed again/.test(l.message));
  assert.equal(cleared.length, 1);
  assert.match(cleared[0]!.message, /after 5 failed writes/);
  await log.close();

  const reopened = await openLog(fs);
  assert.deepEqual(await allOffsets(reopened.log), [0, 1, 2, 3]);
  await reopened.log.close();
});

test('a failed roll answers KAFKA_STORAGE_ERROR and leaves the log usable', async () => {
  const fs = new MemoryFileSystem();
  // Three batches of 161 bytes fill the segment; the fourth rolls.
  const { log } = await openLog(fs, { segmentBytes: 500 });
  for (let i = 0; i < 3; i++) await log.append(makeBatch({ payloadBytes: 100 }));
  // The new segment's file cannot be created.
  fs.failNext('open', (p) => p.endsWith('00000000000000000003.log'));
  await assert.rejects(log.append(makeBatch({ payloadBytes: 100 })), isStorageError);
  assert.equal(log.segmentCount, 1);
  assert.equal((await log.append(makeBatch({ payloadBytes: 100 }))).baseOffset, 3);
  assert.deepEqual(log.segmentBaseOffsets, [0, 3]);
  assert.deepEqual(await allOffsets(log), [0, 1, 2, 3]);
  await log.close();
});

test('ENOSPC while a roll writes the closed segment index files: the log stays consistent and recovers', async () => {
  const fs = new MemoryFileSystem();
  const overrides = { segmentBytes: 1000, indexIntervalBytes: 1 };
  const { log, logger } = await openLog(fs, overrides);
  // Six batches of 161 bytes fill the segment; the seventh rolls.
  for (let i = 0; i < 6; i++) await log.append(makeBatch({ payloadBytes: 100 }));
  // Less room than the two index files of the closed segment need.
  fs.setCapacity(fs.usedBytes + 20);
  await assert.rejects(log.append(makeBatch({ payloadBytes: 100 })), isStorageError);
  assert.match(logger.errors()[0]!, /index write: ENOSPC/);
  assert.equal(logger.errors().length, 1);
  assert.deepEqual(await allOffsets(log), [0, 1, 2, 3, 4, 5]);

  fs.setCapacity(Infinity);
  assert.equal((await log.append(makeBatch({ payloadBytes: 100 }))).baseOffset, 6);
  assert.deepEqual(log.segmentBaseOffsets, [0, 6]);
  await log.close();
  // The index files written at close replace the torn ones; a reopen trusts and uses them.
  const reopened = await openLog(fs, overrides);
  assert.deepEqual(await allOffsets(reopened.log), [0, 1, 2, 3, 4, 5, 6]);
  const found = await reopened.log.read(4, { maxBytes: 1 });
  assert.deepEqual(baseOffsetsOf(found.records), [4]);
  await reopened.log.close();
});

test('close on a full disk closes every file, then fails; a torn index file is rebuilt on load', async () => {
  const fs = new MemoryFileSystem();
  const overrides = { indexIntervalBytes: 1 };
  const { log } = await openLog(fs, overrides);
  for (let i = 0; i < 6; i++) await log.append(makeBatch({ payloadBytes: 100 }));
  fs.setCapacity(fs.usedBytes + 10);
  await assert.rejects(log.close(), isStorageError);
  assert.equal(fs.openHandles, 0);
  fs.setCapacity(Infinity);
  const reopened = await openLog(fs, overrides);
  assert.deepEqual(await allOffsets(reopened.log), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(baseOffsetsOf((await reopened.log.read(3, { maxBytes: 1 })).records), [3]);
  await reopened.log.close();
});

function managerOptions(fs: MemoryFileSystem, logger: StorageLogger) {
  const clock = new ManualClock();
  return {
    logDirs: ['/a'],
    fs,
    clock,
    logger,
    scheduler: new ManualScheduler(clock),
    random: () => 0.25,
  };
}

test('ENOSPC at checkpoint: the old file stays, no temporary file is left, one report', async () => {
  const fs = new MemoryFileSystem();
  const logger = recordingLogger();
  const m = await LogManager.open(managerOptions(fs, logger));
  const log = await m.createLog('orders', 0);
  await log.append(makeBatch());
  await log.flush();
  assert.equal(await m.checkpoint(), true);
  const before = fs.peek('/a/recovery-point-offset-checkpoint')!.toString();
  assert.equal(before, '0\n1\norders 0 1\n');

  await log.append(makeBatch());
  await log.flush();
  fs.setCapacity(fs.usedBytes + 5);
  assert.equal(await m.checkpoint(), false);
  assert.equal(await m.checkpoint(), false);
  assert.equal(fs.peek('/a/recovery-point-offset-checkpoint')!.toString(), before);
  assert.equal(fs.peek('/a/recovery-point-offset-checkpoint.tmp'), null);
  assert.equal(logger.errors().length, 1);
  assert.match(logger.errors()[0]!, /\/a fail \(checkpoint: ENOSPC/);
  assert.ok(m.health.isFailing('/a'));

  fs.setCapacity(Infinity);
  assert.equal(await m.checkpoint(), true);
  assert.equal(fs.peek('/a/recovery-point-offset-checkpoint')!.toString(), '0\n1\norders 0 2\n');
  assert.ok(!m.health.isFailing('/a'));
  await m.close();
});

test('shutdown on a full disk completes without the clean marker; start on a full disk recovers and serves reads', async () => {
  const fs = new MemoryFileSystem();
  const logger = recordingLogger();
  const m = await LogManager.open(managerOptions(fs, logger));
  const log = await m.createLog('orders', 0, { indexIntervalBytes: 1, segmentBytes: 600 });
  for (let i = 0; i < 12; i++) await log.append(makeBatch({ payloadBytes: 100 }));
  fs.setCapacity(fs.usedBytes);
  await assert.rejects(log.append(makeBatch({ payloadBytes: 100 })), isStorageError);
  await m.close();
  assert.equal(fs.openHandles, 0);
  assert.equal(fs.peek('/a/.kafka_cleanshutdown'), null);
  assert.ok(logger.lines.some((l) => /without its clean-shutdown marker/.test(l.message)));

  // Still full: the start recovers the log (reads only, and cuts) and serves it.
  const logger2 = recordingLogger();
  const m2 = await LogManager.open({
    ...managerOptions(fs, logger2),
    topicConfigs: new Map([['orders', { indexIntervalBytes: 1, segmentBytes: 600 }]]),
  });
  const again = m2.getLog('orders', 0)!;
  assert.deepEqual(await allOffsets(again), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  await assert.rejects(again.append(makeBatch({ payloadBytes: 100 })), isStorageError);
  assert.equal(logger2.errors().length, 1, logger2.errors().join('\n'));

  fs.setCapacity(Infinity);
  assert.equal((await again.append(makeBatch({ payloadBytes: 100 }))).baseOffset, 12);
  await m2.close();
  assert.ok(fs.peek('/a/.kafka_cleanshutdown'));
});

test('a failed write whose cut fails too never shows up: the next append and close cut it first', async () => {
  for (const next of ['append', 'close'] as const) {
    const fs = new MemoryFileSystem();
    const { log } = await openLog(fs);
    await log.append(makeBatch({ payloadBytes: 100 }));
    const logPath = '/data/t-0/00000000000000000000.log';
    const committed = fs.peek(logPath)!.length;
    // Room for the first batch of a two-batch write and half the second, and no cut.
    fs.setCapacity(fs.usedBytes + 161 + 80);
    fs.failNext('truncate', (p) => p === logPath);
    const two = [makeBatch({ payloadBytes: 100 }), makeBatch({ payloadBytes: 100 })];
    await assert.rejects(log.append(two), isStorageError);
    assert.equal(fs.peek(logPath)!.length, committed + 161 + 80, 'the torn write is still there');
    fs.setCapacity(Infinity);
    if (next === 'append') {
      assert.equal((await log.append(makeBatch({ payloadBytes: 10 }))).baseOffset, 1);
      assert.equal(fs.peek(logPath)!.length, committed + 71);
    }
    await log.close();
    const reopened = await openLog(fs);
    const expected = next === 'append' ? [0, 1] : [0];
    assert.deepEqual(await allOffsets(reopened.log), expected, next);
    assert.equal(reopened.log.logEndOffset, expected.length, next);
    await reopened.log.close();
  }
});

test('a background job failing on the disk is logged once until it succeeds', async () => {
  const fs = new MemoryFileSystem();
  const logger = recordingLogger();
  const clock = new ManualClock();
  const scheduler = new ManualScheduler(clock);
  const m = await LogManager.open({ logDirs: ['/a'], fs, clock, logger, scheduler });
  const enospc = () =>
    Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
    });
  const outcomes = ['fail', 'fail', 'fail', 'ok', 'fail', 'bug', 'bug'];
  let runs = 0;
  m.every('cleaner', 1000, async () => {
    const outcome = outcomes[runs++];
    if (outcome === 'fail') throw enospc();
    if (outcome === 'bug') throw new Error('a bug');
  });
  for (let i = 0; i < outcomes.length; i++) {
    clock.advance(1000);
    scheduler.runDue();
    await settle();
  }
  assert.equal(runs, outcomes.length);
  // Once for the first episode, once for the second, and every time for a bug.
  assert.equal(logger.errors().filter((e) => e === 'cleaner job failed').length, 4);
  await m.close();
});
