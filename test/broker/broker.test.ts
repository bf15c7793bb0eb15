import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker as start, type Broker, type StartBrokerOptions } from '../../src/index.js';
import type { HandlerFactory } from '../../src/broker/index.js';
import { ProtocolClient } from '../support/protocol-client.js';

// A failing test must fail, not hang: bound each test and close every broker afterwards.
const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));
async function startBroker(options: StartBrokerOptions): Promise<Broker> {
  const broker = await start(options);
  brokers.push(broker);
  return broker;
}

// Answers with the node id, so a test can tell brokers apart.
const whoAmI: HandlerFactory = (broker) => ({
  apiKey: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  handle: () => Promise.reject(new Error('not used')),
  handleFrame: async (ctx) => {
    const out = Buffer.alloc(8);
    out.writeInt32BE(ctx.correlationId, 0);
    out.writeInt32BE(broker.config.nodeId, 4);
    return [out];
  },
});

// How fast it is ready is measured by `npm run bench footprint`, not asserted here.
test('startBroker on port 0 reports its bootstrap address and answers at once', async () => {
  const broker = await startBroker({ port: 0, handlers: [whoAmI] });
  assert.ok(broker.port > 0);
  assert.equal(broker.bootstrap, `127.0.0.1:${broker.port}`);
  assert.ok(existsSync(broker.dataDir));
  const client = await ProtocolClient.connect(broker.port);
  client.send(18, 7);
  assert.equal((await client.waitFrames(1))[0]!.readInt32BE(0), 7);
  client.socket.destroy();
  await broker.close();
  assert.ok(!existsSync(broker.dataDir), 'a temporary data dir is removed on close');
});

test('two brokers in one process keep separate configs and ports', async () => {
  const a = await startBroker({ handlers: [whoAmI], config: { 'node.id': 1 } });
  const b = await startBroker({ handlers: [whoAmI], config: { 'node.id': 2 } });
  assert.notEqual(a.port, b.port);
  for (const [broker, id] of [
    [a, 1],
    [b, 2],
  ] as const) {
    const client = await ProtocolClient.connect(broker.port);
    client.send(18, 5);
    const [frame] = await client.waitFrames(1);
    assert.equal(frame!.readInt32BE(4), id);
    client.socket.destroy();
  }
  await a.close();
  await b.close();
});

test('requests for unknown APIs or unsupported versions close the connection', async () => {
  const broker = await startBroker({ handlers: [whoAmI] });
  const unknown = await ProtocolClient.connect(broker.port);
  unknown.send(1000, 1);
  await unknown.waitClosed();
  const tooNew = await ProtocolClient.connect(broker.port);
  const header = Buffer.alloc(12);
  header.writeInt32BE(8, 0);
  header.writeInt16BE(18, 4);
  header.writeInt16BE(99, 6);
  tooNew.socket.write(header);
  // ApiVersions is answered at any version (UNSUPPORTED_VERSION, so the client can retry).
  const [answer] = await tooNew.waitFrames(1);
  assert.equal(answer!.readInt16BE(4), 35);
  tooNew.socket.destroy();
  await broker.close();
});

test('a given dataDir is created and kept', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-test-'));
  const dataDir = join(root, 'nested', 'data');
  const broker = await startBroker({ dataDir });
  assert.equal(broker.dataDir, dataDir);
  assert.deepEqual(broker.config.logDirs, [dataDir]);
  await broker.close();
  assert.ok(existsSync(dataDir));
  rmSync(root, { recursive: true });
});

test('an invalid configuration rejects with every bad key named; warnings are logged', async () => {
  await assert.rejects(
    startBroker({ config: { 'num.partitions': 0, 'message.max.bytes': 'x' } }),
    /num\.partitions[\s\S]*message\.max\.bytes/,
  );
  const warnings: string[] = [];
  const logger = { info() {}, debug() {}, error() {}, warn: (m: string) => warnings.push(m) };
  const broker = await startBroker({ config: { 'no.such.key': 1 }, logger });
  assert.deepEqual(warnings, ['no.such.key: unknown configuration key; ignored']);
  await broker.close();
});
