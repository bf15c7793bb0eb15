// API v3 against a broker: clusters, brokers and their configs, topics with configs,
// partitions and replicas, consumer groups with consumers, assignments and lags, each in
// Confluent's resource shape (kind, metadata.self, related links) and error bodies.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupConsumer, Producer } from '../../src/client/index.js';
import { waitFor } from '../support/wait.js';
import { startBrokerAndProxy, type RestFixture } from './support/rest-fixture.js';

let f: RestFixture;
let c: string;
before(async () => {
  f = await startBrokerAndProxy();
  c = `/v3/clusters/${f.clusterId}`;
});
after(() => f.close());

test('clusters: the list, one cluster with its links, and 404 for another id', async () => {
  const list = await f.call('GET', '/v3/clusters');
  assert.equal(list.status, 200);
  assert.match(list.contentType, /^application\/json/);
  assert.equal(list.body.kind, 'KafkaClusterList');
  assert.equal(list.body.metadata.self, `${f.proxy.url}/v3/clusters`);
  const one = await f.call('GET', c);
  assert.equal(one.body.kind, 'KafkaCluster');
  assert.equal(one.body.cluster_id, f.clusterId);
  assert.equal(one.body.metadata.self, `${f.proxy.url}${c}`);
  assert.equal(one.body.metadata.resource_name, `crn:///kafka=${f.clusterId}`);
  assert.equal(one.body.topics.related, `${f.proxy.url}${c}/topics`);
  assert.equal(one.body.controller.related, `${f.proxy.url}${c}/brokers/${f.broker.nodeId}`);
  const other = await f.call('GET', '/v3/clusters/not-this-one/topics');
  assert.equal(other.status, 404);
  assert.equal(other.body.error_code, 404);
});

test('brokers and broker configs: get, set, reset, batch alter, every broker with -', async () => {
  const id = f.broker.nodeId;
  const brokers = await f.call('GET', `${c}/brokers`);
  assert.equal(brokers.body.kind, 'KafkaBrokerList');
  assert.deepEqual(
    brokers.body.data.map((b: { broker_id: number }) => b.broker_id),
    [id],
  );
  const broker = await f.call('GET', `${c}/brokers/${id}`);
  assert.equal(broker.body.kind, 'KafkaBroker');
  assert.equal(typeof broker.body.port, 'number');
  assert.equal((await f.call('GET', `${c}/brokers/999`)).status, 404);

  const path = `${c}/brokers/${id}/configs/log.retention.ms`;
  const put = await f.call('PUT', path, { body: { value: '7200000' } });
  assert.equal(put.status, 204, put.text);
  const got = await f.call('GET', path);
  assert.equal(got.body.kind, 'KafkaBrokerConfig');
  assert.equal(got.body.value, '7200000');
  assert.equal(got.body.source, 'DYNAMIC_BROKER_CONFIG');
  assert.equal((await f.call('DELETE', path)).status, 204);
  assert.notEqual((await f.call('GET', path)).body.source, 'DYNAMIC_BROKER_CONFIG');

  const alter = await f.call('POST', `${c}/brokers/${id}/configs:alter`, {
    body: { data: [{ name: 'log.retention.ms', value: '3600000' }] },
  });
  assert.equal(alter.status, 204, alter.text);
  assert.equal((await f.call('GET', path)).body.value, '3600000');
  const all = await f.call('GET', `${c}/brokers/-/configs`);
  assert.equal(all.body.kind, 'KafkaBrokerConfigList');
  assert.ok(all.body.data.some((e: { name: string }) => e.name === 'log.retention.ms'));
  const refused = await f.call('PUT', `${c}/brokers/${id}/configs/listeners`, {
    body: { value: 'PLAINTEXT://:1' },
  });
  assert.equal(refused.status, 400, refused.text);
});

test('topics: create with configs, get, list, configs get/put/delete/alter, delete', async () => {
  const created = await f.call('POST', `${c}/topics`, {
    body: {
      topic_name: 'v3-topic',
      partitions_count: 3,
      replication_factor: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    },
  });
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.kind, 'KafkaTopic');
  assert.equal(created.body.partitions_count, 3);
  assert.equal(created.body.replication_factor, 1);
  assert.equal(created.body.metadata.resource_name, `crn:///kafka=${f.clusterId}/topic=v3-topic`);
  const again = await f.call('POST', `${c}/topics`, { body: { topic_name: 'v3-topic' } });
  assert.equal(again.status, 400);
  assert.equal(again.body.error_code, 40002);

  const list = await f.call('GET', `${c}/topics`);
  assert.ok(list.body.data.some((t: { topic_name: string }) => t.topic_name === 'v3-topic'));
  const cfg = await f.call('GET', `${c}/topics/v3-topic/configs/cleanup.policy`);
  assert.equal(cfg.body.kind, 'KafkaTopicConfig');
  assert.equal(cfg.body.value, 'compact');
  assert.equal(cfg.body.is_default, false);

  const path = `${c}/topics/v3-topic/configs/retention.ms`;
  assert.equal((await f.call('PUT', path, { body: { value: '60000' } })).status, 204);
  assert.equal((await f.call('GET', path)).body.value, '60000');
  assert.equal((await f.call('DELETE', path)).status, 204);
  // The topic now follows the broker's value (set dynamically by the test before).
  assert.notEqual((await f.call('GET', path)).body.source, 'DYNAMIC_TOPIC_CONFIG');
  const batch = await f.call('POST', `${c}/topics/v3-topic/configs:alter`, {
    body: {
      data: [
        { name: 'retention.ms', value: '120000' },
        { name: 'cleanup.policy', operation: 'DELETE' },
      ],
    },
  });
  assert.equal(batch.status, 204, batch.text);
  const configs = await f.call('GET', `${c}/topics/v3-topic/configs`);
  const byName = new Map(
    configs.body.data.map((e: { name: string; value: string }) => [e.name, e.value]),
  );
  assert.equal(byName.get('retention.ms'), '120000');
  assert.equal(byName.get('cleanup.policy'), 'delete');
  const bad = await f.call('PUT', path, { body: { value: 'not-a-number' } });
  assert.equal(bad.status, 400, bad.text);

  assert.equal((await f.call('DELETE', `${c}/topics/v3-topic`)).status, 204);
  const gone = await f.call('GET', `${c}/topics/v3-topic`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error_code, 40403);
});

