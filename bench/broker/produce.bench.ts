// Produce throughput and latency: 1 KiB records, 8 partitions, acks=1, no compression, from
// our raw-protocol load generator and from librdkafka (confluent-kafka-python), against the
// null server (network only), the stub (network + codecs, nothing stored), the append floor
// (network + codecs + each batch appended to a file, nothing else) and the broker, in the same
// run. Ratios are against the null server (raw) and the stub (librdkafka, which needs
// ApiVersions and Metadata answered); the broker is also given against the append floor.
// Target: broker >= 0.6 of the null server.
// The compressed loads (raw generator, lz4/zstd/gzip/snappy batches of JSON-like text) measure
// what the broker's check of compressed batches costs (decompressing and walking the records):
// the same broker with the check on and off by turns, the ratio is on / off.
import { confluent } from '../../test/interop/support/clients.js';
import { nullProduceResponseBody, type LoadResult } from './support/produce-load.js';
import { inWorker } from './support/load-worker.js';
import { appendFloorHandler } from './support/append-floor.js';
import { createTopic, fmt, startNullServer, startStubServer } from './support/servers.js';
import { startBroker } from '../../src/index.js';
import { compressedBatchChecks } from '../../src/broker/partition/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TOPIC = 'bench-produce';
const PARTITIONS = 8;
const ROUND_MS = 2000;
const ROUNDS = 2;
const LIBRDKAFKA_SECONDS = 4;
/**
 * PRODUCE_BENCH_LOADS=raw, =librdkafka, =librdkafka-compressed or =compressed (or a list) runs
 * those (default all).
 */
const LOADS = (
  process.env.PRODUCE_BENCH_LOADS ?? 'librdkafka,librdkafka-compressed,raw,compressed'
).split(',');
/** PRODUCE_BENCH_CODECS=gzip,zstd limits the compressed loads to those codecs (default all). */
const CODECS = Object.entries({ lz4: 3, zstd: 4, gzip: 1, snappy: 2 }).filter(([name]) =>
  (process.env.PRODUCE_BENCH_CODECS ?? 'lz4,zstd,gzip,snappy').split(',').includes(name),
);
const COMPRESSED_ROUNDS = 3;

interface Librdkafka {
  delivered: number;
  failed: number;
  mb_per_sec: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/** A load's result with the full (mark-compact) collections the servers' thread ran meanwhile. */
interface Measured extends LoadResult {
  majorGcs: number;
}

function line(name: string, r: Measured, baseline: Measured | null): string {
  const ratio =
    baseline === null ? '(baseline)' : `${(r.mbPerSec / baseline.mbPerSec).toFixed(2)}x`;
  const errors = r.errors > 0 ? `  ${r.errors} partition errors!` : '';
  return `${name.padEnd(22)} ${fmt(r.mbPerSec).padStart(8)} MB/s  p50 ${fmt(r.p50Ms, 2)} ms  p99 ${fmt(r.p99Ms, 2)} ms  full GCs ${String(r.majorGcs).padStart(3)}  ${ratio}${errors}`;
}

const best = (a: Measured | null, b: Measured) => (a === null || b.mbPerSec > a.mbPerSec ? b : a);

let majorGcs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
  }
}).observe({ entryTypes: ['gc'] });

