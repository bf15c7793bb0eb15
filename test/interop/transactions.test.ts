// Transactions with real clients against a broker started here: confluent-kafka-python
// (librdkafka 2.0.2) transactional producers, committed records seen exactly once by a
// read_committed consumer and aborted ones never (but by read_uncommitted); a zombie producer
// fenced by a newer instance with the same transactional.id; KafkaJS transactions read by
// KafkaJS's read_committed consumer; @platformatic/kafka transactions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Producer as PlatformaticProducer, stringSerializers } from '@platformatic/kafka';
import { startBroker, type Broker } from '../../src/index.js';
import { readAll, txnTool, type TxnError } from './support/txn-clients.js';

const { Kafka, logLevel } = kafkajs;

let broker: Broker;
before(async () => {
  broker = await startBroker({
    port: 0,
    config: {
      'num.partitions': 2,
      'transaction.state.log.num.partitions': 5,
      'offsets.topic.num.partitions': 5,
      'group.initial.rebalance.delay.ms': 0,
    },
  });
});
after(() => broker.close());

test('confluent-kafka-python: committed records are read once, aborted ones only by read_uncommitted', async () => {
  const topic = 'txn-confluent';
  const messages = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}`, partition: i % 2 }));
  const { results } = await txnTool<{ results: { error: TxnError | null }[] }>('transactions', {
    bootstrap: broker.bootstrap,
    topic,
    transactional_id: 'confluent-tx',
    transactions: [
      { messages: messages('c1', 10), end: 'commit' },
      { messages: messages('a1', 5), end: 'abort' },
      { messages: messages('c2', 4), end: 'commit' },
    ],
  });
  assert.deepEqual(results, [{ error: null }, { error: null }, { error: null }]);
  const committed = [...messages('c1', 10), ...messages('c2', 4)].map((m) => m.value).sort();
  const aborted = messages('a1', 5).map((m) => m.value);
  assert.deepEqual(await readAll(broker.bootstrap, topic, 'read_committed'), committed);
  assert.deepEqual(
    await readAll(broker.bootstrap, topic, 'read_uncommitted'),
    [...committed, ...aborted].sort(),
  );
});

test('confluent-kafka-python: a zombie producer is fenced by a newer one with the same id', async () => {
  const topic = 'txn-zombie';
  const result = await txnTool<{ send: TxnError | null; commit: TxnError | null }>('zombie', {
    bootstrap: broker.bootstrap,
    topic,
    transactional_id: 'zombie-tx',
  });
  // librdkafka raises the fencing as a fatal error on the old instance's next send or commit.
  assert.ok(result.commit !== null, 'the old instance cannot commit');
  assert.deepEqual([result.commit.name, result.commit.fatal], ['_FENCED', true]);
  if (result.send !== null)
    assert.deepEqual([result.send.name, result.send.fatal], ['_FENCED', true]);
  assert.deepEqual(await readAll(broker.bootstrap, topic, 'read_committed'), ['fresh']);
});

test('KafkaJS: transactions commit and abort; its read_committed consumer sees the commits', async () => {
  const topic = 'txn-kafkajs';
  const kafka = new Kafka({
    clientId: 'rivulet-txn',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = kafka.producer({
    transactionalId: 'kafkajs-tx',
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    const send = async (values: string[], commit: boolean) => {
      const txn = await producer.transaction();
      await txn.send({ topic, messages: values.map((value, i) => ({ value, partition: i % 2 })) });
      await (commit ? txn.commit() : txn.abort());
    };
    await send(['k1', 'k2', 'k3'], true);
    await send(['x1', 'x2'], false);
    await send(['k4'], true);
  } finally {
    await producer.disconnect();
  }

  const consumer = kafka.consumer({ groupId: 'kafkajs-txn-readers', maxWaitTimeInMs: 100 });
  await consumer.connect();
  const seen: string[] = [];
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only saw ${seen.join(',')}`)), 20_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value?.toString() ?? '');
          if (seen.length >= 4) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    // Nothing aborted arrives after the commits either.
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(seen.sort(), ['k1', 'k2', 'k3', 'k4']);
  assert.deepEqual(await readAll(broker.bootstrap, topic, 'read_uncommitted'), [
    'k1',
    'k2',
    'k3',
    'k4',
    'x1',
    'x2',
  ]);
});

test('@platformatic/kafka: transactions commit and abort', async () => {
  const topic = 'txn-platformatic';
  const producer = new PlatformaticProducer({
    clientId: 'rivulet-txn',
    bootstrapBrokers: [broker.bootstrap],
    retries: 2,
    serializers: stringSerializers,
    idempotent: true,
    transactionalId: 'platformatic-tx',
    autocreateTopics: true,
  });
  try {
    const rounds: [string[], boolean][] = [
      [['p1', 'p2'], true],
      [['px'], false],
      [['p3'], true],
    ];
    for (const [values, commit] of rounds) {
      const txn = await producer.beginTransaction();
      await txn.send({ messages: values.map((value, i) => ({ topic, value, partition: i % 2 })) });
      await (commit ? txn.commit() : txn.abort());
    }
  } finally {
    await producer.close();
  }
  assert.deepEqual(await readAll(broker.bootstrap, topic, 'read_committed'), ['p1', 'p2', 'p3']);
  assert.deepEqual(await readAll(broker.bootstrap, topic, 'read_uncommitted'), [
    'p1',
    'p2',
    'p3',
    'px',
  ]);
});
