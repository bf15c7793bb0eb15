// Restart after a crash (kill -9: no clean-shutdown marker) over ~1 GiB in 64 MiB segments.
// The recovery-point checkpoint holds what the checkpoint job wrote before the crash:
// - now: the base of the active segment, where the last roll moved the recovery point, so only
//   the active segment is scanned;
// - baseline: 0, what it held when the recovery point moved only at flushes and clean
//   shutdowns, so every segment is scanned (CRC-32C of every batch).
// Both reopen the same files through LogManager.open, alternating, best of 3; the files stay in
// the page cache in both (as after a process crash, not a power cut).
import { promises as fsp, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c } from '../../src/util/crc32c.js';
import {
  CLEAN_SHUTDOWN_FILE,
  LogManager,
  RECOVERY_POINT_CHECKPOINT_FILE,
} from '../../src/storage/index.js';

const MiB = 1024 * 1024;
const SEGMENT_BYTES = 64 * MiB;
const TOTAL_BYTES = 1024 * MiB + 40 * MiB;
const BATCH_BYTES = 64 * 1024;
const RECORDS = 16;

function batch(bytes: number): Buffer {
  const buf = Buffer.alloc(bytes, 0x61);
  buf.writeInt32BE(bytes - 12, 8);
  buf.writeInt32BE(-1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt32BE(RECORDS - 1, 23);
  buf.writeBigInt64BE(BigInt(Date.now()), 27);
  buf.writeBigInt64BE(BigInt(Date.now()), 35);
  buf.writeBigInt64BE(-1n, 43);
  buf.writeInt16BE(-1, 51);
  buf.writeInt32BE(-1, 53);
  buf.writeInt32BE(RECORDS, 57);
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17);
  return buf;
}

const root = mkdtempSync(join(tmpdir(), 'rivulet-bench-restart-'));
const topicConfigs = new Map([['bench', { segmentBytes: SEGMENT_BYTES }]]);

/** Leaves the log dir as a kill -9 would, with `recoveryPoint` in the checkpoint file. */
async function crashState(recoveryPoint: number): Promise<void> {
  await fsp.rm(join(root, CLEAN_SHUTDOWN_FILE), { force: true });
  await fsp.writeFile(
    join(root, RECOVERY_POINT_CHECKPOINT_FILE),
    `0\n1\nbench 0 ${recoveryPoint}\n`,
  );
}

async function restartMs(recoveryPoint: number): Promise<number> {
  await crashState(recoveryPoint);
  const start = process.hrtime.bigint();
  const manager = await LogManager.open({ logDirs: [root], topicConfigs });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  await manager.close();
  return ms;
}

try {
  const manager = await LogManager.open({ logDirs: [root], topicConfigs });
  const log = await manager.createLog('bench', 0, { segmentBytes: SEGMENT_BYTES });
  const batches = Array.from({ length: 16 }, () => batch(BATCH_BYTES));
  for (let i = 0; i < TOTAL_BYTES / BATCH_BYTES; i++) await log.append(batches[i % 16]!);
  // What the checkpoint job writes every log.flush.offset.checkpoint.interval.ms.
  await manager.checkpoint();
  const recoveryPoint = log.recoveryPoint;
  const segments = log.segmentCount;
  const activeBytes = log.size - log.segmentList.slice(0, -1).reduce((n, s) => n + s.size, 0);
  await manager.close();

  let nowMs = Infinity;
  let baselineMs = Infinity;
  for (let round = 0; round < 3; round++) {
    baselineMs = Math.min(baselineMs, await restartMs(0));
    nowMs = Math.min(nowMs, await restartMs(recoveryPoint));
  }
  console.log(
    `${'restart after kill -9, ~1 GiB'.padEnd(44)} ${`${nowMs.toFixed(0)} ms vs ${baselineMs.toFixed(0)} ms`.padEnd(28)} ratio ${(baselineMs / nowMs).toFixed(2)}`,
  );
  console.log(
    `${''.padEnd(44)} ${segments} segments of ${SEGMENT_BYTES / MiB} MiB, recovery point ${recoveryPoint}, active segment ${(activeBytes / MiB).toFixed(0)} MiB scanned`,
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
