// Request round trips through the broker's network server (null handler: no decoding, no
// storage) against a bare node:net server that frames requests and writes the same replies.
// Also the time startBroker takes to be ready, against a bare listen(). Ratios are against
// the baselines measured in this run.
import { connect, createServer, type Server } from 'node:net';
import { startBroker } from '../../../src/index.js';
import { nullHandler } from '../../../src/broker/server/index.js';
import { FrameDecoder, encodeFrame, isFrameProblem } from '../../../src/protocol/framing.js';

const REQUESTS = 200_000;
const WINDOW = 64;
const REQUEST_BODY_BYTES = 100;

function request(correlationId: number): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(18, 0);
  header.writeInt32BE(correlationId, 4);
  return encodeFrame([header, Buffer.alloc(REQUEST_BODY_BYTES)]);
}

/** The bare network path: frame, reply with the correlation id, nothing else. */
function bareServer(): Promise<Server> {
  const server = createServer((socket) => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      socket.cork();
      for (let f = decoder.next(); f !== null && !isFrameProblem(f); f = decoder.next()) {
        const reply = Buffer.allocUnsafe(8);
        reply.writeInt32BE(4, 0);
        reply.writeInt32BE(f.readInt32BE(4), 4);
        socket.write(reply);
      }
      socket.uncork();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Sends REQUESTS requests keeping WINDOW in flight; returns requests per second. */
async function drive(port: number): Promise<number> {
  const socket = connect({ port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 20 });
  let sent = 0;
  let received = 0;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const send = (n: number) => {
      const batch: Buffer[] = [];
      for (let i = 0; i < n && sent < REQUESTS; i++) batch.push(request(sent++));
      if (batch.length > 0) socket.write(Buffer.concat(batch));
    };
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      let got = 0;
      for (let f = decoder.next(); f !== null && !isFrameProblem(f); f = decoder.next()) got++;
      received += got;
      if (received === REQUESTS) resolve();
      else send(got);
    });
    send(WINDOW);
  });
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  return REQUESTS / seconds;
}

async function readyTimes(): Promise<{ bareMs: number; brokerMs: number }> {
  const runs = 20;
  let bareMs = 0;
  let brokerMs = 0;
  for (let i = 0; i < runs; i++) {
    let t0 = performance.now();
    const server = await bareServer();
    bareMs += performance.now() - t0;
    await new Promise((resolve) => server.close(resolve));
    t0 = performance.now();
    const broker = await startBroker({ port: 0 });
    brokerMs += performance.now() - t0;
    await broker.close();
  }
  return { bareMs: bareMs / runs, brokerMs: brokerMs / runs };
}

async function main(): Promise<void> {
  const bare = await bareServer();
  const broker = await startBroker({ port: 0, handler: nullHandler() });
  const port = (bare.address() as { port: number }).port;
  await drive(port); // warm up both paths
  await drive(broker.port);
  const bareRate = await drive(port);
  const brokerRate = await drive(broker.port);
  await broker.close();
  await new Promise((resolve) => bare.close(resolve));
  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`requests: ${REQUESTS}, window ${WINDOW}, ${REQUEST_BODY_BYTES}-byte bodies`);
  console.log(`bare net server:     ${fmt(bareRate)} req/s (baseline)`);
  console.log(
    `broker null handler: ${fmt(brokerRate)} req/s (${(brokerRate / bareRate).toFixed(2)}x)`,
  );
  const ready = await readyTimes();
  console.log(`bare listen():       ${ready.bareMs.toFixed(2)} ms (baseline)`);
  console.log(
    `startBroker ready:   ${ready.brokerMs.toFixed(2)} ms (${(ready.brokerMs / ready.bareMs).toFixed(1)}x)`,
  );
}

await main();
