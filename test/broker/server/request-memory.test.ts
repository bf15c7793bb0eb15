// queued.max.request.bytes, max.connections.per.ip(.overrides) on a started broker: clients that
// send most of a large frame and stop cannot make the broker hold more than the bound; a
// well-behaved client waits while the bound is reached and is served once memory is freed;
// the count returns to zero when the connections close.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../../src/index.js';
import { RequestMemory } from '../../../src/broker/server/request-memory.js';
import { waitFor } from '../../support/wait.js';

const { Kafka, logLevel } = kafkajs;
const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 60_000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

/** The most one read of one connection adds beyond the bound (the shared read buffer). */
const READ_BYTES = 256 * 1024;

/** A raw connection that announces a frame of `frameBytes` and sends `sentBytes` of it. */
async function halfSend(port: number, frameBytes: number, sentBytes: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.on('error', () => {});
  const start = Buffer.alloc(4 + sentBytes, 7);
  start.writeInt32BE(frameBytes, 0);
  start.writeInt16BE(0, 4); // a Produce request header, as a real producer's would start
  start.writeInt16BE(9, 6);
  socket.write(start);
  return socket;
}

test('half-sent large frames stay within queued.max.request.bytes; a client waits, then is served; the count returns to zero', async () => {
  const limit = 2 * 1024 * 1024;
  const broker = await startBroker({
    config: { 'socket.request.max.bytes': limit / 2, 'queued.max.request.bytes': limit },
  });
  brokers.push(broker);
  assert.equal(broker.network().requestBytesLimit, limit);
  const kafka = new Kafka({
    brokers: [broker.bootstrap],
    clientId: 'well-behaved',
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'orders', messages: [{ value: 'before' }] });

  // Ten clients announce frames of half the bound and send 90% of them. Two are admitted and
  // reach the bound; the others, and the producer, stop being read.
  const frameBytes = limit / 2 - 4;
  const attackers: Socket[] = [];
  for (let i = 0; i < 10; i++) {
    attackers.push(await halfSend(broker.port, frameBytes, Math.floor(frameBytes * 0.9)));
  }
  await waitFor('the bound to be reached', () => {
    const n = broker.network();
    return n.requestBytes >= limit && n.waitingForMemory >= 8;
  });
  const sent = producer.send({ topic: 'orders', messages: [{ value: 'during' }] });
  // The attackers hold their memory until they go. Every connection but the two admitted ones
  // is not read meanwhile: the eight other attackers and the producer's.
  const held = broker.network();
  assert.ok(held.requestBytes <= limit + READ_BYTES, `${held.requestBytes} bytes held`);
  assert.equal(held.waitingForMemory, held.connections - 2);
  assert.ok(held.connections > 10, 'the producer is connected');

  for (const socket of attackers) socket.destroy();
  const [result] = await sent;
  assert.equal(result!.errorCode, 0);

  const consumer = kafka.consumer({ groupId: 'reader' });
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders', fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          values.push(message.value!.toString());
          if (values.length === 2) resolve();
        },
      })
      .catch(reject);
  });
  assert.deepEqual(values, ['before', 'during']);
  await consumer.disconnect();
  await producer.disconnect();

  await waitFor('every connection to close', () => broker.network().connections === 0);
  const after = broker.network();
  assert.equal(after.requestBytes, 0);
  assert.equal(after.waitingForMemory, 0);
  assert.ok(after.requestBytesPeak >= limit, `peak ${after.requestBytesPeak}`);
  assert.ok(after.requestBytesPeak <= limit + READ_BYTES, `peak ${after.requestBytesPeak}`);
});

test('max.connections.per.ip closes connections beyond the limit; overrides raise it for one address', async () => {
  const closedAtOnce = async (broker: Broker): Promise<boolean> => {
    const socket = connect(broker.port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    // A refused connection is closed by the broker without a byte; an accepted one answers.
    const frame = Buffer.alloc(4 + 10);
    frame.writeInt32BE(10, 0);
    frame.writeInt16BE(18, 4); // ApiVersions v0, correlation id 1, no client id
    frame.writeInt16BE(0, 6);
    frame.writeInt32BE(1, 8);
    frame.writeInt16BE(-1, 12);
    socket.write(frame);
    const outcome = await Promise.race([
      once(socket, 'data').then(() => 'answered'),
      once(socket, 'close').then(() => 'closed'),
    ]);
    opened.push(socket);
    return outcome === 'closed';
  };
  const opened: Socket[] = [];
  const limited = await startBroker({ config: { 'max.connections.per.ip': 2 } });
  brokers.push(limited);
  assert.deepEqual(
    [await closedAtOnce(limited), await closedAtOnce(limited), await closedAtOnce(limited)],
    [false, false, true],
  );
  const overridden = await startBroker({
    config: {
      'max.connections.per.ip': 1,
      'max.connections.per.ip.overrides': '10.0.0.1:5,127.0.0.1:3',
    },
  });
  brokers.push(overridden);
  const outcomes: boolean[] = [];
  for (let i = 0; i < 4; i++) outcomes.push(await closedAtOnce(overridden));
  assert.deepEqual(outcomes, [false, false, false, true]);
  for (const socket of opened) socket.destroy();
});

test('RequestMemory admits frames in arrival order and only within the limit', async () => {
  const woken: string[] = [];
  const waiter = (name: string, memory: () => RequestMemory, bytes: number) => {
    const w = {
      memoryAvailable: () => {
        if (memory().tryReserve(bytes, w)) woken.push(name);
      },
    };
    return w;
  };
  let exhausted = 0;
  const memory: RequestMemory = new RequestMemory(100, () => exhausted++);
  const a = waiter('a', () => memory, 60);
  const b = waiter('b', () => memory, 50);
  assert.equal(memory.tryReserve(60, a), true);
  assert.equal(memory.tryReserve(50, b), false, '110 > 100');
  // b waits; a later, smaller request that would fit does not jump ahead of it.
  const c = waiter('c', () => memory, 10);
  assert.equal(memory.tryReserve(10, c), false);
  memory.add(40);
  assert.equal(exhausted, 1, 'bytes already read are counted even beyond the limit');
  memory.release(60);
  await Promise.resolve();
  assert.deepEqual(woken, ['b', 'c']);
  assert.equal(memory.usedBytes, 40 + 50 + 10);
  assert.equal(memory.peakBytes, 100);
  // At the limit nobody is woken; below it, the first waiter that does not fit stops the rest.
  const d = waiter('d', () => memory, 30);
  const e = waiter('e', () => memory, 1);
  assert.equal(memory.tryReserve(30, d), false);
  assert.equal(memory.tryReserve(1, e), false);
  memory.release(10);
  await Promise.resolve();
  assert.deepEqual(woken, ['b', 'c'], 'd needs 30 of the 10 free; e waits behind it');
  memory.release(50);
  await Promise.resolve();
  assert.deepEqual(woken, ['b', 'c', 'd', 'e']);
  assert.throws(() => memory.release(1000), /below zero/);
});
