// Each metric family of /metrics follows the events that drive it: produce and fetch, requests
// and their errors, connections, log offsets, replica state, topics, groups and consumer lag.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import {
  ErrorCode,
  createJoinGroupRequest,
  createOffsetCommitRequest,
  createSyncGroupRequest,
} from '../../../src/protocol/index.js';
import { MemoryMetricsRegistry, systemEnvironment } from '../../../src/util/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { batch, createTopic, fetchBody, produceBody } from '../handlers/data-helpers.js';
import { scrape, valueOf } from './scrape.js';

const brokers: Broker[] = [];
const clients: ProtocolClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  await Promise.all(brokers.map((b) => b.close()));
});

async function broker(config: Record<string, string | number> = {}): Promise<Broker> {
  const b = await startBroker({
    port: 0,
    config: {
      'metrics.listener': 'http://127.0.0.1:0',
      'group.initial.rebalance.delay.ms': 0,
      ...config,
    },
  });
  brokers.push(b);
  return b;
}

async function client(b: Broker): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(b.port);
  clients.push(c);
  return c;
}

const BTM = 'kafka_server_brokertopicmetrics_';

test('the endpoint is off unless metrics.listener is set, and a malformed one is refused', async () => {
  const plain = await startBroker({ port: 0 });
  brokers.push(plain);
  assert.equal(plain.metrics, null);
  await assert.rejects(
    startBroker({ port: 0, config: { 'metrics.listener': 'localhost:9404' } }),
    /metrics\.listener=localhost:9404: 'localhost:9404' is not http:\/\/host:port/,
  );
});

test('broker topic metrics count produced and fetched messages and bytes, and failures', async () => {
  const b = await broker();
  const c = await client(b);
  await createTopic(c, 'orders');
  const records = batch(['a', 'b', 'c']);
  const produced = await c.request(0, 9, produceBody('orders', [{ index: 0, records }]));
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, 0);
  let m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, `${BTM}messagesin_total`, { topic: 'orders' }), 3);
  assert.equal(valueOf(m, `${BTM}messagesin_total`), 3);
  assert.equal(valueOf(m, `${BTM}bytesin_total`, { topic: 'orders' }), records.length);
  assert.equal(valueOf(m, `${BTM}totalproducerequests_total`, { topic: 'orders' }), 1);
  assert.equal(valueOf(m, `${BTM}bytesout_total`, { topic: 'orders' }), 0);

  const fetched = await c.request(1, 12, fetchBody('orders', [{ partition: 0, fetchOffset: 0 }]));
  assert.equal(fetched.responses[0].partitions[0].records.length, records.length);
  // A topic nobody created is refused: it counts in the totals, never as a label of its own.
  const unknown = await c.request(0, 9, produceBody('nope', [{ index: 0, records }]));
  assert.equal(
    unknown.responses[0].partitionResponses[0].errorCode,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  );
  await c.request(1, 12, fetchBody('nope', [{ partition: 0, fetchOffset: 0 }]));
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, `${BTM}bytesout_total`, { topic: 'orders' }), records.length);
  assert.equal(valueOf(m, `${BTM}totalfetchrequests_total`, { topic: 'orders' }), 1);
  assert.equal(valueOf(m, `${BTM}failedproducerequests_total`), 1);
  assert.equal(valueOf(m, `${BTM}failedfetchrequests_total`), 1);
  assert.equal(valueOf(m, `${BTM}failedproducerequests_total`, { topic: 'nope' }), undefined);
  assert.equal(valueOf(m, `${BTM}messagesin_total`), 3);
});

test('a batch refused for its size counts as rejected bytes and a failed produce', async () => {
  const b = await broker({ 'message.max.bytes': 200 });
  const c = await client(b);
  await createTopic(c, 'small');
  const big = batch(['x'.repeat(400)]);
  const res = await c.request(0, 9, produceBody('small', [{ index: 0, records: big }]));
  assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  const m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, `${BTM}bytesrejected_total`, { topic: 'small' }), big.length);
  assert.equal(valueOf(m, `${BTM}failedproducerequests_total`, { topic: 'small' }), 1);
  assert.equal(valueOf(m, `${BTM}messagesin_total`, { topic: 'small' }), 0);
});

