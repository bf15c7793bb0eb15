// API v2 against a broker: topic and partition metadata and offsets, produce with the binary
// and json embedded formats, and consumer instances (subscribe, poll, commit, assign, seek,
// max_bytes, the Accept check, expiry that leaves the group, and instances of another proxy).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../src/client/index.js';
import { run } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';
import {
  pollRecords,
  restCaller,
  startBrokerAndProxy,
  V2,
  V2_BINARY,
  V2_JSON,
  type RestFixture,
} from './support/rest-fixture.js';

let f: RestFixture;
const b64 = (s: string) => Buffer.from(s).toString('base64');
before(async () => {
  f = await startBrokerAndProxy();
  const c = `/v3/clusters/${f.clusterId}`;
  await f.call('POST', `${c}/topics`, { body: { topic_name: 'v2-topic', partitions_count: 2 } });
});
after(() => f.close());

test('topics, partitions and offsets', async () => {
  const topics = await f.call('GET', '/topics');
  assert.equal(topics.status, 200);
  assert.match(topics.contentType, /^application\/vnd\.kafka\.v2\+json/);
  assert.ok(topics.body.includes('v2-topic'));
  const topic = await f.call('GET', '/topics/v2-topic');
  assert.equal(topic.body.name, 'v2-topic');
  assert.equal(topic.body.configs['cleanup.policy'], 'delete');
  assert.equal(topic.body.partitions.length, 2);
  assert.deepEqual(topic.body.partitions[0].replicas, [
    { broker: f.broker.nodeId, leader: true, in_sync: true },
  ]);
  const p1 = await f.call('GET', '/topics/v2-topic/partitions/1');
  assert.equal(p1.body.partition, 1);
  assert.equal(p1.body.leader, f.broker.nodeId);
  const missing = await f.call('GET', '/topics/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error_code, 40401);
  const noPartition = await f.call('GET', '/topics/v2-topic/partitions/5');
  assert.equal(noPartition.body.error_code, 40402);

  const produced = await f.call('POST', '/topics/v2-topic/partitions/1', {
    contentType: V2_BINARY,
    body: { records: [{ value: b64('a') }, { key: b64('k'), value: b64('b') }] },
  });
  assert.equal(produced.status, 200, produced.text);
  assert.deepEqual(
    produced.body.offsets.map((o: { partition: number; offset: number }) => [
      o.partition,
      o.offset,
    ]),
    [
      [1, 0],
      [1, 1],
    ],
  );
  const offsets = await f.call('GET', '/topics/v2-topic/partitions/1/offsets');
  assert.deepEqual(offsets.body, { beginning_offset: 0, end_offset: 2 });
});

test('a subscribed consumer polls, commits and reads its committed offsets', async () => {
  const created = await f.call('POST', '/consumers/v2-group', {
    contentType: V2,
    body: {
      name: 'c1',
      format: 'json',
      'auto.offset.reset': 'earliest',
      'auto.commit.enable': 'false',
    },
  });
  assert.equal(created.status, 200, created.text);
  assert.deepEqual(created.body, {
    instance_id: 'c1',
    base_uri: `${f.proxy.url}/consumers/v2-group/instances/c1`,
  });
  const again = await f.call('POST', '/consumers/v2-group', {
    contentType: V2,
    body: { name: 'c1' },
  });
  assert.equal(again.status, 409);
  assert.equal(again.body.error_code, 40902);

  await f.call('POST', `/v3/clusters/${f.clusterId}/topics`, { body: { topic_name: 'v2-json' } });
  await f.call('POST', '/topics/v2-json', {
    contentType: V2_JSON,
    body: {
      records: [
        { partition: 0, key: 'k1', value: { n: 1 } },
        { partition: 0, value: [1, 2, 3] },
      ],
    },
  });
  const at = '/consumers/v2-group/instances/c1';
  const sub = await f.call('POST', `${at}/subscription`, {
    contentType: V2,
    body: { topics: ['v2-json'] },
  });
  assert.equal(sub.status, 204);
  assert.deepEqual((await f.call('GET', `${at}/subscription`)).body, { topics: ['v2-json'] });
  const mismatch = await f.call('GET', `${at}/records`, { accept: V2_BINARY });
  assert.equal(mismatch.status, 406);
  assert.equal(mismatch.body.error_code, 40601);

  const got = await pollRecords(f.call, at, 2, V2_JSON);
  assert.deepEqual(got, [
    { topic: 'v2-json', key: 'k1', value: { n: 1 }, partition: 0, offset: 0 },
    { topic: 'v2-json', key: null, value: [1, 2, 3], partition: 0, offset: 1 },
  ]);
  const commit = await f.call('POST', `${at}/offsets`, { contentType: V2 });
  assert.equal(commit.status, 204, commit.text);
  const committed = await f.call('GET', `${at}/offsets?partitions=v2-json:0`);
  assert.deepEqual(committed.body.offsets, [
    { topic: 'v2-json', partition: 0, offset: 2, metadata: '' },
  ]);
  // Confluent's clients name the partitions in a GET body, as curl sends it here.
  const curl = await run('curl', [
    '-s',
    '-X',
    'GET',
    '-H',
    `Content-Type: ${V2}`,
    '--data',
    JSON.stringify({ partitions: [{ topic: 'v2-json', partition: 0 }] }),
    `${f.proxy.url}${at}/offsets`,
  ]);
  assert.equal(curl.code, 0, curl.stderr);
  assert.deepEqual(JSON.parse(curl.stdout).offsets, [
    { topic: 'v2-json', partition: 0, offset: 2, metadata: '' },
  ]);
  const badBody = await run('curl', [
    '-s',
    '-X',
    'GET',
    '-H',
    `Content-Type: ${V2}`,
    '--data',
    '{"partitions": "v2-json"}',
    `${f.proxy.url}${at}/offsets`,
  ]);
  assert.equal(JSON.parse(badBody.stdout).error_code, 42203, badBody.stdout);
  assert.equal((await f.call('DELETE', `${at}/subscription`)).status, 204);
  assert.equal((await f.call('DELETE', at)).status, 204);
  const gone = await f.call('GET', `${at}/records`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error_code, 40403);
});

test('an assigned consumer seeks to offsets, the beginning and the end; max_bytes splits', async () => {
  await f.call('POST', '/consumers/v2-assign', {
    contentType: V2,
    body: { name: 'a1', format: 'binary', 'auto.offset.reset': 'earliest' },
  });
  const at = '/consumers/v2-assign/instances/a1';
  const tp = { topic: 'v2-topic', partition: 1 };
  const notAssigned = await f.call('POST', `${at}/positions/beginning`, {
    contentType: V2,
    body: { partitions: [tp] },
  });
  assert.equal(notAssigned.status, 409);
  assert.equal(notAssigned.body.error_code, 40903);
  assert.equal(
    (await f.call('POST', `${at}/assignments`, { contentType: V2, body: { partitions: [tp] } }))
      .status,
    204,
  );
  assert.deepEqual((await f.call('GET', `${at}/assignments`)).body, { partitions: [tp] });
  const all = await pollRecords(f.call, at, 2);
  assert.deepEqual(
    all.map((r) => r.offset),
    [0, 1],
  );
  await f.call('POST', `${at}/positions`, {
    contentType: V2,
    body: { offsets: [{ ...tp, offset: 1 }] },
  });
  const fromOne = await pollRecords(f.call, at, 1);
  assert.equal(fromOne[0].offset, 1);
  assert.equal(fromOne[0].value, b64('b'));
  await f.call('POST', `${at}/positions/beginning`, {
    contentType: V2,
    body: { partitions: [tp] },
  });
  // One byte of keys and values per poll: one record each time.
  const first = await f.call('GET', `${at}/records?max_bytes=1&timeout=5000`, {
    accept: V2_BINARY,
  });
  assert.equal(first.body.length, 1);
  assert.equal(first.body[0].offset, 0);
  const second = await f.call('GET', `${at}/records?max_bytes=1&timeout=5000`, {
    accept: V2_BINARY,
  });
  assert.deepEqual(
    second.body.map((r: { offset: number }) => r.offset),
    [1],
  );
  await f.call('POST', `${at}/positions/end`, { contentType: V2, body: { partitions: [tp] } });
  const none = await f.call('GET', `${at}/records?timeout=200`, { accept: V2_BINARY });
  assert.deepEqual(none.body, []);
  await f.call('POST', `${at}/offsets`, {
    contentType: V2,
    body: { offsets: [{ ...tp, offset: 1 }] },
  });
  const committed = await f.call('GET', `${at}/offsets`);
  assert.deepEqual(committed.body.offsets, [{ ...tp, offset: 1, metadata: '' }]);
  await f.call('DELETE', at);
});

test('an idle instance expires after consumer.instance.timeout.ms and leaves its group', async () => {
  const short = await startBrokerAndProxy({
    broker: f.broker,
    proxyConfig: { 'consumer.instance.timeout.ms': '300' },
  });
  const admin = new Admin({ bootstrapServers: f.broker.bootstrap });
  try {
    await short.call('POST', '/consumers/v2-expire', {
      contentType: V2,
      body: { name: 'e1', 'auto.offset.reset': 'earliest' },
    });
    const at = '/consumers/v2-expire/instances/e1';
    await short.call('POST', `${at}/subscription`, {
      contentType: V2,
      body: { topics: ['v2-topic'] },
    });
    await pollRecords(short.call, at, 1);
    const [before] = await admin.describeGroups(['v2-expire']);
    assert.equal(before!.members.length, 1);
    await waitFor('the instance to expire', () => short.proxy.consumerInstances === 0);
    await waitFor('the group to be empty', async () => {
      const [g] = await admin.describeGroups(['v2-expire']);
      return g!.state === 'Empty' && g!.members.length === 0;
    });
    assert.equal((await short.call('GET', `${at}/records`)).body.error_code, 40403);
  } finally {
    admin.close();
    await short.close();
  }
});

test('two proxies: each holds its own instances; the other answers 40403', async () => {
  const second = await startBrokerAndProxy({ broker: f.broker, proxyConfig: { id: 'second' } });
  try {
    const onFirst = await f.call('POST', '/consumers/v2-two', { contentType: V2, body: {} });
    const onSecond = await second.call('POST', '/consumers/v2-two', { contentType: V2, body: {} });
    assert.match(onSecond.body.instance_id, /^rest-consumer-second-/);
    assert.ok(onFirst.body.base_uri.startsWith(f.proxy.url));
    assert.ok(onSecond.body.base_uri.startsWith(second.proxy.url));
    const firstPath = new URL(onFirst.body.base_uri).pathname;
    const secondPath = new URL(onSecond.body.base_uri).pathname;
    const cross = await second.call('POST', `${firstPath}/subscription`, {
      contentType: V2,
      body: { topics: ['v2-topic'] },
    });
    assert.equal(cross.status, 404);
    assert.deepEqual(cross.body, { error_code: 40403, message: 'Consumer instance not found.' });
    const crossBack = await restCaller(f.proxy.url)('DELETE', secondPath);
    assert.equal(crossBack.body.error_code, 40403);
    assert.equal((await second.call('DELETE', secondPath)).status, 204);
    assert.equal((await f.call('DELETE', firstPath)).status, 204);
  } finally {
    await second.close();
  }
});
