// Start-up time and idle memory: `rivulet start` as a process (spawn to its "listening" line)
// and its resident set once idle, against a bare Node process that only listens; and
// startBroker() in-process against a bare listen(). Targets: `rivulet start` ready <= 300 ms,
// idle RSS <= 80 MB, startBroker ready < 50 ms.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';
import { fmt } from './support/servers.js';

const here = dirname(fileURLToPath(import.meta.url));
const RIVULET = join(here, '..', '..', '..', 'bin', 'rivulet.js');
const BARE = `require('net').createServer().listen(0, '127.0.0.1', () => console.log('listening'))`;
const RUNS = 5;
const IDLE_MS = 1000;

interface Started {
  child: ChildProcess;
  readyMs: number;
}

/** Spawns and resolves when stdout shows "listening". */
function spawnUntilListening(args: string[]): Promise<Started> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('listening')) resolve({ child, readyMs: performance.now() - t0 });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(args: () => string[]): Promise<{ readyMs: number; rssMb: number }> {
  const ready: number[] = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    const { child, readyMs } = await spawnUntilListening(args());
    ready.push(readyMs);
    if (i === RUNS - 1) {
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
      rss = await rssMb(child.pid!);
    }
    await stop(child);
  }
  return { readyMs: median(ready), rssMb: rss };
}

async function inProcess(): Promise<{ bareMs: number; brokerMs: number }> {
  const bare: number[] = [];
  const broker: number[] = [];
  for (let i = 0; i < 20; i++) {
    let t0 = performance.now();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    bare.push(performance.now() - t0);
    await new Promise((resolve) => server.close(resolve));
    t0 = performance.now();
    const b = await startBroker({ port: 0 });
    broker.push(performance.now() - t0);
    await b.close();
  }
  return { bareMs: median(bare), brokerMs: median(broker) };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-'));
  try {
    const bare = await measure(() => ['-e', BARE]);
    const rivulet = await measure(() => [RIVULET, 'start', '--port', '0', '--data-dir', dataDir]);
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    console.log(`process ready (median of ${RUNS}), idle RSS after ${IDLE_MS} ms:`);
    console.log(
      `bare node listen        ${fmt(bare.readyMs)} ms  ${fmt(bare.rssMb)} MB (baseline)`,
    );
    console.log(
      `rivulet start           ${fmt(rivulet.readyMs)} ms  ${fmt(rivulet.rssMb)} MB  ` +
        `(${ratio(rivulet.readyMs, bare.readyMs)}, ${ratio(rivulet.rssMb, bare.rssMb)}; targets <= 300 ms, <= 80 MB)`,
    );
    const local = await inProcess();
    console.log(`in-process ready (median of 20):`);
    console.log(`bare listen()           ${fmt(local.bareMs, 2)} ms (baseline)`);
    console.log(
      `startBroker             ${fmt(local.brokerMs, 2)} ms (${ratio(local.brokerMs, local.bareMs)}; target < 50 ms)`,
    );
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
