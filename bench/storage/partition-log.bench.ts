// Partition log benchmarks, each reported with a baseline measured in the same run:
// - append of 16 KiB batches without fsync  vs  a plain sequential writev of the same bytes;
// - reads from the page cache               vs  a plain positional file read;
// - the recovery scan (CRC-32C of every batch) in GB/s, vs a plain read of the same file;
// - offset lookups in a log of 1,000 segments vs a plain read of the same batch.
import { promises as fsp, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_HEADER_BYTES } from '../../src/protocol/records/batch-header.js';
import { crc32c } from '../../src/util/crc32c.js';
import {
  DEFAULT_LOG_CONFIG,
  NodeFileSystem,
  PartitionLog,
  type LogConfig,
} from '../../src/storage/index.js';

const MiB = 1024 * 1024;

function batch(bytes: number, records = 16): Buffer {
  const buf = Buffer.alloc(bytes, 0x61);
  buf.writeInt32BE(bytes - 12, 8);
  buf.writeInt32BE(-1, 12);
  buf.writeInt8(2, 16);
  buf.writeInt32BE(records - 1, 23);
  buf.writeBigInt64BE(BigInt(Date.now()), 27);
  buf.writeBigInt64BE(BigInt(Date.now()), 35);
  buf.writeBigInt64BE(-1n, 43);
  buf.writeInt16BE(-1, 51);
  buf.writeInt32BE(-1, 53);
  buf.writeInt32BE(records, 57);
  buf.writeUInt32BE(crc32c(buf.subarray(21)), 17);
  return buf;
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

/** Best of `runs` (the machine is noisy; the best run is the least disturbed). */
async function best(runs: number, fn: () => Promise<number>): Promise<number> {
  let min = Infinity;
  for (let i = 0; i < runs; i++) min = Math.min(min, await fn());
  return min;
}

function report(name: string, value: string, ratio: number, target?: number): void {
  const verdict =
    target === undefined
      ? ''
      : ratio >= target
        ? `  (target >= ${target}: ok)`
        : `  (target >= ${target}: MISSED)`;
  console.log(`${name.padEnd(44)} ${value.padEnd(28)} ratio ${ratio.toFixed(2)}${verdict}`);
}

const root = mkdtempSync(join(tmpdir(), 'rivulet-bench-'));
const fs = new NodeFileSystem();
let n = 0;
const config = (o: Partial<LogConfig> = {}): LogConfig => ({ ...DEFAULT_LOG_CONFIG, ...o });
const openLog = (c: LogConfig) =>
  PartitionLog.open({
    fs,
    dir: join(root, `bench-${n++}`),
    topic: 'bench',
    partition: 0,
    config: c,
    cleanShutdown: true,
  });

try {
  // Append: 16 KiB batches, one append per batch, no fsync. Runs alternate with the baseline
  // and every file is removed after its run, so both see the same page-cache pressure.
  const totalBytes = 128 * MiB;
  const batchBytes = 16 * 1024;
  const count = totalBytes / batchBytes;
  const batches = Array.from({ length: 64 }, () => batch(batchBytes));
  const plainAppend = async (): Promise<number> => {
    const path = join(root, `plain-${n++}.log`);
    const handle = await fsp.open(path, 'w');
    const { ms } = await time(async () => {
      let pos = 0;
      for (let i = 0; i < count; i++) {
        await handle.writev([batches[i % 64]!], pos);
        pos += batchBytes;
      }
    });
    await handle.close();
    await fsp.rm(path);
    return ms;
  };
  const logAppend = async (): Promise<number> => {
    const log = await openLog(config());
    const { ms } = await time(async () => {
      for (let i = 0; i < count; i++) await log.append(batches[i % 64]!);
    });
    await log.abandon();
    await fsp.rm(log.dir, { recursive: true });
    return ms;
  };
  let baselineAppendMs = Infinity;
  let appendMs = Infinity;
  for (let round = 0; round < 4; round++) {
    baselineAppendMs = Math.min(baselineAppendMs, await plainAppend());
    appendMs = Math.min(appendMs, await logAppend());
  }
  const mbps = (ms: number) => `${((totalBytes / MiB) * 1000) / ms}`.slice(0, 6) + ' MiB/s';
  report(
    'append 16 KiB batches (no fsync)',
    `${mbps(appendMs)} vs ${mbps(baselineAppendMs)}`,
    baselineAppendMs / appendMs,
    0.8,
  );

  // Reads from the page cache: fetch the whole log 1 MiB at a time.
  const log = await openLog(config());
  for (let i = 0; i < count; i++) await log.append(batches[i % 64]!);
  await log.flush();
  const logFile = join(log.dir, '00000000000000000000.log');
  const fetchBytes = MiB;
  const logRead = async (): Promise<number> => {
    const { ms } = await time(async () => {
      let offset = 0;
      while (offset < log.logEndOffset) {
        const r = await log.read(offset, { maxBytes: fetchBytes });
        offset += (r.records.length / batchBytes) * 16;
      }
    });
    return ms;
  };
  const plainRead = async (): Promise<number> => {
    const handle = await fsp.open(logFile, 'r');
    const { ms } = await time(async () => {
      for (let pos = 0; pos < totalBytes; pos += fetchBytes) {
        await handle.read(Buffer.allocUnsafe(fetchBytes), 0, fetchBytes, pos);
      }
    });
    await handle.close();
    return ms;
  };
  let readMs = Infinity;
  let plainReadMs = Infinity;
  for (let round = 0; round < 5; round++) {
    plainReadMs = Math.min(plainReadMs, await plainRead());
    readMs = Math.min(readMs, await logRead());
  }
  report(
    'read 1 MiB fetches (page cache)',
    `${mbps(readMs)} vs ${mbps(plainReadMs)}`,
    plainReadMs / readMs,
    0.8,
  );
  await log.close();

  // Recovery scan: reopen the same log as after a crash (recovery point 0, no clean marker).
  const scanMs = await best(3, async () => {
    const { ms, value } = await time(() =>
      PartitionLog.open({
        fs,
        dir: log.dir,
        topic: 'bench',
        partition: 0,
        config: config(),
        recoveryPoint: 0,
        cleanShutdown: false,
      }),
    );
    await value.close();
    return ms;
  });
  const gbps = (ms: number) => ((totalBytes / 1e9) * 1000) / ms;
  const plainScanMs = await best(3, async () => {
    const handle = await fsp.open(logFile, 'r');
    const chunk = Buffer.allocUnsafe(8 * MiB);
    const { ms } = await time(async () => {
      for (let pos = 0; pos < totalBytes; pos += chunk.length)
        await handle.read(chunk, 0, chunk.length, pos);
    });
    await handle.close();
    return ms;
  });
  report(
    'recovery scan (CRC-32C of every batch)',
    `${gbps(scanMs).toFixed(2)} GB/s vs read ${gbps(plainScanMs).toFixed(2)} GB/s`,
    plainScanMs / scanMs,
  );
  console.log(`${''.padEnd(44)} target >= 1 GB/s: ${gbps(scanMs) >= 1 ? 'ok' : 'MISSED'}`);

  // Offset lookups with 1,000 segments.
  const small = await openLog(config({ segmentBytes: 64 * 1024, indexIntervalBytes: 4096 }));
  const smallBatch = batch(BATCH_HEADER_BYTES + 500, 4);
  for (let i = 0; i < 1000 * 115; i++) await small.append(Buffer.from(smallBatch));
  const segments = small.segmentCount;
  const lookups = 20_000;
  const offsets = Array.from({ length: lookups }, (_, i) => (i * 7919 * 4) % small.logEndOffset);
  const lookupMs = await best(3, async () => {
    const { ms } = await time(async () => {
      for (const o of offsets) await small.read(o, { maxBytes: 1 });
    });
    return ms;
  });
  const probe = await fsp.open(join(small.dir, '00000000000000000000.log'), 'r');
  const plainLookupMs = await best(3, async () => {
    const { ms } = await time(async () => {
      for (let i = 0; i < lookups; i++)
        await probe.read(
          Buffer.allocUnsafe(smallBatch.length),
          0,
          smallBatch.length,
          (i * 561) % 60_000,
        );
    });
    return ms;
  });
  await probe.close();
  report(
    `offset lookup + read, ${segments} segments`,
    `${((lookupMs * 1000) / lookups).toFixed(1)} us vs ${((plainLookupMs * 1000) / lookups).toFixed(1)} us`,
    plainLookupMs / lookupMs,
  );
  await small.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
