// A compacted log the cleaner cannot clean is marked uncleanable (as Kafka's LogCleanerManager
// does): reported with its cause, skipped by later passes until it is truncated, deleted or the
// broker restarts, while every other compacted log goes on being cleaned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js';
import {
  LogManager,
  LogStorageError,
  MemoryFileSystem,
  protocolCleanerCodec,
  type LogConfig,
  type PartitionLog,
} from '../../../src/storage/index.js';
import { ManualClock, ManualScheduler, makeBatch, settle } from '../helpers.js';

const COMPACT: Partial<LogConfig> = {
  cleanupPolicy: 'compact',
  segmentBytes: 600,
  minCleanableDirtyRatio: 0,
};

async function setup() {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const scheduler = new ManualScheduler(clock);
  const errors: string[] = [];
  const manager = await LogManager.open({
    logDirs: ['/data'],
    fs,
    clock,
    scheduler,
    manager: { cleanerBackoffMs: 1_000 },
    logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
  });
  return { fs, clock, scheduler, manager, errors };
}

function keyed(i: number): Buffer {
  return encodeRecordBatchSync([
    { key: Buffer.from(`k${i % 4}`), value: Buffer.from(`v${i}`), timestamp: 1_000_000 },
  ]);
}

async function fill(log: PartitionLog, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await log.append(keyed(i));
}

/** The bytes of every segment file of a log, by name. */
function segmentBytes(fs: MemoryFileSystem, log: PartitionLog): Map<number, Buffer> {
  return new Map(
    log.segmentBaseOffsets.map((base) => [
      base,
      fs.peek(`${log.dir}/${String(base).padStart(20, '0')}.log`)!,
    ]),
  );
}

test('a corrupt segment marks its log uncleanable; the healthy log is still cleaned, pass after pass', async () => {
  const { fs, clock, scheduler, manager, errors } = await setup();
  // Created first, so the pass reaches it before the healthy one.
  const bad = await manager.createLog('bad', 0, COMPACT);
  const good = await manager.createLog('__consumer_offsets', 0, COMPACT);
  await fill(bad, 0, 40);
  await fill(good, 0, 40);
  assert.ok(bad.segmentCount >= 3);
  // Flip a byte inside the last batch of the second segment: its CRC no longer matches.
  const second = `${bad.dir}/${String(bad.segmentBaseOffsets[1]).padStart(20, '0')}.log`;
  const bytes = fs.peek(second)!;
  fs.poke(second, bytes.length - 3, Buffer.from([bytes[bytes.length - 3]! ^ 0xff]));
  const before = segmentBytes(fs, bad);
  const goodSize = good.size;

  const results = await manager.runCleaner();
  assert.equal(results.length, 1, 'the healthy log was cleaned');
  assert.ok(good.size < goodSize);
  assert.deepEqual(segmentBytes(fs, bad), before, 'nothing of the corrupt log was rewritten');
  const [marked, ...others] = manager.cleaner.uncleanablePartitions();
  assert.deepEqual(others, []);
  assert.equal(marked?.logDir, '/data');
  assert.equal(marked?.partition, 'bad-0');
  assert.match(marked!.cause, /corrupt-crc/);
  assert.equal(manager.cleaner.uncleanablePartitionsCount('/data'), 1);
  assert.equal(manager.cleaner.uncleanablePartitionsCount('/elsewhere'), 0);
  assert.equal(manager.cleaner.uncleanableBytes('/data'), bad.size);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /bad-0/);
  assert.match(errors[0]!, /uncleanable/);
  assert.match(errors[0]!, /corrupt-crc/);

  // Later cycles of the background job: the healthy log is cleaned again, the bad one is not
  // retried (no new error) and stays reported.
  manager.startBackgroundJobs();
  await fill(bad, 40, 20);
  await fill(good, 40, 20);
  const goodSize2 = good.size;
  clock.advance(1_000);
  scheduler.runDue();
  await settle();
  assert.ok(good.size < goodSize2, 'the healthy log was cleaned on the next cycle');
  assert.equal(errors.length, 1);
  assert.equal(manager.cleaner.uncleanablePartitionsCount(), 1);
  await manager.close();
});

