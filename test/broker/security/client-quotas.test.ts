// Client quotas: AlterClientQuotas / DescribeClientQuotas with user, client-id and default
// entities, validation and authorization; replay after a restart; Kafka's precedence of
// user/client-id/default combinations; and a throttled Produce answering throttle_time_ms.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startBroker } from '../../../src/index.js';
import { resolveQuota } from '../../../src/broker/security/index.js';
import { ClientQuotaImage } from '../../../src/metadata/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { SECURED } from './secured-broker.js';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const user = (name: string | null) => ({ entityType: 'user', entityName: name });
const client = (name: string | null) => ({ entityType: 'client-id', entityName: name });
const set = (key: string, value: number) => ({ key, value, remove: false });

test('AlterClientQuotas and DescribeClientQuotas round trip, with filters and after a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-quotas-'));
  dirs.push(dataDir);
  let broker = await startBroker({ port: 0, dataDir });
  let admin = await ProtocolClient.connect(broker.port);
  try {
    const altered = await admin.request(49, 1, {
      validateOnly: false,
      entries: [
        { entity: [user('alice')], ops: [set('producer_byte_rate', 1048576)] },
        { entity: [user('alice'), client('app')], ops: [set('consumer_byte_rate', 2048)] },
        { entity: [user(null)], ops: [set('request_percentage', 50.5)] },
        { entity: [client(null)], ops: [set('controller_mutation_rate', 10)] },
        { entity: [client('x')], ops: [set('producer_byte_rate', 1.5)] },
        { entity: [client('x')], ops: [set('no_such_quota', 1)] },
        { entity: [user('a'), user('b')], ops: [set('producer_byte_rate', 1)] },
      ],
    });
    assert.deepEqual(
      altered.entries.map((e: { errorCode: number }) => e.errorCode),
      [0, 0, 0, 0, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST],
    );
    const describe = (components: unknown[], strict = false) =>
      admin.request(48, 1, { components, strict });
    const all = await describe([]);
    assert.equal(all.entries.length, 4);
    const alice = await describe([{ entityType: 'user', matchType: 0, match: 'alice' }]);
    assert.equal(alice.entries.length, 2);
    const strict = await describe([{ entityType: 'user', matchType: 0, match: 'alice' }], true);
    assert.deepEqual(strict.entries, [
      { entity: [user('alice')], values: [{ key: 'producer_byte_rate', value: 1048576 }] },
    ]);
    const defaults = await describe([{ entityType: 'user', matchType: 1, match: null }]);
    assert.deepEqual(defaults.entries[0].entity, [user(null)]);
    const named = await describe([{ entityType: 'client-id', matchType: 2, match: null }]);
    assert.equal(named.entries.length, 1);
    const bad = await describe([{ entityType: 'user', matchType: 0, match: null }]);
    assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);

    admin.close();
    await broker.close();
    broker = await startBroker({ port: 0, dataDir });
    admin = await ProtocolClient.connect(broker.port);
    assert.equal((await describe([])).entries.length, 4);
    const removed = await admin.request(49, 0, {
      validateOnly: false,
      entries: [
        {
          entity: [user('alice')],
          ops: [{ key: 'producer_byte_rate', value: 0, remove: true }],
        },
      ],
    });
    assert.equal(removed.entries[0].errorCode, 0);
    assert.equal((await describe([])).entries.length, 3);
  } finally {
    admin.close();
    await broker.close();
  }
});

test('the quota APIs need DESCRIBE_CONFIGS / ALTER_CONFIGS on the cluster', async () => {
  const broker = await startBroker(SECURED);
  const alice = await ProtocolClient.connect(broker.port, { clientId: 'alice' });
  try {
    const described = await alice.request(48, 1, { components: [], strict: false });
    assert.equal(described.errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    assert.equal(described.entries, null);
    const altered = await alice.request(49, 1, {
      validateOnly: false,
      entries: [{ entity: [user('alice')], ops: [set('producer_byte_rate', 1)] }],
    });
    assert.equal(altered.entries[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  } finally {
    alice.close();
    await broker.close();
  }
});

test("Kafka's precedence: user+client, user+default client, user, default user…, client, default client", () => {
  const quotas = new ClientQuotaImage();
  const put = (entity: ReturnType<typeof user>[], value: number) =>
    quotas.apply({ entity, key: 'producer_byte_rate', value, remove: false });
  put([client(null)], 8);
  const who = { user: 'alice', clientId: 'app' };
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 8);
  put([client('app')], 7);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 7);
  put([user(null)], 6);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 6);
  put([user(null), client(null)], 5);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 5);
  put([user(null), client('app')], 4);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 4);
  put([user('alice')], 3);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 3);
  put([user('alice'), client(null)], 2);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 2);
  put([user('alice'), client('app')], 1);
  assert.equal(resolveQuota(quotas, who, 'producer_byte_rate')?.bound, 1);
  assert.equal(resolveQuota(quotas, who, 'consumer_byte_rate'), null);
  // Another user of the same client id falls to the default user's quota.
  assert.equal(
    resolveQuota(quotas, { user: 'bob', clientId: 'app' }, 'producer_byte_rate')?.bound,
    4,
  );
});

test('a produce over producer_byte_rate answers throttle_time_ms', async () => {
  const broker = await startBroker({ port: 0 });
  const admin = await ProtocolClient.connect(broker.port);
  const producer = await ProtocolClient.connect(broker.port, { clientId: 'tiny' });
  try {
    await admin.request(19, 7, {
      timeoutMs: 5000,
      validateOnly: false,
      topics: [
        { name: 't', numPartitions: 1, replicationFactor: -1, assignments: [], configs: [] },
      ],
    });
    await admin.request(49, 1, {
      validateOnly: false,
      entries: [{ entity: [client('tiny')], ops: [set('producer_byte_rate', 1024)] }],
    });
    const records = encodeRecordBatchSync([{ key: null, value: Buffer.alloc(100_000) }], {
      timestamp: 1,
    });
    const res = await producer.request(0, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 5000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
    });
    assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
    // 100 kB over a 10 s minimum window at 1 kB/s: about (10 - 1) × 10 s of throttle.
    assert.ok(res.throttleTimeMs > 10_000, `throttle_time_ms ${res.throttleTimeMs}`);
    // An admin without a quota is not throttled.
    const other = await admin.request(3, 12, {
      topics: null,
      allowAutoTopicCreation: false,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    assert.equal(other.throttleTimeMs, 0);
  } finally {
    admin.close();
    producer.close();
    await broker.close();
  }
});
