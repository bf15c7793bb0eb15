// A batch the broker refuses as too large (MESSAGE_TOO_LARGE): the producer splits it so only
// the record that is too large by itself fails, and close() afterwards leaves no socket open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer } from '../../../src/client/index.js';
import { startBroker } from '../../../src/index.js';
import { take } from '../support/take.js';

/** Open TCP sockets of this process (both ends of in-process connections count). */
function openSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
}

/** Waits for `condition`, failing with `message` after a generous limit. */
async function waitFor(condition: () => boolean, message: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(message());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a batch refused as too large is split; close() leaves no open socket', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  await admin.createTopics([
    { name: 'small', numPartitions: 1, configs: { 'max.message.bytes': '200' } },
  ]);
  admin.close();
  await waitFor(
    () => openSockets() === 0,
    () => `${openSockets()} sockets still open after the admin closed`,
  );

  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 50 });
  await producer.connect();
  const outcomes = await Promise.allSettled(
    ['a', 'x'.repeat(1000), 'b'].map((value) => producer.send({ topic: 'small', value })),
  );
  assert.deepEqual(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
  assert.match(String((outcomes[1] as PromiseRejectedResult).reason), /MESSAGE_TOO_LARGE/);
  await producer.close();
  await waitFor(
    () => openSockets() === 0,
    () => `${openSockets()} sockets still open after Producer.close()`,
  );

  const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([{ topic: 'small', partition: 0, offset: 'earliest' }]);
  const records = await take(consumer.records(), 2);
  assert.deepEqual(
    records.map((r) => r.value?.toString()),
    ['a', 'b'],
  );
});

test('close() after a rejected send leaves no open socket', async (t) => {
  const broker = await startBroker();
  t.after(() => broker.close());
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  await admin.createTopics([
    { name: 'small', numPartitions: 1, configs: { 'max.message.bytes': '200' } },
  ]);
  admin.close();
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  await assert.rejects(
    producer.send({ topic: 'small', value: 'x'.repeat(1000) }),
    /too large|max\.message\.bytes/i,
  );
  await producer.close();
  await waitFor(
    () => openSockets() === 0,
    () => `${openSockets()} sockets still open after Producer.close()`,
  );
});