test('request metrics count requests per API and version, error codes and stage times', async () => {
  const b = await broker();
  const c = await client(b);
  await createTopic(c, 'r');
  for (let i = 0; i < 3; i++)
    await c.request(0, 9, produceBody('r', [{ index: 0, records: batch(['v']) }]));
  await c.request(0, 9, produceBody('missing', [{ index: 0, records: batch(['v']) }]));
  const m = await scrape(b.metrics!.url);
  const req = 'kafka_network_requestmetrics_';
  assert.equal(valueOf(m, `${req}requests_total`, { request: 'Produce', version: 9 }), 4);
  assert.equal(valueOf(m, `${req}errors_total`, { request: 'Produce', error: 'NONE' }), 3);
  assert.equal(
    valueOf(m, `${req}errors_total`, { request: 'Produce', error: 'UNKNOWN_TOPIC_OR_PARTITION' }),
    1,
  );
  assert.equal(valueOf(m, `${req}totaltimems_count`, { request: 'Produce' }), 4);
  assert.equal(valueOf(m, `${req}totaltimems_bucket`, { request: 'Produce', le: '+Inf' }), 4);
  assert.ok(valueOf(m, `${req}totaltimems_sum`, { request: 'Produce' })! > 0);
  for (const time of [
    'requestqueuetimems',
    'localtimems',
    'remotetimems',
    'responsequeuetimems',
    'responsesendtimems',
  ]) {
    assert.equal(valueOf(m, `${req}${time}_count`, { request: 'Produce' }), 4, time);
  }
  // acks=1 never waits for the ISR.
  assert.equal(valueOf(m, `${req}remotetimems_bucket`, { request: 'Produce', le: 0.1 }), 4);
  assert.equal(valueOf(m, `${req}throttletimems_bucket`, { request: 'Produce', le: 0.1 }), 4);
  assert.equal(valueOf(m, `${req}requests_total`, { request: 'Metadata', version: 12 }), 1);
});

test('connections are counted per listener as they open and close', async () => {
  const b = await broker();
  const conn = 'kafka_server_socket_server_metrics_connection_count';
  assert.equal(valueOf(await scrape(b.metrics!.url), conn, { listener: 'PLAINTEXT' }), 0);
  const one = await client(b);
  const two = await client(b);
  await one.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
  await two.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
  assert.equal(valueOf(await scrape(b.metrics!.url), conn, { listener: 'PLAINTEXT' }), 2);
  two.close();
  await two.closed;
  let count = 2;
  while (count !== 1)
    count = valueOf(await scrape(b.metrics!.url), conn, { listener: 'PLAINTEXT' })!;
  const idle = valueOf(
    await scrape(b.metrics!.url),
    'kafka_network_socketserver_networkprocessoravgidlepercent',
  )!;
  assert.ok(idle >= 0 && idle <= 1, `idle ratio ${idle}`);
});

test('log metrics give size, log end offset and log start offset per partition', async () => {
  const b = await broker();
  const c = await client(b);
  await createTopic(c, 'l');
  const first = batch(['1', '2']);
  const second = batch(['3', '4', '5']);
  await c.request(0, 9, produceBody('l', [{ index: 0, records: first }]));
  await c.request(0, 9, produceBody('l', [{ index: 0, records: second }]));
  let m = await scrape(b.metrics!.url);
  const p = { topic: 'l', partition: 0 };
  assert.equal(valueOf(m, 'kafka_log_log_size', p), first.length + second.length);
  assert.equal(valueOf(m, 'kafka_log_log_logendoffset', p), 5);
  assert.equal(valueOf(m, 'kafka_log_log_logstartoffset', p), 0);
  assert.equal(valueOf(m, 'kafka_log_log_numlogsegments', p), 1);
  const del = await c.request(21, 2, {
    topics: [{ name: 'l', partitions: [{ partitionIndex: 0, offset: 2n }] }],
    timeoutMs: 1000,
  });
  assert.equal(del.topics[0].partitions[0].errorCode, 0);
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, 'kafka_log_log_logstartoffset', p), 2);
  const dirs = [...m.keys()].filter((k) =>
    k.startsWith('kafka_log_logcleanermanager_uncleanable_partitions_count{'),
  );
  assert.deepEqual(
    dirs.map((k) => m.get(k)),
    [0],
  );
});

