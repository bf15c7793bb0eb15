import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import { apiByKey, ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));
async function broker(): Promise<Broker> {
  const b = await startBroker({ port: 0 });
  brokers.push(b);
  return b;
}

test('ApiVersions v0-4 lists every handled API within the 4.3.1 spec ranges', async () => {
  const b = await broker();
  const client = await ProtocolClient.connect(b.port);
  for (const version of [0, 1, 2, 3, 4]) {
    const body = { clientSoftwareName: 'rivulet-test', clientSoftwareVersion: '1.0.0' };
    const res = await client.request(18, version, body);
    assert.equal(res.errorCode, ErrorCode.NONE, `v${version}`);
    const keys = res.apiKeys.map((k: { apiKey: number }) => k.apiKey);
    assert.ok(keys.includes(18) && keys.includes(3), `v${version}: ${keys}`);
    for (const k of res.apiKeys) {
      const spec = apiByKey(k.apiKey)!;
      assert.ok(k.maxVersion <= spec.maxVersion!, `key ${k.apiKey}`);
      if (k.apiKey !== 0) assert.ok(k.minVersion >= spec.minVersion!, `key ${k.apiKey}`);
    }
    if (version >= 3) {
      assert.deepEqual(
        res.finalizedFeatures.map((f: { name: string }) => f.name),
        ['metadata.version'],
      );
      assert.ok(res.finalizedFeaturesEpoch >= 0n);
    }
  }
  client.close();
});

test('ApiVersions v3+ with a malformed client software name is INVALID_REQUEST', async () => {
  const b = await broker();
  const client = await ProtocolClient.connect(b.port);
  const res = await client.request(18, 3, {
    clientSoftwareName: '-bad name',
    clientSoftwareVersion: '1',
  });
  assert.equal(res.errorCode, ErrorCode.INVALID_REQUEST);
  client.close();
});

test('ApiVersions at an unknown version answers UNSUPPORTED_VERSION with its own range', async () => {
  const b = await broker();
  const client = await ProtocolClient.connect(b.port);
  const frame = Buffer.alloc(14);
  frame.writeInt32BE(10, 0);
  frame.writeInt16BE(18, 4);
  frame.writeInt16BE(7, 6);
  frame.writeInt32BE(42, 8);
  frame.writeInt16BE(-1, 12);
  client.socket.write(frame);
  const [answer] = await client.waitFrames(1);
  assert.equal(answer!.readInt32BE(0), 42);
  assert.equal(answer!.readInt16BE(4), ErrorCode.UNSUPPORTED_VERSION);
  assert.equal(answer!.readInt32BE(6), 1);
  assert.deepEqual(
    [answer!.readInt16BE(10), answer!.readInt16BE(12), answer!.readInt16BE(14)],
    [18, 0, 4],
  );
  client.close();
});

test('a request at an unsupported version of another API closes the connection', async () => {
  const b = await broker();
  const client = await ProtocolClient.connect(b.port);
  const frame = Buffer.alloc(14);
  frame.writeInt32BE(10, 0);
  frame.writeInt16BE(3, 4);
  frame.writeInt16BE(14, 6);
  frame.writeInt32BE(1, 8);
  frame.writeInt16BE(-1, 12);
  client.socket.write(frame);
  await client.waitClosed();
});

test('a body that does not decode closes only that connection', async () => {
  const b = await broker();
  const bad = await ProtocolClient.connect(b.port);
  const good = await ProtocolClient.connect(b.port);
  const frame = Buffer.alloc(16);
  frame.writeInt32BE(12, 0);
  frame.writeInt16BE(3, 4);
  frame.writeInt16BE(1, 6);
  frame.writeInt32BE(1, 8);
  frame.writeInt16BE(-1, 12);
  frame.writeInt16BE(0x7fff, 14); // a topic count the frame cannot hold
  bad.socket.write(frame);
  await bad.waitClosed();
  const res = await good.request(18, 2, {});
  assert.equal(res.errorCode, ErrorCode.NONE);
  good.close();
});
