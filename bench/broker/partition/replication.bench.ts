// Produce with replication: librdkafka (confluent-kafka-python) with acks=all to a topic of
// replication factor 3 (min.insync.replicas 2) on three brokers, against acks=1 to one broker
// with replication factor 1, in the same run: 1 KiB records, 8 partitions, linger.ms=5.
// The three brokers run in this one process (one event loop, real TCP between them), so the
// leaders' work and both followers' fetch loops share one core: a harder setting than three
// broker processes. Target (issue #15): acks=all RF3 at least 0.5x of the single node.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../../src/index.js';
import { Admin } from '../../../src/client/index.js';
import { confluent } from '../../../test/interop/support/clients.js';
import { startInProcessCluster } from '../../../test/broker/partition/support/in-process-cluster.js';
import { fmt } from '../support/servers.js';

const TOPIC = 'bench-replication';
const PARTITIONS = 8;
const SECONDS = Number(process.env.REPLICATION_BENCH_SECONDS ?? 4);

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
    await admin.createTopics([
      {
        name: TOPIC,
        numPartitions: PARTITIONS,
        replicationFactor,
        configs: { 'min.insync.replicas': String(Math.min(2, replicationFactor)) },
      },
    ]);
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

function line(name: string, r: Librdkafka, baseline: Librdkafka | null): string {
  const ratio =
    baseline === null ? '(baseline)' : `${(r.mb_per_sec / baseline.mb_per_sec).toFixed(2)}x`;
  const failed = r.failed > 0 ? `  ${r.failed} failed!` : '';
  return `${name.padEnd(30)} ${fmt(r.mb_per_sec).padStart(8)} MB/s  p50 ${fmt(r.p50_ms ?? NaN, 2)} ms  p99 ${fmt(r.p99_ms ?? NaN, 2)} ms  ${ratio}${failed}`;
}

async function main(): Promise<void> {
  console.log(
    `librdkafka, 1 KiB records, ${PARTITIONS} partitions, linger.ms=5, ${SECONDS} s each`,
  );
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-single-'));
  const single = await startBroker({ port: 0, dataDir });
  let baseline: Librdkafka;
  try {
    await createTopic(single.bootstrap, 1);
    baseline = await produce(single.bootstrap, '1');
    console.log(line('1 broker, RF 1, acks=1', baseline, null));
  } finally {
    await single.close();
    await rm(dataDir, { recursive: true, force: true });
  }
  const cluster = await startInProcessCluster(3);
  try {
    await createTopic(cluster.bootstrap(), 3);
    const replicated = await produce(cluster.bootstrap(), 'all');
    console.log(line('3 brokers in-process, RF 3, acks=all', replicated, baseline));
  } finally {
    await cluster.close();
  }
}

await main();
