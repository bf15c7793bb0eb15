// Compaction throughput: one cleaner pass over a log of keyed records (uncompressed and lz4),
// reported in MB/s of log read, against a baseline from the same run: reading the same
// segments and decoding every batch once (work any cleaner has to do, without keying,
// rebuilding or writing).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompressionType,
  decodeRecordBatch,
  encodeRecordBatchSync,
} from '../../../src/protocol/records/index.js';
import {
  DEFAULT_LOG_CONFIG,
  NodeFileSystem,
  PartitionLog,
  cleanLog,
  protocolCleanerCodec,
} from '../../../src/storage/index.js';

const MiB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), 'rivulet-clean-bench-'));
const fs = new NodeFileSystem();

async function buildLog(
  name: string,
  compression: CompressionType,
  totalBytes: number,
): Promise<PartitionLog> {
  const log = await PartitionLog.open({
    fs,
    dir: join(root, name),
    topic: name,
    partition: 0,
    config: { ...DEFAULT_LOG_CONFIG, cleanupPolicy: 'compact', segmentBytes: 8 * MiB },
    cleanShutdown: true,
  });
  let i = 0;
  while (log.size < totalBytes) {
    const records = Array.from({ length: 100 }, () => {
      i++;
      return {
        key: Buffer.from(`user-${i % 20_000}`),
        value: Buffer.from(
          JSON.stringify({ id: i, name: `name-${i}`, score: i % 997, active: i % 3 === 0 }),
        ),
        timestamp: 1_700_000_000_000 + i,
      };
    });
    await log.append(encodeRecordBatchSync(records, { compression }));
  }
  await log.roll();
  await log.flush();
  return log;
}

async function decodeAll(log: PartitionLog): Promise<number> {
  let bytes = 0;
  for (const segment of log.segmentList) {
    await segment.forEachBatch(
      async (_info, h) => {
        await decodeRecordBatch(h.buf.subarray(h.pos, h.pos + h.totalSize), { verifyCrc: false });
        bytes += h.totalSize;
      },
      { whole: true },
    );
  }
  return bytes;
}

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

try {
  for (const [name, compression] of [
    ['none', CompressionType.None],
    ['lz4', CompressionType.Lz4],
  ] as const) {
    const log = await buildLog(name, compression, 64 * MiB);
    const size = log.size;
    const baselineMs = await timeMs(() => decodeAll(log));
    let removed = 0;
    const cleanMs = await timeMs(async () => {
      const r = await cleanLog(log, protocolCleanerCodec(), {
        checkpoint: 0,
        nowMs: Date.now(),
        dedupeBufferBytes: 128 * MiB,
      });
      removed = r.recordsRemoved;
    });
    const mbps = (ms: number): string => `${(((size / MiB) * 1000) / ms).toFixed(0)} MiB/s`;
    console.log(
      `${`compaction (${name}), ${(size / MiB).toFixed(0)} MiB`.padEnd(44)} ${`${mbps(cleanMs)} vs decode ${mbps(baselineMs)}`.padEnd(28)} ratio ${(baselineMs / cleanMs).toFixed(2)}  (${removed} records removed, ${(log.size / MiB).toFixed(1)} MiB left)`,
    );
    await log.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
