// The client against our own broker (startBroker, port 0): admin, producer, consumer and a
// consumer group, end to end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import { Admin, Consumer, GroupConsumer, KafkaError, Producer } from '../../src/client/index.js';
import { take } from './support/take.js';
import { waitFor } from '../support/wait.js';

test('admin, producer and consumer against the broker', { timeout: 60_000 }, async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  t.after(() => admin.close());
  const created = await admin.createTopics([
    { name: 'orders', numPartitions: 3, configs: { 'retention.ms': '3600000' } },
  ]);
  assert.equal(created[0]!.errorCode, 0, created[0]!.errorMessage ?? '');
  assert.ok((await admin.listTopics()).includes('orders'));
  const [topic] = await admin.describeTopics(['orders']);
  assert.equal(topic!.partitions.length, 3);
  const configs = await admin.describeConfigs({ type: 'topic', name: 'orders' });
  assert.equal(configs.find((c) => c.name === 'retention.ms')?.value, '3600000');
  await admin.alterConfigs({ type: 'topic', name: 'orders' }, [
    { op: 'set', name: 'cleanup.policy', value: 'compact' },
  ]);
  const altered = await admin.describeConfigs(
    { type: 'topic', name: 'orders' },
    { keys: ['cleanup.policy'] },
  );
  assert.equal(altered[0]?.value, 'compact');
  await admin.alterConfigs({ type: 'topic', name: 'orders' }, [
    { op: 'delete', name: 'cleanup.policy' },
  ]);

  const producer = new Producer({ bootstrapServers: broker.bootstrap, compression: 'lz4' });
  await producer.connect();
  const sent = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      producer.send({
        topic: 'orders',
        key: `k${i % 10}`,
        value: `v${i}`,
        headers: { n: String(i) },
      }),
    ),
  );
  await producer.close();
  const perPartition = new Map<number, bigint[]>();
  for (const m of sent)
    perPartition.set(m.partition, [...(perPartition.get(m.partition) ?? []), m.offset]);
  for (const offsets of perPartition.values()) {
    assert.deepEqual(
      offsets,
      offsets.map((_, i) => BigInt(i)),
      'offsets are dense and in send order',
    );
  }

  const consumer = new Consumer({ bootstrapServers: broker.bootstrap, fetchMaxWaitMs: 100 });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign(
    [0, 1, 2].map((partition) => ({ topic: 'orders', partition, offset: 'earliest' as const })),
  );
  const records = await take(consumer.records(), 300);
  assert.equal(records.length, 300);
  assert.deepEqual(new Set(records.map((r) => r.value!.toString())).size, 300);
  const r7 = records.find((r) => r.value!.toString() === 'v7')!;
  assert.equal(r7.key!.toString(), 'k7');
  assert.equal(r7.headers[0]!.value!.toString(), '7');

  const ends = await admin.listOffsets(
    [0, 1, 2].map((partition) => ({ topic: 'orders', partition })),
    'latest',
  );
  assert.equal(
    ends.reduce((n, e) => n + e.offset, 0n),
    300n,
  );
  const [p0] = await admin.deleteRecords([
    { topic: 'orders', partition: sent[0]!.partition, offset: 2n },
  ]);
  assert.equal(p0!.lowWatermark, 2n);
  const parts = await admin.createPartitions([{ name: 'orders', count: 4 }]);
  assert.equal(parts[0]!.errorCode, 0);
  const cluster = await admin.describeCluster();
  assert.equal(cluster.brokers.length, 1);
  const dirs = await admin.describeLogDirs();
  assert.ok(dirs[0]!.partitions.some((p) => p.topic === 'orders'));
  const deleted = await admin.deleteTopics(['orders', 'missing']);
  assert.deepEqual(
    deleted.map((d) => d.errorCode),
    [0, 3],
  );
  await assert.rejects(admin.describeTopics(['missing']), KafkaError);
});