async function main(): Promise<void> {
  const nullServer = await startNullServer(nullProduceResponseBody(TOPIC, PARTITIONS));
  const stub = await startStubServer(PARTITIONS);
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-'));
  const floorDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-floor-'));
  const floor = appendFloorHandler(floorDir, nullProduceResponseBody(TOPIC, PARTITIONS));
  const floorServer = await startBroker({ port: 0, handler: floor.handler });
  const broker = await startBroker({
    port: 0,
    config: { 'num.partitions': PARTITIONS, 'log.dir': dataDir },
  });
  const brokerProblem = await createTopic(broker.port, TOPIC, PARTITIONS);
  const results: Record<string, Measured | null> = {
    null: null,
    stub: null,
    floor: null,
    broker: null,
  };
  try {
    const load = async (port: number, compression = 0): Promise<Measured> => {
      const before = majorGcs;
      const result = await inWorker('produce', {
        port,
        topic: TOPIC,
        durationMs: ROUND_MS,
        compression,
      });
      return { ...result, majorGcs: majorGcs - before };
    };
    // librdkafka first: the raw rounds leave gigabytes of dirty pages whose writeback would
    // land in its broker run.
    const rdkafka = async (port: number, config: Record<string, string> = {}) =>
      confluent<Librdkafka>(
        'bench_produce',
        {
          bootstrap: `127.0.0.1:${port}`,
          topic: TOPIC,
          size: 1024,
          partitions: PARTITIONS,
          seconds: LIBRDKAFKA_SECONDS,
          config,
        },
        60_000,
      );
    const show = (name: string, r: Librdkafka, base: Librdkafka | null) =>
      `${name.padEnd(22)} ${fmt(r.mb_per_sec).padStart(8)} MB/s  p50 ${fmt(r.p50_ms ?? NaN, 2)} ms  p99 ${fmt(r.p99_ms ?? NaN, 2)} ms  ${base === null ? '(baseline)' : `${(r.mb_per_sec / base.mb_per_sec).toFixed(2)}x`}${r.failed > 0 ? `  ${r.failed} failed!` : ''}`;
    if (LOADS.includes('librdkafka')) {
      const onStub = await rdkafka(stub.port);
      const onBroker = brokerProblem === null ? await rdkafka(broker.port) : null;
      console.log(
        `librdkafka (confluent-kafka-python): acks=1, linger.ms=5, ${LIBRDKAFKA_SECONDS} s`,
      );
      console.log(show('stub (codecs only)', onStub, null));
      if (onBroker !== null) console.log(show('broker', onBroker, onStub));
      else console.log(`broker                 skipped: ${brokerProblem}`);
    }
    if (LOADS.includes('raw')) {
      await load(nullServer.port); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        results.null = best(results.null, await load(nullServer.port));
        results.stub = best(results.stub, await load(stub.port));
        // Both write to disk: they take turns going first, so the writeback of one's data does
        // not always land in the other's run.
        const writers = [
          () => load(floorServer.port).then((r) => (results.floor = best(results.floor, r))),
          () =>
            brokerProblem === null
              ? load(broker.port).then((r) => (results.broker = best(results.broker, r)))
              : Promise.resolve(null),
        ];
        if (round % 2 === 1) writers.reverse();
        for (const write of writers) await write();
      }
      console.log(
        `raw generator (worker thread): 1 connection, 5 in flight, 8 x 16 x 1 KiB per request, best of ${ROUNDS} x ${ROUND_MS} ms`,
      );
      console.log(line('null server', results.null!, null));
      console.log(line('stub (codecs only)', results.stub!, results.null));
      console.log(line('append floor', results.floor!, results.null));
      if (results.broker !== null) {
        console.log(line('broker', results.broker, results.null));
        const ofFloor = (results.broker.mbPerSec / results.floor!.mbPerSec).toFixed(2);
        console.log(`broker / append floor   ${ofFloor}x`);
      } else console.log(`broker                 skipped: ${brokerProblem}`);
    }
    // librdkafka compressing its batches (values of one repeated byte, up to 256 KiB a batch):
    // the broker with the compressed-batch check off, then on.
    if (LOADS.includes('librdkafka-compressed') && brokerProblem === null) {
      console.log(
        `librdkafka, compressed: acks=1, linger.ms=5, ${LIBRDKAFKA_SECONDS} s, the broker's compressed-batch check off / on`,
      );
      for (const codec of ['lz4', 'zstd']) {
        const config = { 'compression.type': codec };
        compressedBatchChecks.enabled = false;
        const off = await rdkafka(broker.port, config);
        compressedBatchChecks.enabled = true;
        const on = await rdkafka(broker.port, config);
        console.log(show(`${codec} check off`, off, null));
        console.log(show(`${codec} check on`, on, off));
      }
    }
    if (LOADS.includes('compressed') && brokerProblem === null) {
      console.log(
        `raw generator, compressed batches of JSON-like text: broker with the compressed-batch check off / on by turns, best of ${COMPRESSED_ROUNDS} x ${ROUND_MS} ms`,
      );
      for (const [name, codec] of CODECS) {
        let off: Measured | null = null;
        let on: Measured | null = null;
        const run = async (enabled: boolean) => {
          compressedBatchChecks.enabled = enabled;
          const r = await load(broker.port, codec);
          if (enabled) on = best(on, r);
          else off = best(off, r);
        };
        await load(broker.port, codec); // warm-up
        // Both write to disk: they take turns going first (see the raw rounds).
        for (let round = 0; round < COMPRESSED_ROUNDS; round++) {
          const order = round % 2 === 0 ? [false, true] : [true, false];
          for (const enabled of order) await run(enabled);
        }
        compressedBatchChecks.enabled = true;
        console.log(line(`${name} check off`, off!, null));
        console.log(line(`${name} check on`, on!, off));
      }
    }
  } finally {
    compressedBatchChecks.enabled = true;
    await Promise.all([nullServer.close(), stub.close(), floorServer.close(), broker.close()]);
    floor.close();
    // A fresh directory per run, so runs neither share nor accumulate data.
    await rm(dataDir, { recursive: true, force: true });
    await rm(floorDir, { recursive: true, force: true });
  }
}

await main();