test('partitions and replicas', async () => {
  await f.call('POST', `${c}/topics`, { body: { topic_name: 'v3-parts', partitions_count: 2 } });
  const parts = await f.call('GET', `${c}/topics/v3-parts/partitions`);
  assert.equal(parts.body.kind, 'KafkaPartitionList');
  assert.deepEqual(
    parts.body.data.map((p: { partition_id: number }) => p.partition_id),
    [0, 1],
  );
  const p1 = await f.call('GET', `${c}/topics/v3-parts/partitions/1`);
  assert.equal(p1.body.kind, 'KafkaPartition');
  assert.equal(
    p1.body.leader.related,
    `${f.proxy.url}${c}/topics/v3-parts/partitions/1/replicas/${f.broker.nodeId}`,
  );
  const replicas = await f.call('GET', `${c}/topics/v3-parts/partitions/1/replicas`);
  assert.equal(replicas.body.data[0].is_leader, true);
  assert.equal(replicas.body.data[0].is_in_sync, true);
  const replica = await f.call(
    'GET',
    `${c}/topics/v3-parts/partitions/1/replicas/${f.broker.nodeId}`,
  );
  assert.equal(replica.body.kind, 'KafkaReplica');
  assert.equal((await f.call('GET', `${c}/topics/v3-parts/partitions/7`)).status, 404);
});

test('consumer groups: group, consumers, assignments, lags and the lag summary', async () => {
  await f.call('POST', `${c}/topics`, { body: { topic_name: 'v3-lag', partitions_count: 2 } });
  const producer = new Producer({ bootstrapServers: f.broker.bootstrap });
  await producer.connect();
  for (let i = 0; i < 10; i++) {
    await producer.send({ topic: 'v3-lag', partition: i < 7 ? 0 : 1, value: `v${i}` });
  }
  await producer.close();
  const consumer = new GroupConsumer({
    bootstrapServers: f.broker.bootstrap,
    groupId: 'v3-group',
    clientId: 'lag-client',
    autoOffsetReset: 'earliest',
    autoCommit: false,
  });
  await consumer.connect();
  consumer.subscribe(['v3-lag']);
  try {
    await waitFor('both partitions assigned', () => consumer.assignment().length === 2);
    // Commit 2 of partition 0's 7 records and 1 of partition 1's 3: lags 5 and 2.
    await consumer.commit([
      { topic: 'v3-lag', partition: 0, offset: 2n },
      { topic: 'v3-lag', partition: 1, offset: 1n },
    ]);
    const g = `${c}/consumer-groups/v3-group`;
    const group = await f.call('GET', g);
    assert.equal(group.body.kind, 'KafkaConsumerGroup');
    assert.equal(group.body.state, 'STABLE');
    assert.equal(group.body.is_simple, false);
    const listed = await f.call('GET', `${c}/consumer-groups`);
    assert.ok(
      listed.body.data.some(
        (x: { consumer_group_id: string }) => x.consumer_group_id === 'v3-group',
      ),
    );
    const consumers = await f.call('GET', `${g}/consumers`);
    assert.equal(consumers.body.data.length, 1);
    const member = consumers.body.data[0];
    assert.equal(member.client_id, 'lag-client');
    const one = await f.call('GET', `${g}/consumers/${member.consumer_id}`);
    assert.equal(one.body.kind, 'KafkaConsumer');
    const assignments = await f.call('GET', `${g}/consumers/${member.consumer_id}/assignments`);
    assert.deepEqual(
      assignments.body.data.map((a: { partition_id: number }) => a.partition_id).sort(),
      [0, 1],
    );
    const lags = await f.call('GET', `${g}/lags`);
    assert.deepEqual(
      lags.body.data.map((l: { partition_id: number; lag: number; log_end_offset: number }) => [
        l.partition_id,
        l.log_end_offset,
        l.lag,
      ]),
      [
        [0, 7, 5],
        [1, 3, 2],
      ],
    );
    const lag1 = await f.call('GET', `${g}/lags/v3-lag/partitions/1`);
    assert.equal(lag1.body.kind, 'KafkaConsumerLag');
    assert.equal(lag1.body.current_offset, 1);
    const summary = await f.call('GET', `${g}/lag-summary`);
    assert.equal(summary.body.kind, 'KafkaConsumerGroupLagSummary');
    assert.equal(summary.body.max_lag, 5);
    assert.equal(summary.body.total_lag, 7);
    assert.equal(summary.body.max_lag_partition_id, 0);
    assert.equal(summary.body.max_lag_client_id, 'lag-client');
    assert.equal((await f.call('GET', `${c}/consumer-groups/no-such-group`)).status, 404);
  } finally {
    await consumer.close();
  }
});
