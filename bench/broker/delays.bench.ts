// Timing targets that used to be asserted in unit tests, measured here instead:
// - long poll: how long a parked fetch (fetch.max.wait.ms far away) takes to deliver a record
//   after it is produced, against the produce round trip alone (the baseline). Target <= 3x.
// - graceful stop: how long server.stop({ timeoutMs: 50 }) takes when a handler never
//   answers, against the 50 ms asked for. Target <= 2x.
import { connect } from 'node:net';
import { startBroker } from '../../src/index.js';
import { Consumer, Producer } from '../../src/client/index.js';
import { startServer, type RequestHandler } from '../../src/broker/server/index.js';
import { silentLogger } from '../../src/broker/logger.js';

const ROUNDS = 50;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function longPoll(): Promise<void> {
  const broker = await startBroker({});
  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 });
  await producer.connect();
  await producer.send({ topic: 'wake', partition: 0, value: Buffer.from('first') });
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap, fetchMaxWaitMs: 30_000 });
  await consumer.connect();
  consumer.assign([{ topic: 'wake', partition: 0, offset: 'earliest' }]);
  const records = consumer.records();
  await records.next(); // 'first': from here on every fetch parks until a produce
  const ack: number[] = [];
  const wake: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const arrived = records.next().then(() => performance.now() - t0);
    await producer.send({ topic: 'wake', partition: 0, value: Buffer.from(`r${i}`) });
    ack.push(performance.now() - t0);
    wake.push(await arrived);
  }
  consumer.close();
  await producer.close();
  await broker.close();
  const ratio = median(wake) / median(ack);
  console.log(
    `produce round trip        ${median(ack).toFixed(2)} ms (baseline, median of ${ROUNDS})`,
  );
  console.log(
    `long poll woken by it     ${median(wake).toFixed(2)} ms (${ratio.toFixed(2)}x; target <= 3x)` +
      (ratio > 3 ? '  ABOVE TARGET' : ''),
  );
}

async function stopTimeout(): Promise<void> {
  const timeoutMs = 50;
  const took: number[] = [];
  for (let i = 0; i < 10; i++) {
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    const handler: RequestHandler = () => {
      entered();
      return new Promise(() => {});
    };
    const server = await startServer(handler, {
      listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
      limits: {},
      logger: silentLogger,
    });
    const socket = connect({ port: server.boundListeners[0]!.port, host: '127.0.0.1' });
    socket.on('error', () => {});
    const frame = Buffer.alloc(12);
    frame.writeInt32BE(8, 0);
    frame.writeInt16BE(18, 4);
    frame.writeInt32BE(1, 8);
    socket.write(frame);
    await inHandler;
    const t0 = performance.now();
    await server.stop({ timeoutMs });
    took.push(performance.now() - t0);
    socket.destroy();
  }
  const ratio = median(took) / timeoutMs;
  console.log(
    `stop with a stuck handler ${median(took).toFixed(1)} ms for timeoutMs ${timeoutMs} ` +
      `(${ratio.toFixed(2)}x; target <= 2x)${ratio > 2 ? '  ABOVE TARGET' : ''}`,
  );
}

await longPoll();
await stopTimeout();