test('a log whose batches the codec cannot decode does not stop the pass', async () => {
  const { manager, errors } = await setup();
  const bad = await manager.createLog('opaque', 0, COMPACT);
  const good = await manager.createLog('good', 0, COMPACT);
  // Valid frames and CRCs around bytes that are not records: decoding them throws.
  for (let i = 0; i < 20; i++) await bad.append(makeBatch({ payloadBytes: 60, fill: 0xff }));
  await fill(good, 0, 40);
  const goodSize = good.size;
  const results = await manager.runCleaner();
  assert.equal(results.length, 1);
  assert.ok(good.size < goodSize);
  assert.deepEqual(
    manager.cleaner.uncleanablePartitions().map((p) => p.partition),
    ['opaque-0'],
  );
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /opaque-0/);
  await manager.close();
});

test('truncation or deletion makes an uncleanable partition cleanable again', async () => {
  const { fs, manager } = await setup();
  const bad = await manager.createLog('bad', 0, COMPACT);
  await fill(bad, 0, 40);
  const second = `${bad.dir}/${String(bad.segmentBaseOffsets[1]).padStart(20, '0')}.log`;
  const bytes = fs.peek(second)!;
  fs.poke(second, bytes.length - 3, Buffer.from([bytes[bytes.length - 3]! ^ 0xff]));
  await manager.runCleaner();
  assert.equal(manager.cleaner.uncleanablePartitionsCount(), 1);

  // A truncation below the damage (a follower diverging, say) removes it: cleaned again.
  await bad.truncateTo(bad.segmentBaseOffsets[1]!);
  await fill(bad, 100, 20);
  const results = await manager.runCleaner();
  assert.equal(results.length, 1);
  assert.equal(manager.cleaner.uncleanablePartitionsCount(), 0);

  // A deleted partition is forgotten; a new log under the same name starts clean.
  const again = await manager.createLog('again', 0, COMPACT);
  for (let i = 0; i < 20; i++) await again.append(makeBatch({ payloadBytes: 60, fill: 0xff }));
  await manager.runCleaner();
  assert.equal(manager.cleaner.uncleanablePartitionsCount(), 1);
  await manager.deleteLog('again', 0);
  const fresh = await manager.createLog('again', 0, COMPACT);
  await fill(fresh, 0, 40);
  const cleaned = await manager.runCleaner();
  assert.equal(manager.cleaner.uncleanablePartitionsCount(), 0);
  assert.ok(cleaned.length >= 1);
  await manager.close();
});

test('a full disk fails the pass for that log without marking it; the next pass cleans it', async () => {
  const fs = new MemoryFileSystem();
  const clock = new ManualClock(1_000_000);
  const errors: string[] = [];
  const codec = protocolCleanerCodec();
  let full = true;
  const manager = await LogManager.open({
    logDirs: ['/data'],
    fs,
    clock,
    scheduler: new ManualScheduler(clock),
    logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
    cleanerCodec: {
      records: (batch) => codec.records(batch),
      rebuild: (batch, keep) => {
        if (full) {
          const err = Object.assign(new Error('ENOSPC: no space left on device, write'), {
            code: 'ENOSPC',
          });
          return Promise.reject(new LogStorageError('write failed', { cause: err }));
        }
        return codec.rebuild(batch, keep);
      },
    },
  });
  const log = await manager.createLog('c', 0, COMPACT);
  // Two records per batch with the same key: every batch needs a rebuild.
  for (let i = 0; i < 30; i++) {
    await log.append(
      encodeRecordBatchSync([
        { key: Buffer.from(`k${i % 3}`), value: Buffer.from(`a${i}`), timestamp: 1_000_000 },
        { key: Buffer.from(`k${i % 3}`), value: Buffer.from(`b${i}`), timestamp: 1_000_000 },
      ]),
    );
  }
  assert.deepEqual(await manager.runCleaner(), []);
  assert.equal(manager.cleaner.uncleanablePartitionsCount(), 0);
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /c-0.*retrying on the next pass.*ENOSPC/);
  assert.deepEqual(
    (await fs.readdir(log.dir)).filter((n) => n.endsWith('.cleaned')),
    [],
    'the partial output is removed',
  );
  full = false;
  const sizeBefore = log.size;
  assert.equal((await manager.runCleaner()).length, 1);
  assert.ok(log.size < sizeBefore);
  await manager.close();
});