test('replica manager and controller gauges follow topics, leaders and min.insync.replicas', async () => {
  const b = await broker({ 'offsets.topic.num.partitions': 1, 'num.partitions': 3 });
  const c = await client(b);
  let m = await scrape(b.metrics!.url);
  const before = valueOf(m, 'kafka_server_replicamanager_partitioncount')!;
  await createTopic(c, 'three');
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_partitioncount'), before + 3);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_leadercount'), before + 3);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_underreplicatedpartitions'), 0);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_underminisrpartitioncount'), 0);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_offlinereplicacount'), 0);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_isrshrinks_total'), 0);
  assert.equal(valueOf(m, 'kafka_controller_kafkacontroller_activecontrollercount'), 1);
  assert.equal(valueOf(m, 'kafka_controller_kafkacontroller_offlinepartitionscount'), 0);
  const topics = valueOf(m, 'kafka_controller_kafkacontroller_globaltopiccount')!;
  assert.equal(valueOf(m, 'kafka_controller_kafkacontroller_globalpartitioncount'), before + 3);
  // One in-sync replica is fewer than two: every partition of the topic is under min ISR.
  const altered = await c.request(44, 1, {
    resources: [
      {
        resourceType: 2,
        resourceName: 'three',
        configs: [{ name: 'min.insync.replicas', configOperation: 0, value: '2' }],
      },
    ],
    validateOnly: false,
  });
  assert.equal(altered.responses[0].errorCode, 0);
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_underminisrpartitioncount'), 3);
  assert.equal(
    valueOf(m, 'kafka_cluster_partition_underminisr', { topic: 'three', partition: 1 }),
    1,
  );
  assert.equal(
    valueOf(m, 'kafka_cluster_partition_insyncreplicascount', { topic: 'three', partition: 1 }),
    1,
  );
  const deleted = await c.request(20, 6, {
    topics: [{ name: 'three', topicId: '00000000-0000-0000-0000-000000000000' }],
    topicNames: [],
    timeoutMs: 5000,
  });
  assert.equal(deleted.responses[0].errorCode, 0);
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, 'kafka_controller_kafkacontroller_globaltopiccount'), topics - 1);
  assert.equal(valueOf(m, 'kafka_server_replicamanager_partitioncount'), before);
});

test('a deleted topic loses its broker topic metrics', async () => {
  const b = await broker();
  const c = await client(b);
  await createTopic(c, 'gone');
  await c.request(0, 9, produceBody('gone', [{ index: 0, records: batch(['v']) }]));
  assert.equal(
    valueOf(await scrape(b.metrics!.url), `${BTM}messagesin_total`, { topic: 'gone' }),
    1,
  );
  await c.request(20, 1, { topics: [], topicNames: ['gone'], timeoutMs: 5000 });
  const m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, `${BTM}messagesin_total`, { topic: 'gone' }), undefined);
  assert.equal(valueOf(m, `${BTM}messagesin_total`), 1);
});

test('group metrics follow a group through its rebalance; lag is the high watermark minus the commit', async () => {
  const b = await broker();
  const c = await client(b);
  await createTopic(c, 'events');
  await c.request(
    0,
    9,
    produceBody('events', [{ index: 0, records: batch(['1', '2', '3', '4', '5']) }]),
  );
  const join = (memberId: string) =>
    c.request(
      11,
      7,
      createJoinGroupRequest({
        groupId: 'readers',
        memberId,
        protocolType: 'consumer',
        sessionTimeoutMs: 30000,
        rebalanceTimeoutMs: 30000,
        protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
      }),
    );
  const first = await join('');
  const joined = await join(first.memberId);
  assert.equal(joined.errorCode, 0);
  let m = await scrape(b.metrics!.url);
  const gmm = 'kafka_coordinator_group_groupmetadatamanager_';
  assert.equal(valueOf(m, `${gmm}numgroups`), 1);
  assert.equal(valueOf(m, `${gmm}numgroupscompletingrebalance`), 1);
  assert.equal(valueOf(m, `${gmm}numgroupsstable`), 0);
  assert.equal(
    valueOf(m, 'kafka_server_group_coordinator_metrics_group_completed_rebalance_count', {
      protocol: 'classic',
    }),
    1,
  );
  const synced = await c.request(
    14,
    5,
    createSyncGroupRequest({
      groupId: 'readers',
      memberId: joined.memberId,
      generationId: joined.generationId,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from('all') }],
    }),
  );
  assert.equal(synced.errorCode, 0);
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, `${gmm}numgroupsstable`), 1);
  assert.equal(valueOf(m, `${gmm}numgroupscompletingrebalance`), 0);
  const commit = await c.request(
    8,
    8,
    createOffsetCommitRequest({
      groupId: 'readers',
      memberId: joined.memberId,
      generationIdOrMemberEpoch: joined.generationId,
      topics: [
        {
          name: 'events',
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 2n,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            },
          ],
        },
      ],
    }),
  );
  assert.equal(commit.topics[0].partitions[0].errorCode, 0);
  m = await scrape(b.metrics!.url);
  const g = { consumergroup: 'readers', topic: 'events', partition: 0 };
  assert.equal(valueOf(m, 'kafka_consumergroup_current_offset', g), 2);
  assert.equal(valueOf(m, 'kafka_consumergroup_lag', g), 3);
  assert.equal(
    valueOf(m, 'kafka_consumergroup_lag_sum', { consumergroup: 'readers', topic: 'events' }),
    3,
  );
  assert.equal(
    valueOf(m, 'kafka_topic_partition_current_offset', { topic: 'events', partition: 0 }),
    5,
  );
  assert.equal(valueOf(m, `${gmm}numoffsets`), 1);
  // More records arrive; the group does not read them: its lag grows with the high watermark.
  await c.request(0, 9, produceBody('events', [{ index: 0, records: batch(['6', '7']) }]));
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, 'kafka_consumergroup_lag', g), 5);
});

