// Helpers of the reassignment and leader-balance tests on a cluster of processes: the
// acks=all producer child (acked_producer.py, confluent-kafka-python), metadata through kcat,
// and a check that every acknowledged record was stored once, in order.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { confluent, kcat } from '../../interop/support/clients.js';
import { waitFor } from '../../support/wait.js';
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

export interface Report {
  p: number;
  o: number;
  v: string;
  e: string | null;
}

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
  const acked = reports.filter((r) => r.e === null);
  const read = await confluent<{
    messages: { partition: number; offset: number; value: string }[];
  }>(
    'consume',
    {
      bootstrap: cluster.bootstrap(),
      topic,
      offsets: Object.fromEntries(Array.from({ length: partitions }, (_, p) => [p, 0])),
      count: reports.length + 1,
      stop_at_eof: true,
      timeout: 60,
    },
    90_000,
  );
  const values = read.messages.map((m) => m.value);
  assert.equal(new Set(values).size, values.length, 'no record is stored twice');
  const at = new Map(read.messages.map((m) => [`${m.partition}@${m.offset}`, m.value]));
  const missing = acked.filter((r) => at.get(`${r.p}@${r.o}`) !== r.v);
  assert.deepEqual(missing.slice(0, 10), [], `${missing.length} acknowledged records missing`);
  for (let p = 0; p < partitions; p++) {
    const seqs = read.messages
      .filter((m) => m.partition === p)
      .map((m) => Number(m.value.split('-')[1]));
    assert.deepEqual(
      seqs,
      [...seqs].sort((x, y) => x - y),
      `partition ${p} is in order`,
    );
  }
  return acked.length;
}

/** The last lines of each broker's stderr, for a failure message. */
export function brokerLogs(cluster: TestCluster): string {
  return [...cluster.brokers]
    .map(([id, b]) => `broker ${id}:\n${b.stderr().slice(-2500)}`)
    .join('\n');
}
