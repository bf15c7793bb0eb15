import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { silentLogger, type Logger } from '../../../src/broker/logger.js';
import {
  startServer,
  nullHandler,
  type RequestHandler,
  type NetworkServer,
  type ServerLimits,
  type ResponseParts,
} from '../../../src/broker/server/index.js';
import { ProtocolClient, requestFrame, sleep } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';

/** A promise with its resolve function, for handlers that wait for the test. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const LISTENER = [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }];

// A failing test must fail, not hang: bound each test and close every server afterwards.
const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const servers: NetworkServer[] = [];
after(() => Promise.all(servers.map((s) => s.stop({ timeoutMs: 0 }))));

async function serve(handler: RequestHandler, limits: Partial<ServerLimits> = {}, logger?: Logger) {
  const server = await startServer(handler, {
    listeners: LISTENER,
    limits,
    logger: logger ?? silentLogger,
  });
  servers.push(server);
  return { server, port: server.boundListeners[0]!.port };
}

function correlationIds(frames: Buffer[]): number[] {
  return frames.map((f) => f.readInt32BE(0));
}

test('port 0 binds a free port and reports it', async () => {
  const { server, port } = await serve(nullHandler());
  assert.ok(port > 0);
  await server.stop();
});

test('pipelined responses keep request order when handlers finish out of order', async () => {
  const started: number[] = [];
  const gates = [0, 1, 2, 3, 4].map(() => deferred());
  const finished: number[] = [];
  const handler: RequestHandler = async (ctx) => {
    started.push(ctx.correlationId);
    await gates[ctx.correlationId]!.promise;
    finished.push(ctx.correlationId);
    const out = Buffer.alloc(4);
    out.writeInt32BE(ctx.correlationId);
    return [out];
  };
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  client.socket.write(Buffer.concat([0, 1, 2, 3, 4].map((id) => requestFrame(18, id))));
  await waitFor('5 requests started', () => started.length === 5);
  // Finish them last to first.
  for (const gate of [...gates].reverse()) {
    gate.resolve();
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(correlationIds(await client.waitFrames(5)), [0, 1, 2, 3, 4]);
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.deepEqual(finished, [4, 3, 2, 1, 0]);
  client.socket.destroy();
  await server.stop();
});

test("a response's afterWrite is called once its bytes are written, after it is sent", async () => {
  const calls: number[] = [];
  const bothCalled = deferred();
  const handler: RequestHandler = async (ctx) => {
    const body = Buffer.alloc(64 * 1024, ctx.correlationId);
    const header = Buffer.alloc(4);
    header.writeInt32BE(ctx.correlationId);
    const parts: ResponseParts = [header, body];
    parts.afterWrite = () => {
      calls.push(ctx.correlationId);
      if (calls.length === 2) bothCalled.resolve();
    };
    return parts;
  };
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  client.send(18, 1);
  client.send(18, 2);
  const frames = await client.waitFrames(2);
  assert.deepEqual(correlationIds(frames), [1, 2]);
  assert.equal(frames[1]!.at(-1), 2);
  await bothCalled.promise;
  assert.deepEqual(calls, [1, 2]);
  client.socket.destroy();
  await server.stop();
});

test('a null response sends nothing and keeps the order of the others', async () => {
  const handler: RequestHandler = async (ctx) =>
    ctx.apiKey === 0 ? null : nullHandler()(ctx, Buffer.alloc(0));
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  client.send(0, 1);
  client.send(3, 2);
  client.send(0, 3);
  client.send(3, 4);
  client.send(3, 5);
  // Responses keep request order: once 5's is in, no answer to 1 or 3 can follow.
  assert.deepEqual(correlationIds(await client.waitFrames(3)), [2, 4, 5]);
  assert.equal(client.frames.length, 3);
  client.socket.destroy();
  await server.stop();
});

test('a client that half-closes after sending gets every answer, then the connection closes', async () => {
  const handler: RequestHandler = async (ctx) => {
    await new Promise((r) => setImmediate(r));
    return nullHandler()(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler, { maxInFlightPerConnection: 1 });
  const client = await ProtocolClient.connect(port);
  client.socket.end(Buffer.concat([1, 2, 3].map((id) => requestFrame(18, id))));
  await client.waitClosed();
  assert.deepEqual(correlationIds(client.frames), [1, 2, 3]);
  await server.stop();
});

test('an oversize frame closes only that connection', async () => {
  const warnings: string[] = [];
  const logger = { ...silentLogger, warn: (m: string) => warnings.push(m) };
  const { server, port } = await serve(nullHandler(), { maxRequestBytes: 100 }, logger);
  const bad = await ProtocolClient.connect(port);
  const good = await ProtocolClient.connect(port);
  bad.send(18, 1, Buffer.alloc(200));
  await bad.waitClosed();
  good.send(18, 7, Buffer.alloc(92));
  assert.deepEqual(correlationIds(await good.waitFrames(1)), [7]);
  assert.match(warnings.join('\n'), /socket.request.max.bytes/);
  good.socket.destroy();
  await server.stop();
});

test('a rejected handler closes only that connection', async () => {
  const handler: RequestHandler = async (ctx) => {
    if (ctx.apiKey === 99) throw new Error('malformed');
    return nullHandler()(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler);
  const bad = await ProtocolClient.connect(port);
  const good = await ProtocolClient.connect(port);
  bad.send(99, 1);
  await bad.waitClosed();
  good.send(18, 2);
  assert.deepEqual(correlationIds(await good.waitFrames(1)), [2]);
  good.socket.destroy();
  await server.stop();
});

test('a frame too short for a request header closes the connection, ignoring what follows', async () => {
  let handled = 0;
  const { server, port } = await serve(async (ctx) => {
    handled++;
    return nullHandler()(ctx, Buffer.alloc(0));
  });
  const client = await ProtocolClient.connect(port);
  client.socket.write(Buffer.concat([Buffer.from([0, 0, 0, 2, 0, 18]), requestFrame(18, 1)]));
  await client.waitClosed();
  assert.equal(handled, 0);
  await server.stop();
});

test('frames of recycling APIs share memory once settled; others keep their own', async () => {
  const kept: Buffer[] = [];
  const recycled = new Set<string>();
  const handler: RequestHandler = async (ctx, frame) => {
    if (ctx.apiKey === 0) recycled.add(`${frame.byteOffset}/${frame.buffer.byteLength}`);
    else kept.push(frame);
    return nullHandler()(ctx, frame);
  };
  handler.recyclesFrame = (apiKey) => apiKey === 0;
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  const body = (fill: number) => Buffer.alloc(20_000, fill);
  for (let i = 0; i < 20; i++) {
    // One at a time, so each recycled frame is released before the next arrives.
    client.send(i % 2 === 0 ? 0 : 3, i, body(i));
    await client.waitFrames(i + 1);
  }
  assert.deepEqual([...recycled], ['0/4194304'], 'every produce frame reused the same memory');
  assert.equal(kept.length, 10);
  kept.forEach((frame, k) => {
    const fill = 2 * k + 1;
    assert.ok(frame.subarray(8).equals(body(fill)), `frame ${fill} was overwritten`);
  });
  assert.equal(server.memory.usedBytes, 0, 'every answered frame is released');
  client.socket.destroy();
  await server.stop();
});

test('the arena lets its free slabs go once the last connection closes', async () => {
  // Produce frames are answered only once five have arrived, so they need two slabs.
  let release: () => void = () => {};
  const allArrived = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  const handler: RequestHandler = async (ctx, frame) => {
    if (++arrived === 5) release();
    await allArrived;
    return nullHandler()(ctx, frame);
  };
  handler.recyclesFrame = (apiKey) => apiKey === 0;
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  for (let i = 0; i < 5; i++) client.send(0, i, Buffer.alloc(1_000_000, i));
  await client.waitFrames(5);
  assert.equal(server.arena.freeSlabs, 1, 'the full slab is kept for reuse');
  assert.equal(server.memory.usedBytes, 0);
  client.socket.destroy();
  await client.waitClosed();
  await waitFor('the connection gone', () => server.connectionCount === 0);
  assert.equal(server.arena.freeSlabs, 0);
  await server.stop();
});

test('idle connections are closed after connections.max.idle.ms', async () => {
  const { server, port } = await serve(nullHandler(), { idleTimeoutMs: 80 });
  const client = await ProtocolClient.connect(port);
  client.send(18, 1);
  await client.waitFrames(1);
  const t0 = Date.now();
  await client.waitClosed();
  // A lower bound only (Kafka's semantics: not before the setting); load can only lengthen it.
  assert.ok(Date.now() - t0 >= 60, 'closed too early');
  await waitFor('no connection left', () => server.connectionCount === 0);
  await server.stop();
});

test('a connection with a request in flight is not idle', async () => {
  const handler: RequestHandler = async (ctx) => {
    await sleep(200);
    return nullHandler()(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler, { idleTimeoutMs: 50 });
  const client = await ProtocolClient.connect(port);
  client.send(18, 5);
  assert.deepEqual(correlationIds(await client.waitFrames(1)), [5]);
  await client.waitClosed();
  await server.stop();
});

test('max.connections refuses connections beyond the limit', async () => {
  const { server, port } = await serve(nullHandler(), { maxConnections: 2 });
  const a = await ProtocolClient.connect(port);
  const b = await ProtocolClient.connect(port);
  const c = await ProtocolClient.connect(port);
  await c.waitClosed();
  a.socket.destroy();
  await a.waitClosed();
  await waitFor('one connection left', () => server.connectionCount === 1);
  const d = await ProtocolClient.connect(port);
  d.send(18, 3);
  assert.deepEqual(correlationIds(await d.waitFrames(1)), [3]);
  b.socket.destroy();
  d.socket.destroy();
  await server.stop();
});

test('max.connections.per.ip refuses a second connection from one address', async () => {
  const { server, port } = await serve(nullHandler(), { maxConnectionsPerIp: 1 });
  const a = await ProtocolClient.connect(port);
  const b = await ProtocolClient.connect(port);
  await b.waitClosed();
  a.send(18, 1);
  await a.waitFrames(1);
  a.socket.destroy();
  await server.stop();
});

test('queued.max.requests bounds requests in flight across connections', async () => {
  let running = 0;
  let maxRunning = 0;
  const handler: RequestHandler = async (ctx) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await sleep(5);
    running--;
    return nullHandler()(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler, { maxQueuedRequests: 3 });
  const clients = await Promise.all([ProtocolClient.connect(port), ProtocolClient.connect(port)]);
  for (const client of clients) {
    client.socket.write(Buffer.concat([1, 2, 3, 4, 5].map((id) => requestFrame(18, id))));
  }
  for (const client of clients) {
    assert.deepEqual(correlationIds(await client.waitFrames(5)), [1, 2, 3, 4, 5]);
    client.socket.destroy();
  }
  assert.equal(maxRunning, 3);
  await server.stop();
});

test('the per-connection in-flight limit holds further requests back', async () => {
  let running = 0;
  let maxRunning = 0;
  const handler: RequestHandler = async (ctx) => {
    running++;
    maxRunning = Math.max(maxRunning, running);
    await sleep(2);
    running--;
    return nullHandler()(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler, { maxInFlightPerConnection: 2 });
  const client = await ProtocolClient.connect(port);
  const ids = Array.from({ length: 10 }, (_, i) => i);
  client.socket.write(Buffer.concat(ids.map((id) => requestFrame(18, id))));
  assert.deepEqual(correlationIds(await client.waitFrames(10)), ids);
  assert.equal(maxRunning, 2);
  client.socket.destroy();
  await server.stop();
});

test('a client that never reads cannot make the server buffer without bound', async () => {
  const responseBytes = 64 * 1024;
  const body = Buffer.alloc(responseBytes);
  let handled = 0;
  const handler: RequestHandler = async (ctx) => {
    handled++;
    return nullHandler(body)(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler, {
    writeHighWaterBytes: 1024 * 1024,
    maxInFlightPerConnection: 4,
  });
  const socket = connect({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause();
  const requests = 1000; // 64 MiB of responses if nothing stopped the server
  socket.write(Buffer.concat(Array.from({ length: requests }, (_, i) => requestFrame(1, i))));
  await sleep(300);
  const first = handled;
  await sleep(150);
  assert.equal(handled, first, 'the server kept producing responses nobody reads');
  // Kernel socket buffers take some; the server itself holds about the high-water mark.
  assert.ok(handled * responseBytes < 24 * 1024 * 1024, `handled ${handled} requests`);
  // Reading again lets everything through.
  let received = 0;
  socket.on('data', (chunk: Buffer) => (received += chunk.length));
  socket.resume();
  const expected = requests * (4 + 4 + responseBytes);
  await waitFor('every response read', () => received >= expected);
  assert.equal(handled, requests);
  socket.destroy();
  await server.stop();
});

test('graceful stop answers requests in flight, then closes and refuses new connections', async () => {
  const inHandler = deferred();
  const release = deferred();
  const handler: RequestHandler = async (ctx) => {
    inHandler.resolve();
    await release.promise;
    return nullHandler()(ctx, Buffer.alloc(0));
  };
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  client.send(18, 9);
  await inHandler.promise;
  const stopped = server.stop();
  release.resolve();
  assert.deepEqual(correlationIds(await client.waitFrames(1)), [9]);
  await client.waitClosed();
  await stopped;
  const refused = await new Promise<boolean>((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.on('error', () => resolve(true));
    s.on('connect', () => {
      s.destroy();
      resolve(false);
    });
  });
  assert.ok(refused);
});

test('graceful stop gives up on slow handlers after its timeout', async () => {
  const inHandler = deferred();
  const handler: RequestHandler = () => {
    inHandler.resolve();
    return new Promise(() => {});
  };
  const { server, port } = await serve(handler);
  const client = await ProtocolClient.connect(port);
  client.send(18, 1);
  await inHandler.promise;
  // A handler that never answers: stop() resolves anyway (the test's own timeout would catch
  // a stop that waited for it) and the connection is closed without an answer.
  await server.stop({ timeoutMs: 50 });
  await client.waitClosed();
  assert.equal(client.frames.length, 0);
});
