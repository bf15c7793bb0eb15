// Real clients against the security APIs of a plaintext broker with no authorizer: a SASL
// client gets a readable handshake error (and the broker keeps serving others), KafkaJS's
// describeAcls gets SECURITY_DISABLED, and deleting __consumer_offsets is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../src/index.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kcat, run } from './support/clients.js';

const { Kafka, logLevel, AclResourceTypes, AclOperationTypes, AclPermissionTypes } = kafkajs;
const { ResourcePatternTypes } = kafkajs;

let broker: Broker;
let kafka: kafkajs.Kafka;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'group.initial.rebalance.delay.ms': 0 } });
  kafka = new Kafka({
    brokers: [broker.bootstrap],
    clientId: 'security-apis',
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
});
after(() => broker.close());

test('kcat over SASL_PLAINTEXT gets "Unsupported SASL mechanism"; a plain kcat is still served', async () => {
  const sasl = await run(
    'kcat',
    [
      '-b',
      broker.bootstrap,
      '-L',
      '-m',
      '3',
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      'sasl.username=u',
      '-X',
      'sasl.password=p',
    ],
    { timeoutMs: 30_000 },
  );
  assert.notEqual(sasl.code, 0);
  assert.match(
    sasl.stderr,
    /SASL PLAIN mechanism handshake failed: Broker: Unsupported SASL mechanism/,
  );
  const plain = JSON.parse(await kcat(['-b', broker.bootstrap, '-L', '-J'], undefined, 20_000));
  assert.equal(plain.brokers.length, 1);
});

/** A confluent-kafka-python producer over SASL_PLAINTEXT, reporting what its error callback got. */
const SASL_PRODUCER = `
import json, sys, time
from confluent_kafka import Producer
errors = []
p = Producer({'bootstrap.servers': sys.argv[1], 'security.protocol': 'SASL_PLAINTEXT',
              'sasl.mechanisms': 'PLAIN', 'sasl.username': 'u', 'sasl.password': 'p',
              'error_cb': lambda e: errors.append({'code': e.name(), 'text': e.str()}),
              'log_level': 0})
deadline = time.time() + 20
while not errors and time.time() < deadline:
    p.poll(0.1)
print(json.dumps(errors))
`;

test('confluent-kafka-python over SASL_PLAINTEXT gets an _AUTHENTICATION error naming the cause', async () => {
  const r = await run('/usr/bin/python3', ['-c', SASL_PRODUCER, broker.bootstrap], {
    timeoutMs: 40_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const [first] = JSON.parse(r.stdout) as { code: string; text: string }[];
  assert.equal(first?.code, '_AUTHENTICATION');
  assert.match(
    first.text,
    /SASL PLAIN mechanism handshake failed: Broker: Unsupported SASL mechanism/,
  );
  const plain = JSON.parse(await kcat(['-b', broker.bootstrap, '-L', '-J'], undefined, 20_000));
  assert.equal(plain.brokers.length, 1);
});

test('KafkaJS describeAcls and createAcls fail with SECURITY_DISABLED', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await assert.rejects(
      admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      }),
      (err: { type?: string; message: string }) => {
        assert.equal(err.type, 'SECURITY_DISABLED');
        return true;
      },
    );
    await assert.rejects(
      admin.createAcls({
        acl: [
          {
            resourceType: AclResourceTypes.TOPIC,
            resourceName: 'orders',
            resourcePatternType: ResourcePatternTypes.LITERAL,
            principal: 'User:alice',
            host: '*',
            operation: AclOperationTypes.READ,
            permissionType: AclPermissionTypes.ALLOW,
          },
        ],
      }),
      (err: { type?: string }) => err.type === 'SECURITY_DISABLED',
    );
  } finally {
    await admin.disconnect();
  }
});

test('KafkaJS deleteTopics of __consumer_offsets is refused; committed offsets survive a restart', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-internal-'));
  const config = { 'group.initial.rebalance.delay.ms': 0 };
  let own = await startBroker({ dataDir, config });
  try {
    const client = (b: Broker) =>
      new Kafka({ brokers: [b.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
    const admin = client(own).admin();
    await admin.connect();
    // A committed offset creates __consumer_offsets.
    await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 1 }] });
    await admin.setOffsets({
      groupId: 'g',
      topic: 'kept',
      partitions: [{ partition: 0, offset: '42' }],
    });
    assert.ok((await admin.listTopics()).includes('__consumer_offsets'));
    await assert.rejects(
      admin.deleteTopics({ topics: ['__consumer_offsets'], timeout: 5000 }),
      (err: { type?: string }) => err.type === 'INVALID_TOPIC_EXCEPTION',
    );
    await admin.disconnect();
    await own.close();
    own = await startBroker({ dataDir, config });
    const again = client(own).admin();
    await again.connect();
    assert.ok((await again.listTopics()).includes('__consumer_offsets'));
    const offsets = await again.fetchOffsets({ groupId: 'g', topics: ['kept'] });
    assert.equal(offsets[0]!.partitions[0]!.offset, '42');
    await again.disconnect();
  } finally {
    await own.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
