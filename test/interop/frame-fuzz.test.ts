// Frame fuzz: many connections send random frames and mutations of requests recorded from real
// clients (truncations, flipped bytes, huge or negative sizes, wrong versions, unknown keys,
// lying length fields), bounded in count and time. Afterwards a real client (kcat) is still
// served, records written before the fuzz read back unchanged and the logs on disk are intact.
// FUZZ_SEED=<n> replays a run; the seed is in the test name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker, type Broker } from '../../src/index.js';
import { advertisedApis } from './support/broker-apis.js';
import { kcat } from './support/clients.js';
import { checkLogs } from './support/log-check.js';
import { stubHandler } from './support/stub-handler.js';

// A fixed default keeps CI deterministic; other seeds explore (FUZZ_SEED=123036 once found the
// oversized CreateTopics of oversized-admin.test.ts).
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const CONNECTIONS = 24;
const FRAMES_PER_CONNECTION = 60;
const MAX_REQUEST_BYTES = 1 << 20;
const DEADLINE_MS = 15_000;

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', '..', '..', 'test', 'fixtures', 'protocol');

/** mulberry32: small, seedable, good enough to pick mutations. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function recordedFrames(): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  for (const client of await readdir(fixturesDir)) {
    for (const name of await readdir(join(fixturesDir, client))) {
      frames.push(await readFile(join(fixturesDir, client, name)));
    }
  }
  return frames;
}

function prefixed(body: Buffer, size = body.length): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeInt32BE(size, 0);
  return Buffer.concat([prefix, body]);
}

/** One mutated frame, size prefix included (possibly lying). */
function mutate(rand: () => number, frames: Buffer[]): Buffer {
  const int = (n: number) => Math.floor(rand() * n);
  const original = frames[int(frames.length)]!;
  const body = Buffer.from(original);
  switch (int(10)) {
    case 0:
      return prefixed(body);
    case 1:
      return prefixed(body.subarray(0, int(body.length)));
    case 2: {
      for (let i = 1 + int(8); i > 0; i--) body[int(body.length)]! ^= 1 << int(8);
      return prefixed(body);
    }
    case 3: {
      const huge = rand() < 0.5 ? MAX_REQUEST_BYTES + 1 + int(2 ** 30) : -1 - int(2 ** 30);
      return prefixed(body.subarray(0, int(body.length)), huge);
    }
    case 4:
      body.writeInt16BE(int(40) - 5, 2);
      return prefixed(body);
    case 5:
      body.writeInt16BE(int(65536) - 32768, 0);
      return prefixed(body);
    case 6: {
      const garbage = Buffer.alloc(int(300));
      for (let i = 0; i < garbage.length; i++) garbage[i] = int(256);
      return prefixed(garbage);
    }
    case 7:
      return prefixed(body, body.length + 1 + int(1000));
    case 8: {
      const extra = Buffer.alloc(1 + int(64), int(256));
      return prefixed(Buffer.concat([body, extra]));
    }
    default: {
      // Overwrite a length or count field's worth of bytes with a large or negative number.
      if (body.length >= 12) {
        const at = 8 + int(body.length - 11);
        body.writeInt32BE(rand() < 0.5 ? -1 - int(1000) : 0x7fffffff - int(1000), at);
      }
      return prefixed(body);
    }
  }
}

/** Sends `count` mutated frames over as many connections as the server's closes take. */
async function fuzzSlot(port: number, rand: () => number, frames: Buffer[], count: number) {
  let sent = 0;
  let closes = 0;
  while (sent < count) {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.on('error', () => {});
    let wake: () => void = () => {};
    socket.on('data', () => wake());
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => {
      socket.once('connect', resolve);
      socket.once('close', resolve);
    });
    let open = true;
    void closed.then(() => {
      open = false;
      wake();
    });
    while (open && sent < count) {
      socket.write(mutate(rand, frames));
      sent++;
      // Mostly wait for the answer (or the close, or a short while when the server waits for
      // more bytes) so that each frame meets the server on its own; sometimes pipeline.
      if (rand() < 0.8) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 1 + Math.floor(rand() * 10));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
    socket.end();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 200))]);
    socket.destroy();
    closes++;
  }
  return closes;
}

async function fuzz(broker: Broker): Promise<number> {
  const frames = await recordedFrames();
  assert.ok(frames.length >= 20, 'the recorded fixtures are the seed corpus');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('fuzz exceeded its time bound')), DEADLINE_MS);
  });
  const slots = Array.from({ length: CONNECTIONS }, (_, i) =>
    fuzzSlot(broker.port, random(SEED * 1000 + i), frames, FRAMES_PER_CONNECTION),
  );
  try {
    const closes = await Promise.race([Promise.all(slots), deadline]);
    return closes.reduce((a, b) => a + b, 0);
  } finally {
    clearTimeout(timer);
  }
}

async function assertServed(broker: Broker): Promise<void> {
  const apis = await advertisedApis(broker.port);
  assert.ok(apis.has(18) && apis.has(3), 'ApiVersions still answered');
  const listing = await kcat(['-b', broker.bootstrap, '-L', '-m', '5'], undefined, 20_000);
  assert.match(listing, /1 brokers:/);
}

test(`fuzzed frames against the server with the codec stub (seed ${SEED})`, async (t) => {
  let port = 0;
  const handler = stubHandler({ address: () => ({ host: '127.0.0.1', port }) });
  const broker = await startBroker({
    port: 0,
    handler,
    config: { 'socket.request.max.bytes': MAX_REQUEST_BYTES },
  });
  port = broker.port;
  try {
    const connections = await fuzz(broker);
    assert.ok(connections >= CONNECTIONS, `${connections} connections`);
    t.diagnostic(`${CONNECTIONS * FRAMES_PER_CONNECTION} frames over ${connections} connections`);
    await assertServed(broker);
  } finally {
    await broker.close();
  }
});

test(`fuzzed frames against the broker (seed ${SEED})`, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-fuzz-'));
  const topic = 'fuzz-intact';
  const lines = Array.from({ length: 20 }, (_, i) => `k${i}:value-${i}`);
  let broker = await startBroker({
    port: 0,
    dataDir,
    config: { 'socket.request.max.bytes': MAX_REQUEST_BYTES },
  });
  try {
    const produce = ['-b', broker.bootstrap, '-P', '-t', topic, '-p', '0', '-K:', '-X', 'acks=all'];
    await kcat(produce, lines.join('\n') + '\n', 30_000);
    const connections = await fuzz(broker);
    t.diagnostic(`${CONNECTIONS * FRAMES_PER_CONNECTION} frames over ${connections} connections`);
    await assertServed(broker);
    const consume = ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning'];
    const out = await kcat([...consume, '-e', '-K:', '-c', '20'], undefined, 30_000);
    assert.deepEqual(out.trim().split('\n'), lines);
  } finally {
    await broker.close();
  }
  const logs = await checkLogs(dataDir);
  assert.deepEqual(logs.problems, []);
  assert.ok(logs.batches >= 1, 'the records written before the fuzz are on disk');
  // And the broker starts again on that directory.
  broker = await startBroker({ port: 0, dataDir });
  await broker.close();
  await rm(dataDir, { recursive: true, force: true });
});
