// Helpers of the reassignment and leader-balance tests on a cluster of processes: the
// acks=all producer child (acked_producer.py, confluent-kafka-python), metadata through kcat,
// and a check that every acknowledged record was stored once, in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kcat } from '../../interop/support/clients.js';
import { waitFor } from '../../support/wait.js';
import { checkAcknowledged as checkAckedRecords, type Report } from './acked-records.js';
import type { TestCluster } from './cluster.js';

const here = dirname(fileURLToPath(import.meta.url));
const PRODUCER = join(
  here,
  '..',
  '..',
  '..',
  '..',
  'test',
  'cluster',
  'support',
  'acked_producer.py',
);

export type { Report };

export interface PartitionMetadata {
  partition: number;
  leader: number;
  replicas: { id: number }[];
  isrs: { id: number }[];
}

/** A topic's partitions as a broker that is up answers them (kcat -L). */
export async function partitionsOf(
  cluster: TestCluster,
  topic: string,
): Promise<PartitionMetadata[]> {
  for (;;) {
    const nodeId = [...cluster.brokers.keys()][0]!;
    try {
      const args = ['-L', '-J', '-b', `127.0.0.1:${cluster.port(nodeId)}`, '-m', '10', '-t', topic];
      const md = JSON.parse(await kcat(args)) as {
        topics: { topic: string; partitions: PartitionMetadata[] }[];
      };
      return [...(md.topics[0]?.partitions ?? [])].sort((a, b) => a.partition - b.partition);
    } catch (err) {
      if (cluster.brokers.size === 0) throw err;
    }
  }
}

export const ids = (list: { id: number }[]) => list.map((r) => r.id).sort((a, b) => a - b);

/** The producer child, its delivery reports so far, and its end. */
export function startProducer(bootstrap: string, topic: string, partitions: number) {
  const args = JSON.stringify({ bootstrap, topic, partitions });
  const child: ChildProcess = spawn('/usr/bin/python3', [PRODUCER, args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const reports: Report[] = [];
  let done: number | null = null;
  let stderr = '';
  let pending = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    pending += d;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as Report | { done: number };
      if ('done' in parsed) done = parsed.done;
      else reports.push(parsed);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const acked = () => reports.filter((r) => r.e === null).length;
  return {
    reports,
    stderr: () => stderr,
    /** Waits until `n` more records have been acknowledged. */
    progress: async (what: string, n = 100) => {
      const from = acked();
      await waitFor(`${n} records acknowledged ${what}`, () => acked() >= from + n, {
        timeoutMs: 60_000,
      });
    },
    stop: async () => {
      child.stdin!.end();
      const code = await exited;
      return { code, left: done };
    },
    kill: () => child.kill('SIGKILL'),
  };
}

/** Every acknowledged record read back from the earliest offset: once, at its offset, in order. */
export async function checkAcknowledged(
  cluster: TestCluster,
  topic: string,
  partitions: number,
  reports: readonly Report[],
): Promise<number> {
  const checked = await checkAckedRecords(
    cluster.bootstrap(),
    { name: topic, partitions },
    reports,
  );
  return checked.acked;
}

/** The last lines of each broker's stderr, for a failure message. */
export function brokerLogs(cluster: TestCluster): string {
  return [...cluster.brokers]
    .map(([id, b]) => `broker ${id}:\n${b.stderr().slice(-2500)}`)
    .join('\n');
}
