// Produce through the REST proxy's v3 streamed produce against our client directly, in the
// same run (issue #19's target: >= 0.3x the direct client's records/s). Broker and proxy run
// in their own processes (`rivulet start`, `rivulet rest-proxy`), the load from this one.
// Records of 1 KiB (BINARY, base64 in the JSON), acks=all, 500 records per request (per
// sendBatch call for the client), 4 requests in flight. p99 is of those 500-record calls.
// RIVULET_BENCH_RECORDS sets the count.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin, Producer } from '../../src/client/index.js';

const RECORDS = Number(process.env.RIVULET_BENCH_RECORDS ?? 100_000);
const PER_CALL = 500;
const ROUNDS = Number(process.env.RIVULET_BENCH_ROUNDS ?? 3);
const IN_FLIGHT = Number(process.env.RIVULET_BENCH_IN_FLIGHT ?? 4);
const value = Buffer.alloc(1024, 97);

interface Result {
  name: string;
  recordsPerSec: number;
  p99Ms: number;
}

/** Starts `rivulet <args>` and resolves the address its first line names. */
async function startProcess(args: string[]): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, ['bin/rivulet.js', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString())),
  );
  const m = /listening on (\S+)/.exec(line);
  if (m === null) throw new Error(`rivulet ${args[0]} did not start: ${line}`);
  return { child, address: m[1]! };
}

/** Runs `call` RECORDS / PER_CALL times, IN_FLIGHT at once; each call's time is recorded. */
async function load(name: string, call: () => Promise<void>): Promise<Result> {
  const calls = Math.ceil(RECORDS / PER_CALL);
  const latencies: number[] = [];
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < calls) {
      started++;
      const s = performance.now();
      await call();
      latencies.push(performance.now() - s);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    name,
    recordsPerSec: (calls * PER_CALL) / seconds,
    p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
  };
}

/** The round with the median records/s. */
function median(results: Result[]): Result {
  const sorted = [...results].sort((a, b) => a.recordsPerSec - b.recordsPerSec);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function direct(bootstrap: string, topic: string): Promise<Result> {
  const producer = new Producer({ bootstrapServers: bootstrap, lingerMs: 5, batchSize: 1 << 20 });
  await producer.connect();
  const records = Array.from({ length: PER_CALL }, () => ({ topic, value }));
  try {
    return await load('client directly', async () => {
      await producer.sendBatch(records);
    });
  } finally {
    await producer.close();
  }
}

async function viaProxy(url: string, topic: string): Promise<Result> {
  const clusters = (await (await fetch(`${url}/v3/clusters`)).json()) as {
    data: { cluster_id: string }[];
  };
  const target = `${url}/v3/clusters/${clusters.data[0]!.cluster_id}/topics/${topic}/records`;
  const line = JSON.stringify({ value: { type: 'BINARY', data: value.toString('base64') } });
  const body = Array.from({ length: PER_CALL }, () => line).join('\n');
  return load('v3 streamed produce', async () => {
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const text = await response.text();
    // Every record must have been written, or the figure means nothing.
    const answers = text.trim().split('\n');
    if (answers.length !== PER_CALL || answers.some((a) => !a.startsWith('{"error_code":200'))) {
      throw new Error(`the proxy refused records: ${text.slice(0, 300)}`);
    }
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-rest-bench-'));
  const broker = await startProcess(['start', '--port', '0', '--data-dir', dir]);
  let proxy: { child: ChildProcess; address: string } | null = null;
  try {
    // The proxy's producer gets the direct client's settings, so only the HTTP path differs.
    proxy = await startProcess([
      'rest-proxy',
      '--bootstrap-server',
      broker.address,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--override',
      'producer.linger.ms=5',
      '--override',
      `producer.batch.size=${1 << 20}`,
    ]);
    const admin = new Admin({ bootstrapServers: broker.address });
    await admin.connect();
    await admin.createTopics([
      { name: 'bench-direct', numPartitions: 1 },
      { name: 'bench-rest', numPartitions: 1 },
    ]);
    admin.close();
    // Rounds alternate the two paths, so a busy moment of a shared machine hits both; the
    // median round of each is reported.
    const bases: Result[] = [];
    const rests: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bases.push(await direct(broker.address, 'bench-direct'));
      rests.push(await viaProxy(proxy.address, 'bench-rest'));
    }
    const base = median(bases);
    const rest = median(rests);
    console.log(
      `REST proxy produce, ${RECORDS} records of 1 KiB, ${PER_CALL} per call, ${IN_FLIGHT} in flight, median of ${ROUNDS} rounds`,
    );
    for (const r of [base, rest]) {
      const ratio = r.recordsPerSec / base.recordsPerSec;
      console.log(
        `${r.name.padEnd(22)} ${r.recordsPerSec.toFixed(0).padStart(9)} records/s  p99 ${r.p99Ms.toFixed(1).padStart(7)} ms per ${PER_CALL}  ${ratio.toFixed(2)}x`,
      );
    }
    const ratio = rest.recordsPerSec / base.recordsPerSec;
    console.log(`target >= 0.30x: ${ratio >= 0.3 ? 'met' : 'NOT met'} (${ratio.toFixed(2)}x)`);
  } finally {
    proxy?.child.kill('SIGTERM');
    broker.child.kill('SIGTERM');
    await new Promise((r) => broker.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
