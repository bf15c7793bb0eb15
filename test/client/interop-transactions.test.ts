// Transactions between our client and third-party clients on our broker, the third party
// being the reference: kcat (librdkafka) with read_committed reads exactly what our
// transactional producer committed, and our read_committed consumer reads exactly what a
// KafkaJS transactional producer committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { startBroker } from '../../src/index.js';
import { Admin, Consumer, Producer, type ConsumerRecord } from '../../src/client/index.js';
import { kcat } from '../interop/support/clients.js';

async function readCommitted(bootstrap: string, topic: string, count: number): Promise<string[]> {
  const consumer = new Consumer({
    bootstrapServers: bootstrap,
    isolationLevel: 'read_committed',
    fetchMaxWaitMs: 50,
  });
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
  const out: ConsumerRecord[] = [];
  const iter = consumer.records();
  // Until `count` records are in (the test's timeout turns a hang into a failure).
  for (;;) {
    const next = await Promise.race([
      iter.next(),
      new Promise<null>((r) => setTimeout(() => r(null), 200)),
    ]);
    if (next !== null && next.done !== true) out.push(next.value);
    // Wait a little past the expected count, so that an extra record would be seen.
    if (out.length >= count && next === null) break;
  }
  consumer.close();
  return out.map((r) => r.value!.toString());
}

test(
  'transactions: kcat reads our commits, we read KafkaJS commits',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startBroker();
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    const producer = new Producer({
      bootstrapServers: broker.bootstrap,
      transactionalId: 'ours-tx',
      lingerMs: 1,
    });
    const kafka = new kafkajs.Kafka({
      brokers: [broker.bootstrap],
      logLevel: kafkajs.logLevel.NOTHING,
    });
    const theirs = kafka.producer({
      transactionalId: 'theirs-tx',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    t.after(async () => {
      await producer.close().catch(() => {});
      await theirs.disconnect().catch(() => {});
      admin.close();
      await broker.close();
    });
    await admin.connect();
    await admin.createTopics([
      { name: 'ours', numPartitions: 1 },
      { name: 'theirs', numPartitions: 1 },
    ]);

    await producer.connect();
    await producer.initTransactions();
    for (const [values, commit] of [
      [['o1', 'o2'], true],
      [['x1', 'x2'], false],
      [['o3'], true],
    ] as const) {
      producer.beginTransaction();
      await producer.sendBatch(values.map((value) => ({ topic: 'ours', value })));
      if (commit) await producer.commitTransaction();
      else await producer.abortTransaction();
    }
    const read = await kcat([
      '-b',
      broker.bootstrap,
      '-C',
      '-t',
      'ours',
      '-o',
      'beginning',
      '-e',
      '-X',
      'isolation.level=read_committed',
      '-f',
      '%s\\n',
    ]);
    assert.deepEqual(read.trim().split('\n'), ['o1', 'o2', 'o3']);

    await theirs.connect();
    for (const [values, commit] of [
      [['t1'], true],
      [['y1', 'y2'], false],
      [['t2', 't3'], true],
    ] as const) {
      const txn = await theirs.transaction();
      await txn.send({ topic: 'theirs', messages: values.map((value) => ({ value })) });
      if (commit) await txn.commit();
      else await txn.abort();
    }
    assert.deepEqual(await readCommitted(broker.bootstrap, 'theirs', 3), ['t1', 't2', 't3']);
  },
);
