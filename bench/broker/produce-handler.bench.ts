// The broker's own cost per Produce request, from "frame in hand" to "response parts out",
// without the network: the handler registry's dispatch (header and body decode, the produce
// handler, validation with CRC-32C, group append, response encode) over a real broker's
// partitions, fed the request the raw load generator sends (v9, 8 partitions x one batch of
// 16 x 1 KiB records, acks=1), 5 in flight as on one connection, each call with a fresh copy
// of the frame (a real frame is a fresh buffer).
//
// Baseline in the same run: the storage alone, PartitionLog.append of the same 8 batches per
// request out of a fresh frame copy, the batches of one partition from the 5 requests in
// flight written with one append, as group append writes them. The ratio is broker / storage
// in requests per second: 1.0 would mean the broker adds nothing to the write itself.
import {
  HANDLER_FACTORIES,
  type BrokerContext,
  type HandlerFactory,
  type HandlerRegistry,
} from '../../src/broker/index.js';
import { Session, type RequestContext } from '../../src/broker/server/index.js';
import type { PartitionLog } from '../../src/storage/index.js';
import { Reader } from '../../src/protocol/index.js';
import { PRODUCE_VERSION, produceLoadRequest } from './support/produce-load.js';
import { startBroker } from '../../src/index.js';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const PARTITIONS = 8;
const RECORDS = 16;
/** Small records (PRODUCE_HANDLER_RECORD_BYTES=64) leave the per-request work in view. */
const RECORD_BYTES = Number(process.env.PRODUCE_HANDLER_RECORD_BYTES ?? 1024);
const IN_FLIGHT = 5;
const VERSION = PRODUCE_VERSION;
const REQUESTS = Number(process.env.PRODUCE_HANDLER_REQUESTS ?? 3000);
const ROUNDS = Number(process.env.PRODUCE_HANDLER_ROUNDS ?? 5);
/** `log` or `dispatch` runs only that side (for profiles). */
const ONLY = process.env.PRODUCE_HANDLER_ONLY;
const FRAMES = process.env.PRODUCE_HANDLER_FRAMES ?? 'arena';
const BYTES_PER_REQUEST = PARTITIONS * RECORDS * RECORD_BYTES;

interface Request {
  frame: Buffer;
  /** [start, end) of each partition's batch within the frame. */
  batches: [number, number][];
}

/** The load generator's request (bench/broker/support/produce-load.ts) for `topic`. */
function produceRequest(topic: string): Request {
  const request = produceLoadRequest({
    topic,
    partitions: PARTITIONS,
    recordBytes: RECORD_BYTES,
    recordsPerBatch: RECORDS,
    acks: 1,
  });
  const batch = request.batch;
  const frame = Buffer.from(request.frame);
  const batches: [number, number][] = [];
  for (let at = frame.indexOf(batch); at >= 0; at = frame.indexOf(batch, at + batch.length)) {
    batches.push([at, at + batch.length]);
  }
  if (batches.length !== PARTITIONS) throw new Error('batches not found in the frame');
  return { frame, batches };
}

/**
 * Request i's frame: a fresh copy of `frame`, in memory recycled from request i - 2 x IN_FLIGHT
 * (settled by then), as the network layer copies Produce frames into a recycled arena; with
 * PRODUCE_HANDLER_FRAMES=alloc, in a new buffer each time (and the GC work that brings).
 */
function frameCopies(frame: Buffer): (i: number) => Buffer {
  if (FRAMES === 'alloc') return () => Buffer.from(frame);
  const ring = Array.from({ length: 2 * IN_FLIGHT }, () => Buffer.allocUnsafe(frame.length));
  return (i) => {
    const copy = ring[i % ring.length]!;
    frame.copy(copy);
    return copy;
  };
}

let registry: HandlerRegistry | undefined;
let context: BrokerContext | undefined;
// Every factory wrapped to see the registry and context the broker builds for its handlers.
const handlers: HandlerFactory[] = HANDLER_FACTORIES.map((factory) => (broker, reg) => {
  registry = reg;
  context = broker;
  return factory(broker, reg);
});

// tmpfs by default: the figures are CPU, and the disk's writeback of earlier rounds would
// otherwise land in later ones at random (PRODUCE_HANDLER_DIR picks another parent).
const parentDir =
  process.env.PRODUCE_HANDLER_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
const dataDir = await mkdtemp(join(parentDir, 'rivulet-bench-'));
const broker = await startBroker({ port: 0, dataDir, handlers });
let topicNo = 0;

async function freshTopic(): Promise<{ name: string; id: string }> {
  const name = `bench-${topicNo++}`;
  const [created] = await context!.metadata.createTopics([
    { name, numPartitions: PARTITIONS, replicationFactor: 1 },
  ]);
  if (created?.topic === undefined) throw new Error(`topic not created: ${created?.errorMessage}`);
  return { name, id: created.topic.topicId };
}

/** Deletes the topic and waits until its files are gone, so no round pays for another's. */
async function dropTopic(id: string): Promise<void> {
  await context!.metadata.deleteTopics([id]);
  while ((await readdir(broker.dataDir)).some((name) => name.endsWith('-delete'))) {
    await sleep(10);
  }
}

/** Microseconds per request: elapsed, and CPU time of the process (less disturbed by others). */
interface Timing {
  wall: number;
  cpu: number;
}

