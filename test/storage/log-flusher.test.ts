import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem, flushAfterAppend, type LogConfig } from '../../src/storage/index.js';
import { silentLogger } from '../../src/util/index.js';
import { LogFlusher } from '../../src/storage/log-flusher.js';
import type { LogSegment } from '../../src/storage/log-segment.js';
import { untrackedHealth } from '../../src/storage/storage-health.js';

test('flush.messages: a flush follows an append once the offsets not yet durable reach it', () => {
  const config = { flushMessages: 3 };
  assert.equal(flushAfterAppend({ logEndOffset: 12, recoveryPoint: 10 }, config), false);
  assert.equal(flushAfterAppend({ logEndOffset: 13, recoveryPoint: 10 }, config), true);
  assert.equal(flushAfterAppend({ logEndOffset: 20, recoveryPoint: 10 }, config), true);
  // Kafka's default (Long.MAX_VALUE, a safe integer here) leaves flushing to the OS.
  const never = { flushMessages: Number.MAX_SAFE_INTEGER };
  assert.equal(flushAfterAppend({ logEndOffset: 2 ** 40, recoveryPoint: 0 }, never), false);
});

test('a truncation during a flush keeps the recovery point at the cut', async () => {
  // The flush takes the log end as its target before its fsyncs; a follower's truncation while
  // they run must not let the flush then mark offsets past the cut durable: batches appended
  // there later are different and not fsynced.
  let releaseSync!: () => void;
  const synced = new Promise<void>((resolve) => (releaseSync = resolve));
  const segment = { nextOffset: 100, sync: () => synced } as unknown as LogSegment;
  const log = {
    name: 't-0',
    config: { flushMs: Number.MAX_SAFE_INTEGER } as LogConfig,
    logEndOffset: 100,
    segmentList: [segment],
  };
  const flusher = new LogFlusher(log, {
    fs: new MemoryFileSystem(),
    dir: '/data/t-0',
    clock: { nowMs: () => 0, monotonicMs: () => 0 },
    logger: silentLogger,
    health: untrackedHealth,
    recoveryPoint: 0,
    unsyncedDir: false,
  });
  const flushing = flusher.flush();
  log.logEndOffset = 40;
  flusher.truncatedTo(40);
  log.logEndOffset = 70;
  releaseSync();
  await flushing;
  assert.equal(flusher.recoveryPoint, 40);
  // The next flush covers what was appended after the cut.
  await flusher.flush();
  assert.equal(flusher.recoveryPoint, 70);
});
