import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ClientError, Cluster, Connection, parseServers } from '../../src/client/index.js';
import { createMetadataRequest } from '../../src/protocol/index.js';
import { FakeBroker } from './support/fake-broker.js';

test('negotiates the highest common version and pipelines requests', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.maxVersions.set(ApiKey.Metadata, 7);
  const c = await Connection.connect('127.0.0.1', broker.port);
  t.after(() => c.close());
  assert.equal(c.versionFor(ApiKey.Metadata), 7);
  assert.equal(c.versionFor(ApiKey.Produce), 12);
  const body = createMetadataRequest({ topics: [], allowAutoTopicCreation: false });
  const answers = await Promise.all(
    [1, 2, 3].map(() => c.send<{ clusterId: string }>(ApiKey.Metadata, body)),
  );
  assert.deepEqual(
    answers.map((a) => a.clusterId),
    ['fake-cluster', 'fake-cluster', 'fake-cluster'],
  );
  assert.deepEqual(
    broker.received.filter((r) => r.apiKey === ApiKey.Metadata).map((r) => r.apiVersion),
    [7, 7, 7],
  );
});

test('an unanswered request times out with a retriable error and closes the connection', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.silent.add(ApiKey.Metadata);
  const c = await Connection.connect('127.0.0.1', broker.port, { requestTimeoutMs: 50 });
  const err = await c.send(ApiKey.Metadata, createMetadataRequest()).catch((e: unknown) => e);
  assert.ok(err instanceof ClientError);
  assert.equal(err.code, 'ERR_REQUEST_TIMEOUT');
  assert.equal(err.retriable, true);
  assert.equal(c.isOpen, false);
});

test('a lost connection fails pending requests with ERR_CONNECTION', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.silent.add(ApiKey.Metadata);
  const c = await Connection.connect('127.0.0.1', broker.port);
  const pending = c.send(ApiKey.Metadata, createMetadataRequest());
  setTimeout(() => broker.dropConnections(), 10);
  await assert.rejects(
    pending,
    (e: unknown) => e instanceof ClientError && e.code === 'ERR_CONNECTION',
  );
});

test('connecting to a closed port fails with a message naming the address', async () => {
  const broker = new FakeBroker();
  await broker.start();
  const port = broker.port;
  await broker.stop();
  await assert.rejects(Connection.connect('127.0.0.1', port), new RegExp(`127.0.0.1:${port}`));
});

test('cluster bootstrap loads brokers and retries topic metadata until leaders exist', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('orders', 3);
  broker.faults.set(ApiKey.Metadata, [5, 5]);
  const cluster = new Cluster({ bootstrapServers: broker.bootstrap, retryBackoffMs: 1 });
  t.after(() => cluster.close());
  await cluster.connect();
  assert.deepEqual([...cluster.brokers.keys()], [1]);
  const topic = await cluster.topicMetadata('orders');
  assert.equal(topic.partitions.length, 3);
  assert.equal(cluster.leaderFor('orders', 2), 1);
});

test('parseServers accepts lists, commas, IPv6 and rejects bad ports', () => {
  assert.deepEqual(parseServers('a:1, b:2'), [
    { host: 'a', port: 1 },
    { host: 'b', port: 2 },
  ]);
  assert.deepEqual(parseServers(['[::1]:9093']), [{ host: '::1', port: 9093 }]);
  assert.throws(() => parseServers('a:x'), /bad server address/);
});
