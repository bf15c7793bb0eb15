// Regex subscriptions against our broker: the classic protocol matches on this side and
// re-matches every metadataMaxAgeMs; the consumer protocol (KIP-848) lets the broker match.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../../src/index.js';
import { Admin, ClientError, GroupConsumer, Producer } from '../../../src/client/index.js';
import { take } from '../support/take.js';

for (const groupProtocol of ['classic', 'consumer'] as const) {
  test(
    `${groupProtocol} protocol: a pattern subscription picks up matching topics created later`,
    { timeout: 30_000 },
    async (t) => {
      const broker = await startBroker({
        config: {
          'group.initial.rebalance.delay.ms': 0,
          'group.consumer.heartbeat.interval.ms': 100,
        },
      });
      const admin = new Admin({ bootstrapServers: broker.bootstrap });
      const producer = new Producer({ bootstrapServers: broker.bootstrap });
      const consumer = new GroupConsumer({
        bootstrapServers: broker.bootstrap,
        groupId: `g-${groupProtocol}`,
        groupProtocol,
        autoOffsetReset: 'earliest',
        heartbeatIntervalMs: 100,
        metadataMaxAgeMs: 200,
        fetchMaxWaitMs: 50,
      });
      // Clients first, then the broker, so that nothing waits for a broker already gone.
      t.after(async () => {
        await consumer.close({ timeoutMs: 2000 });
        await producer.close();
        admin.close();
        await broker.close();
      });
      await admin.connect();
      await admin.createTopics([
        { name: 'orders-eu', numPartitions: 1 },
        { name: 'xorders-eu', numPartitions: 1 },
      ]);
      await producer.connect();
      await producer.send({ topic: 'orders-eu', value: 'eu' });
      await producer.send({ topic: 'xorders-eu', value: 'not matched' });
      await consumer.connect();
      consumer.subscribe({ pattern: /orders-.*/ });
      const iter = consumer.records();
      const first = await take(iter, 1);
      assert.deepEqual(
        first.map((r) => [r.topic, r.value?.toString()]),
        [['orders-eu', 'eu']],
      );
      await admin.createTopics([{ name: 'orders-us', numPartitions: 2 }]);
      await producer.send({ topic: 'orders-us', partition: 1, value: 'us' });
      // Delivery is at least once: the rebalance that adds orders-us may come before the record
      // above counts as processed (it does when the next one is asked for), and orders-eu is
      // then read again from its committed offset. Read until the new topic's record arrives.
      const after: [string, string | undefined][] = [];
      while (!after.some(([topic]) => topic === 'orders-us')) {
        const [r] = await take(iter, 1);
        assert.ok(r !== undefined, 'the iterator ended');
        after.push([r.topic, r.value?.toString()]);
        assert.ok(after.length <= 2, `more than one redelivery: ${JSON.stringify(after)}`);
      }
      assert.deepEqual(after.at(-1), ['orders-us', 'us']);
      for (const [topic, value] of after.slice(0, -1))
        assert.deepEqual([topic, value], ['orders-eu', 'eu']);
      assert.deepEqual(
        consumer
          .assignment()
          .map((tp) => `${tp.topic}-${tp.partition}`)
          .sort(),
        ['orders-eu-0', 'orders-us-0', 'orders-us-1'],
      );
    },
  );
}

test('an invalid pattern is refused at subscribe()', () => {
  const consumer = new GroupConsumer({ bootstrapServers: 'localhost:1', groupId: 'g' });
  assert.throws(() => consumer.subscribe({ pattern: '(' }), ClientError);
  const kip848 = new GroupConsumer({
    bootstrapServers: 'localhost:1',
    groupId: 'g',
    groupProtocol: 'consumer',
  });
  assert.throws(() => kip848.subscribe({ pattern: /orders/i }), /flags \(i\) cannot be sent/);
});
