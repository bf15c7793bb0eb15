// The data path with the Node clients and kafka-python: KafkaJS's idempotent producer (read
// back through ListOffsets and kcat; its consumer needs groups), @platformatic/kafka's
// idempotent producer, and kafka-python producing and consuming by assignment.
import { after, before, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { startBroker, type Broker } from '../../src/index.js';
import { kafkaPython, kcat } from './support/clients.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 60000 }, fn);
let broker: Broker;
before(async () => {
  broker = await startBroker({ port: 0 });
});
after(() => broker.close());

interface KcatMessage {
  offset: number;
  key: string | null;
  payload: string | null;
}

async function readAll(topic: string): Promise<KcatMessage[]> {
  const out = await kcat(
    ['-b', broker.bootstrap, '-C', '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-J', '-q'],
    undefined,
    20_000,
  );
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as KcatMessage);
}

test('KafkaJS idempotent producer: acks=-1 sends, with and without gzip', async () => {
  const kafka = new kafkajs.Kafka({
    brokers: [broker.bootstrap],
    clientId: 'kjs',
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer({ idempotent: true, allowAutoTopicCreation: true });
  await producer.connect();
  try {
    const first = await producer.send({
      topic: 'kjs',
      acks: -1,
      messages: [
        { key: 'a', value: '1', headers: { h: 'x' } },
        { key: 'b', value: '2' },
      ],
    });
    assert.equal(first[0]!.errorCode, 0);
    assert.equal(first[0]!.baseOffset, '0');
    const second = await producer.send({
      topic: 'kjs',
      acks: -1,
      compression: kafkajs.CompressionTypes.GZIP,
      messages: [{ key: 'c', value: '3' }],
    });
    assert.equal(second[0]!.baseOffset, '2');
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets('kjs');
    assert.deepEqual(
      offsets.map((o) => [o.partition, o.low, o.high]),
      [[0, '0', '3']],
    );
  } finally {
    await admin.disconnect();
  }
  assert.deepEqual(
    (await readAll('kjs')).map((m) => [m.offset, m.key, m.payload]),
    [
      [0, 'a', '1'],
      [1, 'b', '2'],
      [2, 'c', '3'],
    ],
  );
});

test('@platformatic/kafka idempotent producer', async () => {
  const producer = new Producer({
    clientId: 'pk',
    bootstrapBrokers: [broker.bootstrap],
    serializers: stringSerializers,
    idempotent: true,
    autocreateTopics: true,
  });
  try {
    const first = await producer.send({
      messages: [
        { topic: 'pk', key: 'a', value: '1' },
        { topic: 'pk', key: 'b', value: '2' },
      ],
    });
    assert.deepEqual(
      first.offsets?.map((o) => [o.partition, Number(o.offset)]),
      [[0, 0]],
    );
    const second = await producer.send({ messages: [{ topic: 'pk', key: 'c', value: '3' }] });
    assert.deepEqual(
      second.offsets?.map((o) => Number(o.offset)),
      [2],
    );
  } finally {
    await producer.close();
  }
  assert.deepEqual(
    (await readAll('pk')).map((m) => m.payload),
    ['1', '2', '3'],
  );
});

test('kafka-python produces (gzip, acks=all) and consumes from an assigned offset', async () => {
  const produced = await kafkaPython<{ reports: { partition: number; offset: number }[] }>(
    'produce',
    {
      bootstrap: broker.bootstrap,
      topic: 'kp',
      config: { acks: 'all', compression_type: 'gzip' },
      messages: [
        { key: 'a', value: '1', headers: { h: 'x' } },
        { key: 'b', value: '2' },
        { key: 'c', value: '3' },
      ],
    },
  );
  assert.deepEqual(
    produced.reports.map((r) => r.offset),
    [0, 1, 2],
  );
  const consumed = await kafkaPython<{
    messages: { offset: number; key: string; value: string; headers: Record<string, string> }[];
  }>('consume', {
    bootstrap: broker.bootstrap,
    topic: 'kp',
    offsets: { 0: 1 },
    count: 2,
    timeout: 20,
  });
  assert.deepEqual(
    consumed.messages.map((m) => [m.offset, m.key, m.value]),
    [
      [1, 'b', '2'],
      [2, 'c', '3'],
    ],
  );
});