test("Node's process metrics come from prom-client's defaults", async () => {
  const b = await broker();
  const m = await scrape(b.metrics!.url);
  for (const name of [
    'nodejs_eventloop_lag_seconds',
    'nodejs_heap_size_used_bytes',
    'process_cpu_seconds_total',
  ]) {
    assert.ok(valueOf(m, name) !== undefined, name);
  }
});

test("what is recorded in the Environment's metrics registry is exported too", async () => {
  const metrics = new MemoryMetricsRegistry();
  const b = await startBroker({
    port: 0,
    config: { 'metrics.listener': 'http://127.0.0.1:0' },
    environment: systemEnvironment({ metrics }),
  });
  brokers.push(b);
  const throttled = metrics.counter({
    name: 'kafka_server_produce_throttled_total',
    help: 'test counter',
    labelNames: ['user'],
  });
  throttled.inc({ user: 'alice' }, 2);
  metrics
    .histogram({ name: 'test_wait_seconds', help: 'test', buckets: [1] })
    .observe(undefined, 0.5);
  // A family named like one of the broker's own is not exported twice.
  metrics
    .gauge({ name: 'kafka_server_replicamanager_leadercount', help: 'shadow' })
    .set(undefined, -7);
  const text = await (await fetch(b.metrics!.url)).text();
  const m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, 'kafka_server_produce_throttled_total', { user: 'alice' }), 2);
  assert.equal(valueOf(m, 'test_wait_seconds_bucket', { le: 1 }), 1);
  assert.equal(valueOf(m, 'test_wait_seconds_count'), 1);
  assert.equal(text.match(/^# TYPE kafka_server_replicamanager_leadercount /gm)?.length, 1);
  assert.notEqual(valueOf(m, 'kafka_server_replicamanager_leadercount'), -7);
});

test('log flush times are observed for each flush of a partition log', async () => {
  const b = await broker();
  const c = await client(b);
  await createTopic(c, 'durable');
  const flush = 'kafka_log_logflushstats_logflushrateandtimems_count';
  const before = valueOf(await scrape(b.metrics!.url), flush)!;
  const altered = await c.request(44, 1, {
    resources: [
      {
        resourceType: 2,
        resourceName: 'durable',
        configs: [{ name: 'flush.messages', configOperation: 0, value: '1' }],
      },
    ],
    validateOnly: false,
  });
  assert.equal(altered.responses[0].errorCode, 0);
  // acks=-1 with flush.messages=1 is answered after the fsync of the batch.
  for (let i = 0; i < 3; i++) {
    const res = await c.request(
      0,
      9,
      produceBody('durable', [{ index: 0, records: batch(['v']) }]),
    );
    assert.equal(res.responses[0].partitionResponses[0].errorCode, 0);
  }
  const m = await scrape(b.metrics!.url);
  assert.ok(valueOf(m, flush)! >= before + 3, `${valueOf(m, flush)} flushes after ${before}`);
  assert.equal(
    valueOf(m, 'kafka_log_logflushstats_logflushrateandtimems_bucket', { le: '+Inf' }),
    valueOf(m, flush),
  );
});

test('KIP-848 consumer groups are counted by state, with their rebalances', async () => {
  const b = await broker({ 'num.partitions': 2 });
  const c = await client(b);
  await createTopic(c, 'kip848');
  const heartbeat = (memberId: string, memberEpoch: number) =>
    c.request(68, 1, {
      groupId: 'cg',
      memberId,
      memberEpoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: memberEpoch === 0 ? ['kip848'] : null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: memberEpoch === 0 ? [] : null,
    });
  const joined = await heartbeat('m1', 0);
  assert.equal(joined.errorCode, 0);
  const count = 'kafka_server_group_coordinator_metrics_consumer_group_count';
  const rebalances = 'kafka_server_group_coordinator_metrics_group_completed_rebalance_count';
  let m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, count, { state: 'stable' }), 1);
  assert.equal(valueOf(m, rebalances, { protocol: 'consumer' }), 1);
  assert.equal(valueOf(m, rebalances, { protocol: 'classic' }), 0);
  assert.equal(valueOf(m, 'kafka_coordinator_group_groupmetadatamanager_numgroups'), 0);
  const left = await heartbeat('m1', -1);
  assert.equal(left.memberEpoch, -1);
  m = await scrape(b.metrics!.url);
  assert.equal(valueOf(m, count, { state: 'stable' }), undefined);
  assert.equal(valueOf(m, count, { state: 'empty' }), 1);
  assert.equal(valueOf(m, rebalances, { protocol: 'consumer' }), 2);
});
