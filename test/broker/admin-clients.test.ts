// Real clients driving the metadata and admin APIs: kcat, confluent-kafka-python and
// kafka-python (Debian packages), KafkaJS and @platformatic/kafka (in process).
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { Admin } from '@platformatic/kafka';
import { startBroker, type Broker, type StartBrokerOptions } from '../../src/index.js';
import { kcat, run } from '../interop/support/clients.js';
import { ProtocolClient } from '../support/protocol-client.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 60000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));
async function broker(options: StartBrokerOptions = {}): Promise<Broker> {
  const b = await startBroker({ port: 0, ...options });
  brokers.push(b);
  return b;
}

/** Runs a Python script with /usr/bin/python3; it prints one JSON document. */
async function python<T>(script: string, bootstrap: string): Promise<T> {
  const r = await run('/usr/bin/python3', ['-c', script, bootstrap], { timeoutMs: 45000 });
  if (r.code !== 0) throw new Error(`python exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout) as T;
}

test('kcat -L lists the broker and auto-created topics', async () => {
  const b = await broker({ config: { 'num.partitions': 3 } });
  const out = await kcat(['-b', b.bootstrap, '-L', '-t', 'listed', '-J']);
  const md = JSON.parse(out);
  assert.deepEqual(
    md.brokers.map((x: { id: number; name: string }) => [x.id, x.name]),
    [[1, b.bootstrap]],
  );
  const topic = md.topics.find((t: { topic: string }) => t.topic === 'listed');
  assert.equal(topic.partitions.length, 3);
  assert.ok(topic.partitions.every((p: { leader: number }) => p.leader === 1));
});

const CONFLUENT_ADMIN = `
import json, sys
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource
a = AdminClient({'bootstrap.servers': sys.argv[1]})
def err(f):
    try:
        f.result(); return None
    except KafkaException as e:
        return e.args[0].name()
out = {}
fs = a.create_topics([NewTopic('ck', 2, 1, config={'retention.ms': '12345'}),
                      NewTopic('ck-bad', 1, 1, config={'no.such.key': '1'})], operation_timeout=10)
out['create'] = {n: err(f) for n, f in fs.items()}
out['partitions'] = {n: err(f) for n, f in a.create_partitions([NewPartitions('ck', 4)]).items()}
def describe():
    (f,) = a.describe_configs([ConfigResource('topic', 'ck')]).values()
    c = f.result()
    return {k: [c[k].value, c[k].is_default] for k in ('retention.ms', 'cleanup.policy')}
out['described'] = describe()
r = ConfigResource('topic', 'ck', set_config={'cleanup.policy': 'compact'})
out['altered'] = [err(f) for f in a.alter_configs([r]).values()]
out['after_alter'] = describe()
(f,) = a.describe_configs([ConfigResource('broker', '1')]).values()
out['broker_num_partitions'] = f.result()['num.partitions'].value
md = a.list_topics(timeout=10)
out['topics'] = {n: len(t.partitions) for n, t in md.topics.items()}
out['cluster_id'] = md.cluster_id
out['deleted'] = {n: err(f) for n, f in a.delete_topics(['ck', 'nope'], operation_timeout=10).items()}
out['left'] = sorted(a.list_topics(timeout=10).topics)
print(json.dumps(out))
`;

test('confluent-kafka-python AdminClient: topics, partitions, configs', async () => {
  const b = await broker();
  const out = await python<Record<string, unknown>>(CONFLUENT_ADMIN, b.bootstrap);
  assert.deepEqual(out['create'], { ck: null, 'ck-bad': 'INVALID_CONFIG' });
  assert.deepEqual(out['partitions'], { ck: null });
  assert.deepEqual(out['described'], {
    'retention.ms': ['12345', false],
    'cleanup.policy': ['delete', true],
  });
  assert.deepEqual(out['altered'], [null]);
  // AlterConfigs replaces every override: retention.ms is back to its default.
  assert.deepEqual(out['after_alter'], {
    'retention.ms': ['604800000', true],
    'cleanup.policy': ['compact', false],
  });
  assert.equal(out['broker_num_partitions'], '1');
  assert.deepEqual(out['topics'], { ck: 4 });
  assert.equal(typeof out['cluster_id'], 'string');
  assert.deepEqual(out['deleted'], { ck: null, nope: 'UNKNOWN_TOPIC_OR_PART' });
  assert.deepEqual(out['left'], []);
});

const KAFKA_PYTHON_ADMIN = `
import json, sys
from kafka.admin import KafkaAdminClient, NewTopic, NewPartitions, ConfigResource, ConfigResourceType
a = KafkaAdminClient(bootstrap_servers=sys.argv[1])
out = {}
r = a.create_topics([NewTopic('kp', 2, 1, topic_configs={'retention.ms': '999'})])
out['create'] = [[t, e] for t, e, *_ in r.topic_errors]
r = a.create_partitions({'kp': NewPartitions(3)})
out['partitions'] = [[t, e] for t, e, *_ in r.topic_errors]
r = a.describe_configs([ConfigResource(ConfigResourceType.TOPIC, 'kp')])
out['retention'] = [e[1] for e in r[0].resources[0][4] if e[0] == 'retention.ms']
out['described'] = [[p['partition'], p['leader']] for p in a.describe_topics(['kp'])[0]['partitions']]
out['listed'] = sorted(a.list_topics())
r = a.delete_topics(['kp'])
out['deleted'] = [[t, e] for t, e in r.topic_error_codes]
out['left'] = sorted(a.list_topics())
a.close()
print(json.dumps(out))
`;

test('kafka-python admin: create, grow, describe, delete', async () => {
  const b = await broker();
  const again = await python<Record<string, unknown>>(KAFKA_PYTHON_ADMIN, b.bootstrap);
  assert.deepEqual(again['create'], [['kp', 0]]);
  assert.deepEqual(again['partitions'], [['kp', 0]]);
  assert.deepEqual(again['retention'], ['999']);
  assert.deepEqual(again['described'], [
    [0, 1],
    [1, 1],
    [2, 1],
  ]);
  assert.deepEqual(again['listed'], ['kp']);
  assert.deepEqual(again['deleted'], [['kp', 0]]);
  assert.deepEqual(again['left'], []);
});

test('KafkaJS admin: createTopics, fetchTopicMetadata, describeConfigs, deleteTopics', async () => {
  const b = await broker();
  const kafka = new kafkajs.Kafka({ brokers: [b.bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const config = [{ name: 'cleanup.policy', value: 'compact' }];
    const topics = [{ topic: 'kj', numPartitions: 2, configEntries: config }];
    assert.equal(await admin.createTopics({ topics }), true);
    assert.equal(await admin.createTopics({ topics: [{ topic: 'kj' }] }), false);
    await admin.createPartitions({ topicPartitions: [{ topic: 'kj', count: 3 }] });
    const md = await admin.fetchTopicMetadata({ topics: ['kj'] });
    assert.deepEqual(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]).sort(), [
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: kafkajs.ConfigResourceTypes.TOPIC, name: 'kj', configNames: ['cleanup.policy'] },
      ],
    });
    const entry = described.resources[0]!.configEntries[0]!;
    assert.deepEqual([entry.configName, entry.configValue], ['cleanup.policy', 'compact']);
    const cluster = await admin.describeCluster();
    assert.deepEqual([cluster.controller, cluster.brokers.length], [1, 1]);
    await admin.deleteTopics({ topics: ['kj'] });
    assert.deepEqual(await admin.listTopics(), []);
  } finally {
    await admin.disconnect();
  }
});

test('@platformatic/kafka admin: createTopics, listTopics, metadata, deleteTopics', async () => {
  const b = await broker();
  const admin = new Admin({ clientId: 'rivulet-test', bootstrapBrokers: [b.bootstrap] });
  try {
    const created = await admin.createTopics({ topics: ['pk'], partitions: 3, replicas: 1 });
    assert.equal(created[0]!.partitions, 3);
    assert.deepEqual(await admin.listTopics(), ['pk']);
    const md = await admin.metadata({ topics: ['pk'] });
    assert.equal(md.topics.get('pk')!.partitionsCount, 3);
    assert.equal(md.topics.get('pk')!.id, created[0]!.id);
    await admin.deleteTopics({ topics: ['pk'] });
    assert.deepEqual(await admin.listTopics(), []);
  } finally {
    await admin.close();
  }
});

test('topics and their configs survive a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rivulet-admin-'));
  try {
    const first = await startBroker({ port: 0, dataDir });
    const kafka = new kafkajs.Kafka({
      brokers: [first.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    const configEntries = [{ name: 'retention.ms', value: '4242' }];
    await admin.createTopics({ topics: [{ topic: 'durable', numPartitions: 2, configEntries }] });
    await admin.disconnect();
    await first.close();
    const second = await startBroker({ port: 0, dataDir });
    const client = await ProtocolClient.connect(second.port);
    const res = await client.request(32, 4, {
      resources: [
        { resourceType: 2, resourceName: 'durable', configurationKeys: ['retention.ms'] },
      ],
      includeSynonyms: false,
      includeDocumentation: false,
    });
    client.close();
    await second.close();
    assert.equal(res.results[0].errorCode, 0);
    assert.equal(res.results[0].configs[0].value, '4242');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