test(
  'two group members split the partitions, commit, and a new member resumes from commits',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    t.after(() => broker.close());
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.connect();
    t.after(() => admin.close());
    await admin.createTopics([{ name: 'events', numPartitions: 4 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        producer.send({ topic: 'events', partition: i % 4, value: `e${i}` }),
      ),
    );

    const options = {
      bootstrapServers: broker.bootstrap,
      groupId: 'g1',
      autoOffsetReset: 'earliest' as const,
      heartbeatIntervalMs: 100,
      fetchMaxWaitMs: 100,
      autoCommitIntervalMs: 100,
    };
    const a = new GroupConsumer({ ...options, assignors: ['cooperative-sticky'] });
    await a.connect();
    a.subscribe(['events']);
    const fromA = await take(a.records(), 40);
    assert.equal(fromA.length, 40);
    assert.equal(a.assignment().length, 4);
    // A record counts as processed when the next one is asked for; the last one is marked here.
    a.markProcessed(fromA[39]!);
    await a.commit();
    const b = new GroupConsumer({ ...options, assignors: ['cooperative-sticky'] });
    await b.connect();
    b.subscribe(['events']);
    await waitFor(
      'two partitions each',
      () => a.assignment().length === 2 && b.assignment().length === 2,
    );
    assert.equal(a.assignment().length, 2);
    assert.equal(b.assignment().length, 2);
    const [described] = await admin.describeGroups(['g1']);
    assert.equal(described!.members.length, 2);
    assert.equal(described!.protocol, 'cooperative-sticky');
    await a.close();
    await b.close();
    const committed = await admin.fetchOffsets('g1');
    assert.equal(
      committed.reduce((n, c) => n + c.offset, 0n),
      40n,
    );

    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        producer.send({ topic: 'events', partition: i, value: `late${i}` }),
      ),
    );
    await producer.close();
    const c = new GroupConsumer({ ...options });
    await c.connect();
    c.subscribe(['events']);
    const late = await take(c.records(), 4);
    assert.deepEqual(late.map((r) => r.value!.toString()).sort(), [
      'late0',
      'late1',
      'late2',
      'late3',
    ]);
    await c.close();
    assert.deepEqual(
      (await admin.listGroups()).map((g) => g.groupId),
      ['g1'],
    );
  },
);

test(
  'KIP-848: members of a consumer-protocol group split partitions and commit with their epoch',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startBroker({ config: { 'group.consumer.heartbeat.interval.ms': 200 } });
    t.after(() => broker.close());
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.connect();
    t.after(() => admin.close());
    await admin.createTopics([{ name: 'k848', numPartitions: 4 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    await producer.sendBatch(
      Array.from({ length: 20 }, (_, i) => ({ topic: 'k848', partition: i % 4, value: `r${i}` })),
    );
    await producer.close();
    const options = {
      bootstrapServers: broker.bootstrap,
      groupId: 'g848',
      groupProtocol: 'consumer' as const,
      autoOffsetReset: 'earliest' as const,
      fetchMaxWaitMs: 100,
    };
    const a = new GroupConsumer(options);
    const b = new GroupConsumer(options);
    await a.connect();
    await b.connect();
    try {
      a.subscribe(['k848']);
      const first = await take(a.records(), 20);
      assert.equal(first.length, 20);
      a.markProcessed(first[19]!);
      b.subscribe(['k848']);
      const deadline = Date.now() + 30_000;
      const iterA = a.records();
      while (
        (a.assignment().length !== 2 || b.assignment().length !== 2) &&
        Date.now() < deadline
      ) {
        // Keep consuming so that revocations are acknowledged as they would be in an application.
        await Promise.race([iterA.next(), new Promise((r) => setTimeout(r, 100))]);
      }
      assert.equal(a.assignment().length + b.assignment().length, 4);
      assert.equal(a.assignment().length, 2, JSON.stringify(a.assignment()));
      await a.commit();
      const committed = await admin.fetchOffsets('g848');
      assert.ok(committed.length > 0);
    } finally {
      await Promise.all([a.close({ timeoutMs: 5000 }), b.close({ timeoutMs: 5000 })]);
    }
  },
);
