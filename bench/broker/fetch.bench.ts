// Fetch from the page cache: 256 MiB over 8 partitions written through Produce, then read
// again and again by one consumer-like connection (Fetch v11, one request in flight, 4 MiB
// per partition, 32 MiB per response), against the null server answering every fetch with a
// pre-encoded response of the same size, in the same run. Target: broker >= 1 GB/s.
import { encodeRecordBatchSync } from '../../src/protocol/index.js';
import { startBroker } from '../../src/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nullFetchResponseBody, type FetchLoadResult } from './support/fetch-load.js';
import { inWorker } from './support/load-worker.js';
import { createTopic, fmt, startNullServer } from './support/servers.js';

const TOPIC = 'bench-fetch';
const PARTITIONS = 8;
const PARTITION_MAX_BYTES = 4 << 20;
const WRITE_REQUESTS = 2048; // x 8 partitions x 16 x 1 KiB = 256 MiB
const ROUND_MS = 2500;

function line(name: string, r: FetchLoadResult, baseline: FetchLoadResult | null): string {
  const ratio =
    baseline === null ? '(baseline)' : `${(r.gbPerSec / baseline.gbPerSec).toFixed(2)}x`;
  const errors = r.errors > 0 ? `  ${r.errors} errors!` : '';
  return `${name.padEnd(14)} ${fmt(r.gbPerSec, 2).padStart(6)} GB/s  ${r.requests} fetches  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms  ${ratio}${errors}`;
}

async function main(): Promise<void> {
  // The null server's batches: 1 KiB records in 16-record batches, PARTITION_MAX_BYTES per partition.
  const value = Buffer.alloc(1024, 0x61);
  const batch = encodeRecordBatchSync(Array.from({ length: 16 }, () => ({ value })));
  const records = Buffer.concat(
    Array.from({ length: Math.floor(PARTITION_MAX_BYTES / batch.length) }, () => batch),
  );
  const nullServer = await startNullServer(nullFetchResponseBody(TOPIC, PARTITIONS, records));
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-'));
  const broker = await startBroker({ port: 0, config: { 'log.dir': dataDir } });
  try {
    const load = {
      topic: TOPIC,
      partitions: PARTITIONS,
      partitionMaxBytes: PARTITION_MAX_BYTES,
      durationMs: ROUND_MS,
    };
    const baseline = await inWorker('fetch', { ...load, port: nullServer.port });
    console.log(
      `fetch v11, 1 in flight, ${PARTITIONS} x ${PARTITION_MAX_BYTES >> 20} MiB per request, ${ROUND_MS} ms`,
    );
    console.log(line('null server', baseline, null));
    const problem = await createTopic(broker.port, TOPIC, PARTITIONS);
    if (problem !== null) {
      console.log(`broker         skipped: ${problem}`);
      return;
    }
    const t0 = performance.now();
    const written = await inWorker('produce', {
      port: broker.port,
      topic: TOPIC,
      partitions: PARTITIONS,
      durationMs: 120_000,
      maxRequests: WRITE_REQUESTS,
    });
    const writeSeconds = (performance.now() - t0) / 1000;
    console.log(
      `wrote ${written.requests} produce requests (${fmt(written.mbPerSec)} MB/s, ${writeSeconds.toFixed(1)} s, ${written.errors} errors)`,
    );
    await inWorker('fetch', { ...load, port: broker.port, durationMs: 500 }); // warm-up
    console.log(line('broker', await inWorker('fetch', { ...load, port: broker.port }), baseline));
  } finally {
    await Promise.all([nullServer.close(), broker.close()]);
    // A fresh directory per run, so runs neither share nor accumulate data.
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
