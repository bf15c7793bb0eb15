// controller_mutation_rate (KIP-599) with real admin clients: Rivulet's admin client (CreateTopics
// v7, strict) gets THROTTLING_QUOTA_EXCEEDED for the topics past the burst while those before
// it are created; confluent-kafka-python (librdkafka 2.0.2 sends CreateTopics v4, which predates
// KIP-599) has its topics created and sees the throttle time through its throttle_cb; KafkaJS
// (CreateTopics v3) has its topics created past the burst too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startBroker } from '../../src/index.js';
import { Admin } from '../../src/client/index.js';
import { ErrorCode } from '../../src/protocol/index.js';
import kafkajs from 'kafkajs';
import { confluent } from './support/clients.js';

async function withQuota(admin: Admin, clientId: string, rate: number): Promise<void> {
  const [error] = await admin.alterClientQuotas([
    { entity: { 'client-id': clientId }, ops: [{ key: 'controller_mutation_rate', value: rate }] },
  ]);
  assert.equal(error, null);
}

test('the admin client, confluent-kafka-python and KafkaJS under controller_mutation_rate', async (t) => {
  const broker = await startBroker({ port: 0 });
  const admin = new Admin({ bootstrapServers: broker.bootstrap, clientId: 'operator' });
  const limited = new Admin({ bootstrapServers: broker.bootstrap, clientId: 'limited' });
  t.after(async () => {
    limited.close();
    admin.close();
    await broker.close();
  });
  await admin.connect();
  // 1 partition/s with 11 samples of 1 s: a burst of 11 partitions.
  await withQuota(admin, 'limited', 1);
  await withQuota(admin, 'rdkafka-limited', 1);
  await withQuota(admin, 'kafkajs-limited', 1);

  await limited.connect();
  const created = await limited.createTopics([
    { name: 'x', numPartitions: 10 },
    { name: 'y', numPartitions: 10 },
    { name: 'z', numPartitions: 1 },
  ]);
  // x fits; y is admitted on the one token left and overdraws the bucket; z is refused.
  assert.deepEqual(
    created.map((r) => [r.name, r.errorCode]),
    [
      ['x', ErrorCode.NONE],
      ['y', ErrorCode.NONE],
      ['z', ErrorCode.THROTTLING_QUOTA_EXCEEDED],
    ],
  );
  assert.deepEqual(await admin.listTopics(), ['x', 'y']);

  const python = await confluent<{ errors: Record<string, string | null>; throttles: number[] }>(
    'create_topics_throttled',
    {
      bootstrap: broker.bootstrap,
      client_id: 'rdkafka-limited',
      topics: [
        { name: 'p', partitions: 8 },
        { name: 'q', partitions: 8 },
      ],
    },
  );
  assert.deepEqual(python.errors, { p: null, q: null });
  assert.ok(
    python.throttles.some((s) => s > 0),
    `throttle_cb saw ${JSON.stringify(python.throttles)}`,
  );
  assert.deepEqual(await admin.listTopics(), ['p', 'q', 'x', 'y']);

  const kafka = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    clientId: 'kafkajs-limited',
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const kafkajsAdmin = kafka.admin();
  await kafkajsAdmin.connect();
  try {
    const createdByKafkajs = await kafkajsAdmin.createTopics({
      topics: ['k1', 'k2'].map((topic) => ({ topic, numPartitions: 8 })),
    });
    assert.equal(createdByKafkajs, true);
  } finally {
    await kafkajsAdmin.disconnect();
  }
  assert.deepEqual(await admin.listTopics(), ['k1', 'k2', 'p', 'q', 'x', 'y']);
});
