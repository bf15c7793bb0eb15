import { after, test as nodeTest } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { startBroker, type Broker, type StartBrokerOptions } from '../../../src/index.js';
import { ErrorCode, ZERO_UUID } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));
async function broker(options: StartBrokerOptions = {}): Promise<Broker> {
  const b = await startBroker({ port: 0, ...options });
  brokers.push(b);
  return b;
}

const topic = (name: string | null, topicId = ZERO_UUID) => ({ name, topicId });
const request = (topics: unknown, allow = true) => ({
  topics,
  allowAutoTopicCreation: allow,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
});

test('Metadata auto-creates a topic with num.partitions and answers it at once', async () => {
  const b = await broker({ config: { 'num.partitions': 3 } });
  const client = await ProtocolClient.connect(b.port);
  const res = await client.request(3, 12, request([topic('orders'), topic('orders')]));
  assert.equal(res.topics.length, 1);
  assert.equal(res.clusterId.length, 22);
  assert.equal(res.controllerId, 1);
  assert.deepEqual(res.brokers, [{ nodeId: 1, host: '127.0.0.1', port: b.port, rack: null }]);
  const [t] = res.topics;
  assert.equal(t.errorCode, ErrorCode.NONE);
  assert.equal(t.name, 'orders');
  assert.notEqual(t.topicId, ZERO_UUID);
  assert.deepEqual(
    t.partitions.map((p: { partitionIndex: number; leaderId: number; leaderEpoch: number }) => [
      p.partitionIndex,
      p.leaderId,
      p.leaderEpoch,
    ]),
    [
      [0, 1, 0],
      [1, 1, 0],
      [2, 1, 0],
    ],
  );
  // The same id again, by name and by id; every version down to v0 lists it.
  const again = await client.request(3, 12, request([topic(null, t.topicId)]));
  assert.equal(again.topics[0].name, 'orders');
  for (const version of [0, 1, 4, 9]) {
    const all = await client.request(3, version, request(version === 0 ? [] : null));
    assert.deepEqual(
      all.topics.map((x: { name: string }) => x.name),
      ['orders'],
      `v${version}`,
    );
  }
  client.close();
});

test('Metadata errors: invalid names, unknown ids, auto-creation off or not allowed', async () => {
  const b = await broker({ config: { 'auto.create.topics.enable': false } });
  const client = await ProtocolClient.connect(b.port);
  const res = await client.request(
    3,
    12,
    request([
      topic('bad name!'),
      topic('missing'),
      topic(null, '11111111-2222-3333-4444-555555555555'),
    ]),
  );
  assert.deepEqual(
    res.topics.map((t: { errorCode: number }) => t.errorCode),
    [
      ErrorCode.INVALID_TOPIC_EXCEPTION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_ID,
    ],
  );
  const b2 = await broker();
  const client2 = await ProtocolClient.connect(b2.port);
  const notAllowed = await client2.request(3, 4, request([topic('x')], false));
  assert.equal(notAllowed.topics[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const empty = await client2.request(3, 4, request([]));
  assert.deepEqual(empty.topics, []);
  client.close();
  client2.close();
});

test('Metadata reports authorized operations when asked (v8+)', async () => {
  const b = await broker();
  const client = await ProtocolClient.connect(b.port);
  const res = await client.request(3, 10, {
    ...request([topic('__internal_x')]),
    includeClusterAuthorizedOperations: true,
    includeTopicAuthorizedOperations: true,
  });
  assert.ok(res.clusterAuthorizedOperations > 0);
  assert.ok(res.topics[0].topicAuthorizedOperations > 0);
  // Only Kafka's own internal topics are internal; other `__` names are ordinary topics.
  assert.equal(res.topics[0].isInternal, false);
  client.close();
});

test('topics, their ids and the cluster id survive a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rivulet-meta-'));
  try {
    const first = await startBroker({ port: 0, dataDir });
    let client = await ProtocolClient.connect(first.port);
    const before = await client.request(3, 12, request([topic('kept'), topic('also.kept')]));
    client.close();
    await first.close();
    const second = await startBroker({ port: 0, dataDir });
    client = await ProtocolClient.connect(second.port);
    const after = await client.request(3, 12, request(null));
    client.close();
    await second.close();
    assert.equal(after.clusterId, before.clusterId);
    const ids = (res: { topics: { name: string; topicId: string }[] }) =>
      res.topics.map((t) => `${t.name}:${t.topicId}`).sort();
    assert.deepEqual(ids(after), ids(before));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('auto-created coordinator topics get their own partition counts and configs', async () => {
  const b = await broker({
    config: { 'offsets.topic.num.partitions': 4, 'transaction.state.log.num.partitions': 2 },
  });
  const client = await ProtocolClient.connect(b.port);
  const res = await client.request(
    3,
    12,
    request([topic('__consumer_offsets'), topic('__transaction_state')]),
  );
  assert.deepEqual(
    res.topics.map((t: { name: string; isInternal: boolean; partitions: unknown[] }) => [
      t.name,
      t.isInternal,
      t.partitions.length,
    ]),
    [
      ['__consumer_offsets', true, 4],
      ['__transaction_state', true, 2],
    ],
  );
  const configs = await client.request(32, 4, {
    resources: [
      {
        resourceType: 2,
        resourceName: '__consumer_offsets',
        configurationKeys: ['cleanup.policy'],
      },
    ],
    includeSynonyms: false,
    includeDocumentation: false,
  });
  assert.equal(configs.results[0].configs[0].value, 'compact');
  client.close();
});
