// Transactional producer against our broker: commit and abort seen by read_committed and
// read_uncommitted consumers, offsets committed in a transaction, fencing of an older instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import {
  Admin,
  ClientError,
  Consumer,
  GroupConsumer,
  KafkaError,
  ProducerFencedError,
  Producer,
  type ConsumerRecord,
} from '../../../src/client/index.js';

type Broker = Awaited<ReturnType<typeof startBroker>>;

async function setup(t: { after(fn: () => unknown): void }) {
  const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  const closers: (() => unknown)[] = [];
  t.after(async () => {
    for (const close of closers.reverse()) await close();
    admin.close();
    await broker.close();
  });
  await admin.connect();
  await admin.createTopics([
    { name: 't', numPartitions: 2 },
    { name: 'small', numPartitions: 1, configs: { 'max.message.bytes': '2000' } },
  ]);
  const producer = (transactionalId: string) => {
    const p = new Producer({ bootstrapServers: broker.bootstrap, transactionalId, lingerMs: 1 });
    closers.push(() => p.close().catch(() => {}));
    return p;
  };
  return { broker, admin, producer };
}

async function readAll(
  broker: Broker,
  isolationLevel: 'read_committed' | 'read_uncommitted',
  count: number,
): Promise<string[]> {
  const consumer = new Consumer({
    bootstrapServers: broker.bootstrap,
    isolationLevel,
    fetchMaxWaitMs: 50,
  });
  await consumer.connect();
  consumer.assign([
    { topic: 't', partition: 0, offset: 'earliest' },
    { topic: 't', partition: 1, offset: 'earliest' },
  ]);
  const out: ConsumerRecord[] = [];
  const iter = consumer.records();
  // Until `count` records are in; the bound only turns a hang into a failure.
  const hang = Date.now() + 60_000;
  while (out.length < count) {
    if (Date.now() > hang) throw new Error(`only ${out.length} of ${count} records arrived`);
    const next = await Promise.race([
      iter.next(),
      new Promise<null>((r) => setTimeout(() => r(null), 200)),
    ]);
    if (next !== null && next.done !== true) out.push(next.value);
  }
  consumer.close();
  return out.map((r) => r.value!.toString()).sort();
}

test('committed records are visible to read_committed, aborted ones only to read_uncommitted', async (t) => {
  const { broker, producer } = await setup(t);
  const p = producer('tx-1');
  await p.connect();
  await assert.rejects(p.send({ topic: 't', value: 'too early' }), (e: ClientError) => {
    assert.equal(e.code, 'ERR_INVALID_STATE');
    return true;
  });
  await p.initTransactions();

  p.beginTransaction();
  await p.sendBatch([
    { topic: 't', partition: 0, value: 'c1' },
    { topic: 't', partition: 1, value: 'c2' },
  ]);
  await p.commitTransaction();

  p.beginTransaction();
  await p.send({ topic: 't', partition: 0, value: 'a1' });
  // Either it goes out before the abort (and is aborted with the rest) or it never does.
  const unsent = p.send({ topic: 't', partition: 1, value: 'a2' }).then(
    () => true,
    (e: ClientError) => {
      assert.equal(e.code, 'ERR_TRANSACTION_ABORTED');
      return false;
    },
  );
  await p.abortTransaction();
  const a2Written = await unsent;

  p.beginTransaction();
  await p.send({ topic: 't', partition: 1, value: 'c3' });
  await p.commitTransaction();

  assert.deepEqual(await readAll(broker, 'read_committed', 3), ['c1', 'c2', 'c3']);
  assert.deepEqual(
    await readAll(broker, 'read_uncommitted', a2Written ? 5 : 4),
    a2Written ? ['a1', 'a2', 'c1', 'c2', 'c3'] : ['a1', 'c1', 'c2', 'c3'],
  );
});

test('offsets sent in a transaction become the group committed offsets only on commit', async (t) => {
  const { admin, producer } = await setup(t);
  const p = producer('tx-offsets');
  await p.connect();
  await p.initTransactions();

  p.beginTransaction();
  await p.send({ topic: 't', partition: 0, value: 'x' });
  await p.sendOffsetsToTransaction([{ topic: 't', partition: 0, offset: 7n }], 'txn-group');
  await p.abortTransaction();
  const afterAbort = await admin.fetchOffsets('txn-group');
  assert.ok(
    afterAbort.every((o) => o.offset < 0n),
    JSON.stringify(afterAbort, (_, v) => (typeof v === 'bigint' ? String(v) : v)),
  );

  p.beginTransaction();
  await p.sendOffsetsToTransaction([{ topic: 't', partition: 0, offset: 42n }], {
    groupId: 'txn-group',
  });
  await p.commitTransaction();
  const committed = await admin.fetchOffsets('txn-group');
  assert.deepEqual(
    committed.map((o) => [o.topic, o.partition, o.offset]),
    [['t', 0, 42n]],
  );
});

