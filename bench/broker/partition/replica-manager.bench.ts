// The produce path of the replica manager (validation with CRC-32C, producer-state check,
// append, purgatory notification), each figure with a baseline from the same run:
// - appends of 1 KiB-record batches (16 records, 16 KiB) through ReplicaManager.append
//   vs PartitionLog.append of the same bytes (storage alone, validated beforehand);
// - the same with an idempotent producer (sequence checks and state updates);
// - fetch of 1 MiB through ReplicaManager.fetch vs PartitionLog.read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js';
import { LogManager } from '../../../src/storage/index.js';

const BATCHES = 4000;
const RECORDS = 16;
const value = Buffer.alloc(1024, 0x61);

function batches(producerId?: bigint): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const records = Array.from({ length: RECORDS }, () => ({ key: null, value }));
    out.push(
      encodeRecordBatchSync(
        records,
        producerId === undefined ? {} : { producerId, producerEpoch: 0, baseSequence: i * RECORDS },
      ),
    );
  }
  return out;
}

function report(name: string, mbPerS: number, baseline: number): void {
  const ratio = mbPerS / baseline;
  console.log(
    `${name.padEnd(46)} ${`${mbPerS.toFixed(0)} MB/s`.padEnd(12)} baseline ${baseline.toFixed(0)} MB/s  ratio ${ratio.toFixed(2)}`,
  );
}

async function mbPerSecond(bytes: number, fn: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return bytes / 1e6 / (ms / 1000);
}

const root = mkdtempSync(join(tmpdir(), 'rivulet-rm-bench-'));
const broker = resolveBrokerConfig(new Map([['log.dirs', root]])).config!;
const logs = await LogManager.open({ logDirs: [root] });
const replicas = new ReplicaManager({ logs, broker });
let topicNo = 0;

async function fresh(): Promise<string> {
  const topic = `b${topicNo++}`;
  await replicas.ensurePartition(
    { topic, partition: 0, topicId: '00000000-0000-0000-0000-000000000000', leaderEpoch: 0 },
    new Map(),
  );
  return topic;
}

async function viaReplicaManager(input: Buffer[]): Promise<void> {
  const topic = await fresh();
  for (let i = 0; i < input.length; i += 8) {
    const group = input
      .slice(i, i + 8)
      .map((records) => replicas.append(topic, 0, { records, acks: 1, apiVersion: 9 }));
    for (const r of await Promise.all(group)) if (r.error !== null) throw new Error(r.error);
  }
}

async function viaLog(input: Buffer[]): Promise<void> {
  const topic = await fresh();
  const log = replicas.getPartition(topic, 0)!.log;
  for (let i = 0; i < input.length; i += 8) {
    await Promise.all(input.slice(i, i + 8).map((b) => log.append(b)));
  }
}

try {
  const plain = batches();
  const bytes = plain.reduce((n, b) => n + b.length, 0);
  // Batches are encoded before timing; appends patch offsets in place, so a buffer can be
  // appended again to another partition. Rounds alternate and the best of each is reported
  // (the machine is noisy; the best run is the least disturbed).
  const best = { base: 0, rm: 0, idem: 0 };
  for (let round = 0; round < 5; round++) {
    const idempotent = batches(BigInt(round + 1));
    best.base = Math.max(best.base, await mbPerSecond(bytes, () => viaLog(plain)));
    best.rm = Math.max(best.rm, await mbPerSecond(bytes, () => viaReplicaManager(plain)));
    best.idem = Math.max(best.idem, await mbPerSecond(bytes, () => viaReplicaManager(idempotent)));
  }
  report('produce via ReplicaManager (16 KiB batches)', best.rm, best.base);
  report('idempotent produce via ReplicaManager', best.idem, best.base);
  const topic = await fresh();
  await viaLogInto(topic, plain.slice(0, 512));
  const log = replicas.getPartition(topic, 0)!.log;
  const reads = 500;
  const read = { topic, partition: 0, fetchOffset: 0, maxBytes: 1 << 20, currentLeaderEpoch: -1 };
  const fetchOpts = { maxBytes: 1 << 20, minBytes: 1, maxWaitMs: 0, isolationLevel: 0 };
  let baseRead = 0;
  let rmRead = 0;
  for (let round = 0; round < 3; round++) {
    const b = await mbPerSecond(reads * (1 << 20), async () => {
      for (let i = 0; i < reads; i++) await log.read(0, { maxBytes: 1 << 20 });
    });
    const r = await mbPerSecond(reads * (1 << 20), async () => {
      for (let i = 0; i < reads; i++) await replicas.fetchPartitions([read], fetchOpts);
    });
    baseRead = Math.max(baseRead, b);
    rmRead = Math.max(rmRead, r);
  }
  report('fetch 1 MiB via ReplicaManager', rmRead, baseRead);
} finally {
  await replicas.close();
  await logs.close();
  rmSync(root, { recursive: true, force: true });
}

async function viaLogInto(topic: string, input: Buffer[]): Promise<void> {
  const log = replicas.getPartition(topic, 0)!.log;
  for (const b of input) await log.append(b);
}
