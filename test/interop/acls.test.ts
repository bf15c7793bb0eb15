// Real clients against a broker with Kafka's StandardAuthorizer: a principal that may produce
// to one topic prefix and nothing else. KafkaJS produces under the prefix, is refused
// elsewhere with TOPIC_AUTHORIZATION_FAILED, sees only its topics in the metadata and may not
// use a group; confluent-kafka-python (librdkafka) gets "Topic authorization failed" in its
// delivery report; KafkaJS's admin manages the ACLs (CreateAcls/DescribeAcls/DeleteAcls).
// Principals come from the client id through startBroker's principalBuilder (see
// test/broker/security/secured-broker.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startBroker, type Broker } from '../../src/index.js';
import { SECURED } from '../broker/security/secured-broker.js';
import { run } from './support/clients.js';

const { Kafka, logLevel, AclResourceTypes, AclOperationTypes, AclPermissionTypes } = kafkajs;
const { ResourcePatternTypes } = kafkajs;

type KafkaError = Error & { type?: string; cause?: KafkaError };
/** The Kafka error name of a KafkaJS error, which wraps the protocol error it got. */
const typeOf = (err: KafkaError): string | undefined => err.type ?? err.cause?.type;

let broker: Broker;
const kafkaAs = (clientId: string) =>
  new Kafka({
    brokers: [broker.bootstrap],
    clientId,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });

before(async () => {
  broker = await startBroker(SECURED);
  const admin = kafkaAs('admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: ['eu-orders', 'us-orders'].map((topic) => ({ topic, numPartitions: 1 })),
    });
    await admin.createAcls({
      acl: [
        {
          resourceType: AclResourceTypes.TOPIC,
          resourceName: 'eu-',
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal: 'User:eu-writer',
          host: '*',
          operation: AclOperationTypes.WRITE,
          permissionType: AclPermissionTypes.ALLOW,
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
});
after(() => broker.close());

test('KafkaJS: produce under the prefix, refused elsewhere, only its topics visible', async () => {
  const kafka = kafkaAs('eu-writer');
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const [ok] = await producer.send({ topic: 'eu-orders', messages: [{ value: 'a' }] });
    assert.equal(ok?.errorCode, 0);
    await assert.rejects(
      producer.send({ topic: 'us-orders', messages: [{ value: 'b' }] }),
      (err: KafkaError) => typeOf(err) === 'TOPIC_AUTHORIZATION_FAILED',
    );
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.deepEqual(await admin.listTopics(), ['eu-orders']);
    // Reading needs a group: FindCoordinator answers GROUP_AUTHORIZATION_FAILED, which KafkaJS
    // (against Kafka too) reports as not finding the coordinator, without the cause.
    await assert.rejects(
      admin.fetchOffsets({ groupId: 'eu-readers', topics: ['eu-orders'] }),
      (err: KafkaError) => err.name === 'KafkaJSGroupCoordinatorNotFound',
    );
  } finally {
    await admin.disconnect();
  }
});

const PRODUCE = `
import json, sys
from confluent_kafka import Producer
reports = []
p = Producer({'bootstrap.servers': sys.argv[1], 'client.id': 'eu-writer',
              'message.timeout.ms': 10000, 'log_level': 0})
for topic in ['eu-orders', 'us-orders']:
    p.produce(topic, b'v', on_delivery=lambda err, msg: reports.append(
        {'topic': msg.topic(), 'error': None if err is None else err.str()}))
p.flush(20)
print(json.dumps(reports))
`;

test('confluent-kafka-python gets "Topic authorization failed" outside the prefix', async () => {
  const r = await run('/usr/bin/python3', ['-c', PRODUCE, broker.bootstrap], {
    timeoutMs: 40_000,
  });
  assert.equal(r.code, 0, r.stderr);
  const reports = JSON.parse(r.stdout) as { topic: string; error: string | null }[];
  const byTopic = new Map(reports.map((x) => [x.topic, x.error]));
  assert.equal(byTopic.get('eu-orders'), null);
  assert.match(byTopic.get('us-orders') ?? '', /Topic authorization failed/);
});

test('KafkaJS admin: describeAcls and deleteAcls round trip; a non-admin is refused', async () => {
  const admin = kafkaAs('admin').admin();
  await admin.connect();
  try {
    const filter = {
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    };
    const described = await admin.describeAcls({ ...filter, principal: 'User:eu-writer' });
    assert.equal(described.resources.length, 1);
    assert.equal(described.resources[0]?.resourceName, 'eu-');
    const outsider = kafkaAs('mallory').admin();
    await outsider.connect();
    try {
      await assert.rejects(
        outsider.describeAcls(filter),
        (err: KafkaError) => typeOf(err) === 'CLUSTER_AUTHORIZATION_FAILED',
      );
    } finally {
      await outsider.disconnect();
    }
    const deleted = await admin.deleteAcls({ filters: [{ ...filter, principal: 'User:nobody' }] });
    assert.equal(deleted.filterResponses[0]?.matchingAcls.length, 0);
  } finally {
    await admin.disconnect();
  }
});
