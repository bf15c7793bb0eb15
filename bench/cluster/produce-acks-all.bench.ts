// Produce with replication as the issue sets it: librdkafka (confluent-kafka-python) with
// acks=all to a topic of replication factor 3 (min.insync.replicas 2) on three broker
// processes over one etcd, against acks=1 to one broker process with replication factor 1.
// 1 KiB records, 8 partitions, linger.ms=5. All four brokers and the load generator share this
// machine's cores. The runs alternate (single, cluster, single, cluster, ...) so that a noisy
// neighbour weighs on both sides; the ratio reported is the median of the rounds' ratios.
// Target (issue #15): at least 0.5x.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '../../src/client/index.js';
import { confluent } from '../../test/interop/support/clients.js';
import { startRivulet } from '../../test/interop/support/rivulet-process.js';
import { startCluster } from '../../test/cluster/support/cluster.js';
import { fmt } from '../broker/support/servers.js';

const TOPIC = 'bench-acks-all';
const PARTITIONS = 8;
const SECONDS = Number(process.env['ACKS_ALL_BENCH_SECONDS'] ?? 5);
const ROUNDS = Number(process.env['ACKS_ALL_BENCH_ROUNDS'] ?? 3);

interface Librdkafka {
  delivered: number;
  failed: number;
  mb_per_sec: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

async function createTopic(bootstrap: string, replicationFactor: number): Promise<void> {
  const admin = new Admin({ bootstrapServers: bootstrap });
  await admin.connect();
  try {
    // The active controller creates topics; the others answer NOT_CONTROLLER until found.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.createTopics([
          {
            name: TOPIC,
            numPartitions: PARTITIONS,
            replicationFactor,
            configs: { 'min.insync.replicas': String(Math.min(2, replicationFactor)) },
          },
        ]);
        return;
      } catch (err) {
        if (attempt >= 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await admin.close();
  }
}

function produce(bootstrap: string, acks: string): Promise<Librdkafka> {
  return confluent<Librdkafka>(
    'bench_produce',
    {
      bootstrap,
      topic: TOPIC,
      size: 1024,
      partitions: PARTITIONS,
      seconds: SECONDS,
      config: { acks },
    },
    (SECONDS + 60) * 1000,
  );
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
  } catch {
    return NaN;
  }
}

/** Runs `work` and adds what `pids` spent of the CPU, in ms per MB produced. */
async function measured(
  pids: (number | undefined)[],
  work: () => Promise<Librdkafka>,
): Promise<Librdkafka & { cpuMsPerMb: number }> {
  const before = pids.map(cpuSeconds);
  const r = await work();
  const spent = pids.map(cpuSeconds).reduce((sum, s, i) => sum + s - before[i]!, 0);
  const mb = (r.delivered * 1024) / 1e6;
  return { ...r, cpuMsPerMb: (spent * 1000) / mb };
}

function line(name: string, r: Librdkafka & { cpuMsPerMb: number }, ratio: string): string {
  const failed = r.failed > 0 ? `  ${r.failed} failed!` : '';
  return `${name.padEnd(34)} ${fmt(r.mb_per_sec).padStart(8)} MB/s  p50 ${fmt(r.p50_ms ?? NaN, 2)} ms  p99 ${fmt(r.p99_ms ?? NaN, 2)} ms  broker CPU ${fmt(r.cpuMsPerMb, 1)} ms/MB  ${ratio}${failed}`;
}

async function main(): Promise<void> {
  console.log(
    `librdkafka, 1 KiB records, ${PARTITIONS} partitions, linger.ms=5, ${SECONDS} s each, ${ROUNDS} rounds`,
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-single-'));
  const single = await startRivulet(dataDir);
  const cluster = await startCluster({ brokers: 3 });
  const ratios: number[] = [];
  try {
    await createTopic(single.bootstrap, 1);
    await createTopic(cluster.bootstrap(), 3);
    for (let round = 1; round <= ROUNDS; round++) {
      const baseline = await measured([single.child.pid], () => produce(single.bootstrap, '1'));
      console.log(line(`${round}: 1 broker, RF 1, acks=1`, baseline, '(baseline)'));
      const pids = [...cluster.brokers.values()].map((b) => b.child.pid);
      const replicated = await measured(pids, () => produce(cluster.bootstrap(), 'all'));
      const ratio = replicated.mb_per_sec / baseline.mb_per_sec;
      ratios.push(ratio);
      console.log(line(`${round}: 3 brokers, RF 3, acks=all`, replicated, `${ratio.toFixed(2)}x`));
    }
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(
      `acks=all RF 3 on 3 processes vs acks=1 on 1: median ${median.toFixed(2)}x (target 0.5x)`,
    );
  } finally {
    // Stopped with SIGTERM, so that profiles (RIVULET_NODE_ARGS='--cpu-prof ...') are written.
    await Promise.all([...cluster.brokers.values()].map((b) => b.stop('SIGTERM')));
    await cluster.stop();
    await single.stop('SIGTERM');
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
