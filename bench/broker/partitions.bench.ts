// Many partitions: one CreateTopics of 10,000 partitions, a restart and a shutdown of a broker
// holding them, all nearly empty (one small record each, produced after the create). Targets (2-core machine): create < 10 s, restart < 3 s,
// shutdown < 2 s. The baseline, measured in the same run, is the file system's own floor for
// the same number of partitions: making 10,000 folders with one empty file each and removing
// them again, so a slow disk shows in both figures.
// PARTITIONS=<n> changes the count (the targets scale with it).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../src/index.js';
import { ProtocolClient } from '../../test/support/protocol-client.js';
import { batch, produceBody } from '../../test/broker/handlers/data-helpers.js';

const PARTITIONS = Number(process.env['PARTITIONS'] ?? 10_000);
const scale = PARTITIONS / 10_000;
const TARGETS = { create: 10 * scale, restart: 3 * scale, shutdown: 2 * scale };

const seconds = (t0: number): number => (performance.now() - t0) / 1000;

async function fsFloor(root: string): Promise<number> {
  const t0 = performance.now();
  const dir = join(root, 'floor');
  await mkdir(dir);
  for (let i = 0; i < PARTITIONS; i += 64) {
    const batch = Array.from({ length: Math.min(64, PARTITIONS - i) }, async (_, j) => {
      const p = join(dir, `floor-${i + j}`);
      await mkdir(p);
      await writeFile(join(p, '00000000000000000000.log'), '');
    });
    await Promise.all(batch);
  }
  await rm(dir, { recursive: true });
  return seconds(t0);
}

/** One small record on every partition, 1,000 partitions per Produce request. */
async function produceToAll(port: number): Promise<void> {
  const client = await ProtocolClient.connect(port);
  try {
    for (let first = 0; first < PARTITIONS; first += 1000) {
      const count = Math.min(1000, PARTITIONS - first);
      const parts = Array.from({ length: count }, (_, i) => ({
        index: first + i,
        records: batch([`record of ${first + i}`]),
      }));
      const res = await client.request(0, 9, produceBody('many', parts, { acks: 1 }));
      for (const p of res.responses[0].partitionResponses) {
        if (p.errorCode !== 0) throw new Error(`produce to ${p.index} failed: ${p.errorCode}`);
      }
    }
  } finally {
    client.close();
  }
}

function start(dataDir: string): Promise<Broker> {
  return startBroker({ port: 0, dataDir });
}

async function main(): Promise<void> {
  const root = await mkdtemp(
    join(process.env['BENCH_DIR'] ?? tmpdir(), 'rivulet-partitions-bench-'),
  );
  const dataDir = join(root, 'data');
  try {
    const floor = await fsFloor(root);
    let broker = await start(dataDir);
    // One CreateTopics request, not retried (an admin client would retry one that outlives its
    // request timeout and report TOPIC_ALREADY_EXISTS).
    const client = await ProtocolClient.connect(broker.port);
    let t0 = performance.now();
    const res = await client.request(19, 7, {
      topics: [
        {
          name: 'many',
          numPartitions: PARTITIONS,
          replicationFactor: -1,
          assignments: [],
          configs: [],
        },
      ],
      timeoutMs: 600_000,
      validateOnly: false,
    });
    const create = seconds(t0);
    client.close();
    const result = res.topics[0];
    if (result.errorCode !== 0) {
      throw new Error(`create failed: ${result.errorCode} ${result.errorMessage}`);
    }
    await produceToAll(broker.port);
    t0 = performance.now();
    await broker.close();
    const firstShutdown = seconds(t0);
    t0 = performance.now();
    broker = await start(dataDir);
    const restart = seconds(t0);
    t0 = performance.now();
    await broker.close();
    const shutdown = seconds(t0);
    const line = (name: string, s: number, target: number): void =>
      console.log(
        `${name.padEnd(32)} ${s.toFixed(2).padStart(7)} s   ${(s / target).toFixed(2)}x of the ${target.toFixed(1)} s target   ${(s / floor).toFixed(1)}x the fs floor`,
      );
    console.log(`partitions: ${PARTITIONS}; fs floor (mkdir + create + rm): ${floor.toFixed(2)} s`);
    line('create topic', create, TARGETS.create);
    line('shutdown after create', firstShutdown, TARGETS.shutdown);
    line('restart', restart, TARGETS.restart);
    line('shutdown after restart', shutdown, TARGETS.shutdown);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
