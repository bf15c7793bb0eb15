// KafkaJS 2.2.4 (classic, non-flexible versions) against a broker started here: the admin
// client and the idempotent producer. Records are read back with kcat and ListOffsets.
// KafkaJS's consumer needs consumer groups (JoinGroup/SyncGroup/OffsetCommit), which this
// broker does not have yet, so it is not exercised here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../src/index.js';
import { kcat } from './support/clients.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;

let broker: Broker;
let kafka: InstanceType<typeof Kafka>;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'num.partitions': 2 } });
  kafka = new Kafka({
    clientId: 'rivulet-interop',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 50 },
  });
});
after(() => broker.close());

async function withAdmin<T>(use: (admin: kafkajs.Admin) => Promise<T>): Promise<T> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

test('KafkaJS admin manages topics, partitions and configs', async () => {
  await withAdmin(async (admin) => {
    const created = await admin.createTopics({
      topics: [
        {
          topic: 'kjs-admin',
          numPartitions: 3,
          configEntries: [{ name: 'retention.ms', value: '120000' }],
        },
      ],
    });
    assert.equal(created, true);
    assert.equal(
      await admin.createTopics({ topics: [{ topic: 'kjs-admin' }] }),
      false,
      'exists already',
    );
    assert.ok((await admin.listTopics()).includes('kjs-admin'));

    const md = await admin.fetchTopicMetadata({ topics: ['kjs-admin'] });
    assert.deepEqual(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]).sort(), [
      [0, 1],
      [1, 1],
      [2, 1],
    ]);

    const describe = async () => {
      const r = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-admin' }],
      });
      const entries = r.resources[0]!.configEntries;
      return new Map(entries.map((e) => [e.configName, e.configValue]));
    };
    assert.equal((await describe()).get('retention.ms'), '120000');
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'kjs-admin',
          configEntries: [{ name: 'retention.ms', value: '240000' }],
        },
      ],
    });
    assert.equal((await describe()).get('retention.ms'), '240000');

    await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-admin', count: 5 }] });
    const wider = await admin.fetchTopicMetadata({ topics: ['kjs-admin'] });
    assert.equal(wider.topics[0]!.partitions.length, 5);

    await admin.deleteTopics({ topics: ['kjs-admin'] });
    assert.ok(!(await admin.listTopics()).includes('kjs-admin'));
  });
});

test('the KafkaJS idempotent producer writes what kcat reads back', async () => {
  const topic = 'kjs-produce';
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sent: { partition: number; baseOffset: string }[] = [];
  try {
    for (let round = 0; round < 3; round++) {
      const result = await producer.send({
        topic,
        acks: -1,
        messages: Array.from({ length: 10 }, (_, i) => ({
          key: `r${round}-${i}`,
          value: `value-${round}-${i}`,
          partition: 0,
          headers: { round: String(round) },
        })),
      });
      sent.push(...result.map((r) => ({ partition: r.partition, baseOffset: r.baseOffset ?? '' })));
    }
  } finally {
    await producer.disconnect();
  }
  assert.deepEqual(
    sent.map((s) => s.baseOffset),
    ['0', '10', '20'],
  );

  const offsets = await withAdmin((admin) => admin.fetchTopicOffsets(topic));
  const p0 = offsets.find((o) => o.partition === 0)!;
  assert.deepEqual([p0.low, p0.high], ['0', '30']);

  const out = await kcat(
    ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-J'],
    undefined,
    30_000,
  );
  const read = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) => JSON.parse(l) as { offset: number; key: string; payload: string; headers: string[] },
    );
  assert.equal(read.length, 30);
  assert.deepEqual(read[13], {
    ...read[13],
    offset: 13,
    key: 'r1-3',
    payload: 'value-1-3',
    headers: ['round', '1'],
  });
});

test('KafkaJS finds offsets by timestamp and deletes records', async () => {
  const topic = 'kjs-offsets';
  const producer = kafka.producer();
  await producer.connect();
  const base = Date.now() - 100_000;
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({
        value: `v${i}`,
        partition: 1,
        timestamp: String(base + i * 1000),
      })),
    });
  } finally {
    await producer.disconnect();
  }
  await withAdmin(async (admin) => {
    const byTime = await admin.fetchTopicOffsetsByTimestamp(topic, base + 4500);
    assert.equal(byTime.find((o) => o.partition === 1)?.offset, '5');
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 1, offset: '3' }] });
    const after = await admin.fetchTopicOffsets(topic);
    const p1 = after.find((o) => o.partition === 1)!;
    assert.deepEqual([p1.low, p1.high], ['3', '10']);
  });
});