/** Times `run(i)` for REQUESTS requests, IN_FLIGHT at a time, awaited in order. */
async function timeRequests(run: (i: number) => Promise<unknown>): Promise<Timing> {
  const window: Promise<unknown>[] = [];
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < REQUESTS; i++) {
    if (window.length === IN_FLIGHT) await window.shift();
    window.push(run(i));
  }
  await Promise.all(window);
  const cpu = process.cpuUsage(cpuStart);
  const wall = Number(process.hrtime.bigint() - start) / 1e3;
  return { wall: wall / REQUESTS, cpu: (cpu.user + cpu.system) / REQUESTS };
}

async function viaDispatch(): Promise<Timing> {
  const topic = await freshTopic();
  const { frame } = produceRequest(topic.name);
  const copyOf = frameCopies(frame);
  const dispatch = registry!.dispatch;
  let errors = 0;
  const session = new Session({
    connectionId: 1,
    listenerName: 'PLAINTEXT',
    securityProtocol: 'PLAINTEXT',
    clientHost: '127.0.0.1',
    clientPort: 50000,
  });
  const ctx = (correlationId: number): RequestContext => ({
    apiKey: 0,
    apiVersion: VERSION,
    correlationId,
    session,
    throttleTimeMs: 0,
  });
  const us = await timeRequests(async (i) => {
    const parts = await dispatch(ctx(i), copyOf(i));
    if (i % 64 === 0) errors += partitionErrors(parts!);
  });
  await dropTopic(topic.id);
  if (errors > 0) throw new Error(`${errors} partition errors`);
  return us;
}

async function viaLog(): Promise<Timing> {
  const topic = await freshTopic();
  const { frame, batches } = produceRequest(topic.name);
  const copyOf = frameCopies(frame);
  const logs: PartitionLog[] = [];
  for (let p = 0; p < PARTITIONS; p++)
    logs.push(context!.replicas.getPartition(topic.name, p)!.log);
  // The batches of the requests started in one turn, per partition, appended together at the
  // turn's end as group append does.
  let pending: Buffer[][] | null = null;
  let written: Promise<unknown> = Promise.resolve();
  const us = await timeRequests((i) => {
    const copy = copyOf(i);
    if (pending === null) {
      const group: Buffer[][] = (pending = logs.map(() => []));
      written = new Promise<unknown>((resolve) =>
        setImmediate(() => {
          pending = null;
          resolve(Promise.all(logs.map((log, p) => log.append(group[p]!))));
        }),
      );
    }
    for (let p = 0; p < PARTITIONS; p++) pending[p]!.push(copy.subarray(...batches[p]!));
    return written;
  });
  await dropTopic(topic.id);
  return us;
}

/** Non-zero error codes in a v9 Produce response (header v1). */
function partitionErrors(parts: Buffer[]): number {
  const r = new Reader(Buffer.concat(parts), 4);
  r.tags({});
  let errors = 0;
  for (let topics = r.uvarint() - 1; topics > 0; topics--) {
    r.skip(r.uvarint() - 1); // name
    for (let partitions = r.uvarint() - 1; partitions > 0; partitions--) {
      r.skip(4);
      if (r.int16() !== 0) errors++;
      r.skip(24);
      for (let n = r.uvarint() - 1; n > 0; n--) throw new Error('record errors');
      const message = r.uvarint() - 1;
      if (message > 0) r.skip(message);
      r.tags({});
    }
    r.tags({});
  }
  return errors;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const mbPerSec = (us: number) => BYTES_PER_REQUEST / us; // bytes per µs = MB/s

const NOT_RUN: Timing = { wall: NaN, cpu: NaN };

function line(name: string, runs: Timing[]): string {
  const wall = Math.min(...runs.map((t) => t.wall));
  const cpu = Math.min(...runs.map((t) => t.cpu));
  const list = runs.map((t) => fmt(t.wall, 0)).join(' ');
  return `${name.padEnd(36)} ${fmt(wall).padStart(6)} µs/request ${fmt(mbPerSec(wall), 0).padStart(5)} MB/s  cpu ${fmt(cpu).padStart(6)} µs/request  (runs ${list})`;
}

try {
  // Warm-up, then alternating rounds; the best of each (the least disturbed run) is reported.
  await viaLog();
  await viaDispatch();
  const runs = { log: [] as Timing[], dispatch: [] as Timing[] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.log.push(ONLY === 'dispatch' ? NOT_RUN : await viaLog());
    runs.dispatch.push(ONLY === 'log' ? NOT_RUN : await viaDispatch());
  }
  console.log(
    `produce handler: v${VERSION}, ${PARTITIONS} x ${RECORDS} x ${RECORD_BYTES} bytes per request, ${IN_FLIGHT} in flight, frames ${FRAMES}, best of ${ROUNDS} x ${REQUESTS} requests`,
  );
  console.log(line('storage alone (PartitionLog.append)', runs.log));
  console.log(line('registry dispatch', runs.dispatch));
  const best = (ts: Timing[], key: keyof Timing) => Math.min(...ts.map((t) => t[key]));
  const [logWall, dispatchWall] = [best(runs.log, 'wall'), best(runs.dispatch, 'wall')];
  const [logCpu, dispatchCpu] = [best(runs.log, 'cpu'), best(runs.dispatch, 'cpu')];
  console.log(
    `ratio broker/storage ${fmt(logWall / dispatchWall, 2)}x (cpu ${fmt(logCpu / dispatchCpu, 2)}x); broker's own cost ${fmt(dispatchWall - logWall)} µs/request (cpu ${fmt(dispatchCpu - logCpu)})`,
  );
} finally {
  await broker.close();
  await rm(dataDir, { recursive: true, force: true });
}
