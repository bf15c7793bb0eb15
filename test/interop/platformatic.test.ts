// @platformatic/kafka (flexible, recent versions: Produce v11, Metadata v12, CreateTopics v7)
// against a broker started here: the producer and the admin client. Its consumer needs
// consumer groups, which this broker does not have yet.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Admin,
  ConfigResourceTypes,
  IncrementalAlterConfigOperationTypes,
  Producer,
  stringSerializers,
} from '@platformatic/kafka';
import { startBroker, type Broker } from '../../src/index.js';
import { kcat } from './support/clients.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'num.partitions': 2 } });
});
after(() => broker.close());

const options = () => ({
  clientId: 'rivulet-interop',
  bootstrapBrokers: [broker.bootstrap],
  retries: 2,
});

test('the @platformatic/kafka idempotent producer writes what kcat reads back', async () => {
  const topic = 'pk-produce';
  const producer = new Producer({
    ...options(),
    serializers: stringSerializers,
    idempotent: true,
    autocreateTopics: true,
  });
  const admin = new Admin(options());
  try {
    const offsets: [number, bigint][] = [];
    for (let round = 0; round < 3; round++) {
      const result = await producer.send({
        acks: -1,
        messages: Array.from({ length: 5 }, (_, i) => ({
          topic,
          key: `k${round}-${i}`,
          value: `v${round}-${i}`,
          partition: 1,
          headers: new Map([['round', String(round)]]),
        })),
      });
      for (const o of result.offsets ?? []) offsets.push([o.partition, o.offset]);
    }
    assert.deepEqual(offsets, [
      [1, 0n],
      [1, 5n],
      [1, 10n],
    ]);
    const latest = await admin.listOffsets({
      topics: [{ name: topic, partitions: [{ partitionIndex: 1, timestamp: -1n }] }],
    });
    assert.equal(latest[0]!.partitions[0]!.offset, 15n);
  } finally {
    await producer.close();
    await admin.close();
  }
  const out = await kcat(
    ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '1', '-o', 'beginning', '-e', '-J'],
    undefined,
    30_000,
  );
  const read = out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) => JSON.parse(l) as { offset: number; key: string; payload: string; headers: string[] },
    );
  assert.equal(read.length, 15);
  assert.deepEqual(
    [read[7]!.offset, read[7]!.key, read[7]!.payload, read[7]!.headers],
    [7, 'k1-2', 'v1-2', ['round', '1']],
  );
});

test('@platformatic/kafka admin manages topics, partitions, configs and log dirs', async () => {
  const admin = new Admin(options());
  const topic = 'pk-admin';
  try {
    const [created] = await admin.createTopics({
      topics: [topic],
      partitions: 3,
      configs: [{ name: 'retention.ms', value: '90000' }],
    });
    assert.equal(created?.name, topic);
    assert.equal(created?.partitions, 3);
    assert.match(created?.id ?? '', /^[0-9a-f-]{36}$/);

    const md = await admin.metadata({ topics: [topic] });
    assert.equal(md.topics.get(topic)?.partitionsCount, 3);
    assert.equal(md.topics.get(topic)?.id, created?.id);
    assert.deepEqual([...md.brokers.keys()], [1]);

    const describe = async () => {
      const [d] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic }],
      });
      return new Map(d!.configs.map((c) => [c.name, c.value]));
    };
    assert.equal((await describe()).get('retention.ms'), '90000');
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: [
            {
              name: 'retention.ms',
              configOperation: IncrementalAlterConfigOperationTypes.DELETE,
            },
            {
              name: 'segment.bytes',
              configOperation: IncrementalAlterConfigOperationTypes.SET,
              value: '1048576',
            },
          ],
        },
      ],
    });
    const after = await describe();
    assert.equal(after.get('retention.ms'), '604800000', 'back to the default');
    assert.equal(after.get('segment.bytes'), '1048576');

    await admin.createPartitions({ topics: [{ name: topic, count: 4 }] });
    assert.equal(
      (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)
        ?.partitionsCount,
      4,
    );

    const dirs = await admin.describeLogDirs({
      topics: [{ name: topic, partitions: [0, 1, 2, 3] }],
    });
    const partitions = dirs.flatMap((d) =>
      d.results.flatMap((r) => r.topics.flatMap((t) => t.partitions)),
    );
    assert.equal(partitions.length, 4);

    await admin.deleteTopics({ topics: [topic] });
    const listed = await admin.listTopics();
    assert.ok(!listed.includes(topic));
  } finally {
    await admin.close();
  }
});