test('a second producer with the same transactional id fences the first', async (t) => {
  const { broker, producer } = await setup(t);
  const first = producer('tx-fence');
  await first.connect();
  await first.initTransactions();
  first.beginTransaction();
  await first.send({ topic: 't', partition: 0, value: 'zombie' });

  const second = producer('tx-fence');
  await second.connect();
  // Aborts the first one's open transaction and takes a newer epoch.
  await second.initTransactions();

  await assert.rejects(first.commitTransaction(), ProducerFencedError);
  assert.throws(() => first.beginTransaction(), ProducerFencedError);

  second.beginTransaction();
  await second.send({ topic: 't', partition: 0, value: 'fresh' });
  await second.commitTransaction();
  assert.deepEqual(await readAll(broker, 'read_committed', 1), ['fresh']);
});

test('a failed send makes the transaction abortable; after the abort the next one commits', async (t) => {
  const { broker, producer } = await setup(t);
  const p = producer('tx-abortable');
  await p.connect();
  await p.initTransactions();
  p.beginTransaction();
  await p.send({ topic: 't', partition: 0, value: 'lost' });
  await assert.rejects(
    p.send({ topic: 'small', value: Buffer.alloc(5000) }),
    (e: KafkaError) => e.name === 'MESSAGE_TOO_LARGE',
  );
  await assert.rejects(p.commitTransaction(), (e: KafkaError) => e.name === 'MESSAGE_TOO_LARGE');
  assert.throws(
    () => p.beginTransaction(),
    (e: KafkaError) => e.name === 'MESSAGE_TOO_LARGE',
  );
  await p.abortTransaction();
  p.beginTransaction();
  await p.send({ topic: 't', partition: 0, value: 'kept' });
  await p.commitTransaction();
  assert.deepEqual(await readAll(broker, 'read_committed', 1), ['kept']);
});

test('consume-transform-produce: a group member commits its offsets in the transaction', async (t) => {
  const { broker, admin, producer } = await setup(t);
  await admin.createTopics([{ name: 'out', numPartitions: 1 }]);
  const plain = new Producer({ bootstrapServers: broker.bootstrap });
  await plain.connect();
  await plain.sendBatch(['a', 'b', 'c'].map((value) => ({ topic: 't', partition: 0, value })));
  await plain.close();
  const consumer = new GroupConsumer({
    bootstrapServers: broker.bootstrap,
    groupId: 'ctp',
    autoOffsetReset: 'earliest',
    autoCommit: false,
    isolationLevel: 'read_committed',
    fetchMaxWaitMs: 50,
  });
  t.after(() => consumer.close({ timeoutMs: 2000 }));
  await consumer.connect();
  consumer.subscribe(['t']);
  const p = producer('tx-ctp');
  await p.connect();
  await p.initTransactions();
  const iter = consumer.records();
  const input: ConsumerRecord[] = [];
  while (input.length < 3) input.push((await iter.next()).value as ConsumerRecord);
  p.beginTransaction();
  await p.sendBatch(input.map((r) => ({ topic: 'out', value: r.value!.toString().toUpperCase() })));
  const last = input[2]!;
  await p.sendOffsetsToTransaction(
    [{ topic: last.topic, partition: last.partition, offset: last.offset + 1n }],
    consumer.groupMetadata(),
  );
  await p.commitTransaction();
  assert.ok(consumer.groupMetadata().generationId >= 0);
  const committed = await admin.fetchOffsets('ctp');
  assert.deepEqual(
    committed.map((o) => [o.topic, o.partition, o.offset]),
    [['t', 0, 3n]],
  );
  // A stale generation is refused by the group coordinator (KIP-447 fencing of zombies).
  p.beginTransaction();
  await assert.rejects(
    p.sendOffsetsToTransaction([{ topic: 't', partition: 0, offset: 1n }], {
      ...consumer.groupMetadata(),
      generationId: consumer.groupMetadata().generationId + 5,
    }),
    (e: KafkaError) => e.name === 'ILLEGAL_GENERATION',
  );
  await p.abortTransaction();
});
