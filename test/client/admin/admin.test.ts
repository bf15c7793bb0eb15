import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, KafkaError, Producer } from '../../../src/client/index.js';
import { FakeBroker } from '../support/fake-broker.js';

test(
  'create, list, describe and delete topics; errors are per topic',
  { timeout: 20_000 },
  async (t) => {
    const broker = new FakeBroker();
    await broker.start();
    t.after(() => broker.stop());
    const admin = new Admin({ bootstrapServers: broker.bootstrap, retryBackoffMs: 1 });
    await admin.connect();
    t.after(() => admin.close());
    const created = await admin.createTopics([{ name: 'a', numPartitions: 3 }, { name: 'b' }]);
    assert.deepEqual(
      created.map((c) => [c.name, c.errorCode]),
      [
        ['a', 0],
        ['b', 0],
      ],
    );
    const again = await admin.createTopics([{ name: 'a', numPartitions: 3 }]);
    assert.equal(again[0]!.errorCode, 36);
    assert.deepEqual(await admin.listTopics(), ['a', 'b']);
    const [a] = await admin.describeTopics(['a']);
    assert.equal(a!.partitions.length, 3);
    await assert.rejects(
      admin.describeTopics(['nope']),
      (e: unknown) => e instanceof KafkaError && e.code === 3,
    );
    const deleted = await admin.deleteTopics(['b', 'nope']);
    assert.deepEqual(
      deleted.map((d) => [d.name, d.errorCode]),
      [
        ['b', 0],
        ['nope', 3],
      ],
    );
    assert.deepEqual(await admin.listTopics(), ['a']);
  },
);

test('listOffsets gives the log start and end', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', 1);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 });
  await producer.connect();
  await Promise.all([1, 2, 3].map((i) => producer.send({ topic: 't', value: String(i) })));
  await producer.close();
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  t.after(() => admin.close());
  const tp = [{ topic: 't', partition: 0 }];
  assert.equal((await admin.listOffsets(tp, 'earliest'))[0]!.offset, 0n);
  assert.equal((await admin.listOffsets(tp, 'latest'))[0]!.offset, 3n);
});
