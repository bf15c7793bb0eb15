import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer, CorruptRecordError, KafkaError, Producer } from '../../../src/client/index.js';
import { encodeRecordBatch } from '../../../src/protocol/index.js';
import { gzipFlagged } from '../support/corrupt-batch.js';
import { FakeBroker } from '../support/fake-broker.js';
import { take } from '../support/take.js';
import { waitFor } from '../../support/wait.js';

async function setup(t: { after(fn: () => unknown): void }, count: number, partitions = 1) {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', partitions);
  const producer = new Producer({
    bootstrapServers: broker.bootstrap,
    batchSize: 200,
    lingerMs: 0,
  });
  await producer.connect();
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      producer.send({ topic: 't', partition: i % partitions, key: `k${i}`, value: `v${i}` }),
    ),
  );
  await producer.close();
  return broker;
}

test('reads from the beginning in order across several fetches', async (t) => {
  const broker = await setup(t, 50);
  const consumer = new Consumer({
    bootstrapServers: broker.bootstrap,
    maxPartitionFetchBytes: 300,
    fetchMaxWaitMs: 10,
  });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
  const records = await take(consumer.records(), 50);
  assert.deepEqual(
    records.map((r) => r.offset),
    Array.from({ length: 50 }, (_, i) => BigInt(i)),
  );
  assert.equal(records[7]!.value!.toString(), 'v7');
  assert.equal(records[7]!.key!.toString(), 'k7');
  assert.ok(broker.received.filter((r) => r.apiKey === 1).length > 2);
});

test('latest starts at the end; seek moves back; a batch starting earlier is trimmed', async (t) => {
  const broker = await setup(t, 20);
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap, fetchMaxWaitMs: 10 });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([{ topic: 't', partition: 0 }]);
  const iter = consumer.records();
  // The position is known once the ListOffsets for 'latest' has been answered.
  await waitFor(
    'the position from ListOffsets',
    () => consumer.position({ topic: 't', partition: 0 }) !== null,
  );
  assert.equal(consumer.position({ topic: 't', partition: 0 }), 20n);
  consumer.seek({ topic: 't', partition: 0 }, 13n);
  const records = await take(iter, 7);
  assert.deepEqual(
    records.map((r) => r.offset),
    [13n, 14n, 15n, 16n, 17n, 18n, 19n],
  );
});

test('paused partitions are not fetched; resume continues where they were', async (t) => {
  const broker = await setup(t, 10, 2);
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap, fetchMaxWaitMs: 10 });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([
    { topic: 't', partition: 0, offset: 0n },
    { topic: 't', partition: 1, offset: 0n },
  ]);
  consumer.pause([{ topic: 't', partition: 1 }]);
  const iter = consumer.records();
  const first = await take(iter, 5);
  assert.ok(first.every((r) => r.partition === 0));
  assert.deepEqual(consumer.paused(), [{ topic: 't', partition: 1 }]);
  consumer.resume([{ topic: 't', partition: 1 }]);
  const rest = await take(iter, 5);
  assert.ok(rest.every((r) => r.partition === 1));
});

test('out of range with auto.offset.reset=none surfaces the Kafka error', async (t) => {
  const broker = await setup(t, 3);
  const consumer = new Consumer({
    bootstrapServers: broker.bootstrap,
    autoOffsetReset: 'none',
    fetchMaxWaitMs: 10,
  });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([{ topic: 't', partition: 0, offset: 99n }]);
  await assert.rejects(
    take(consumer.records(), 1),
    (e: unknown) => e instanceof KafkaError && e.name === 'OFFSET_OUT_OF_RANGE',
  );
});

test('out of range with earliest resets to the log start', async (t) => {
  const broker = await setup(t, 3);
  const consumer = new Consumer({
    bootstrapServers: broker.bootstrap,
    autoOffsetReset: 'earliest',
    fetchMaxWaitMs: 10,
  });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([{ topic: 't', partition: 0, offset: 99n }]);
  const records = await take(consumer.records(), 3);
  assert.deepEqual(
    records.map((r) => r.offset),
    [0n, 1n, 2n],
  );
});

test('a corrupt batch is a CorruptRecordError naming partition and offset, until a seek past it', async (t) => {
  const broker = await setup(t, 3);
  // A batch whose attributes say gzip over uncompressed records, as a broker without
  // compressed-batch validation would have stored it, then one good record after it.
  broker.appendRaw('t', 0, await gzipFlagged(['p1', 'p2']));
  broker.appendRaw('t', 0, await encodeRecordBatch([{ value: Buffer.from('after') }]));

  const consumer = new Consumer({ bootstrapServers: broker.bootstrap, fetchMaxWaitMs: 10 });
  await consumer.connect();
  t.after(() => consumer.close());
  consumer.assign([{ topic: 't', partition: 0, offset: 'earliest' }]);
  const seen: string[] = [];
  const failure = await (async () => {
    try {
      for await (const r of consumer.records()) seen.push(r.value!.toString());
    } catch (err) {
      return err;
    }
    return null;
  })();
  assert.deepEqual(seen, ['v0', 'v1', 'v2']);
  assert.ok(failure instanceof CorruptRecordError, String(failure));
  assert.deepEqual(
    [failure.topic, failure.partition, failure.offset, failure.lastOffset],
    ['t', 0, 3n, 4n],
  );
  assert.match(failure.message, /t-0 at offset 3/);
  // Until a seek, every new iteration reports it again.
  await assert.rejects(take(consumer.records(), 1), CorruptRecordError);
  consumer.seek({ topic: 't', partition: 0 }, failure.lastOffset! + 1n);
  const rest = await take(consumer.records(), 1);
  assert.deepEqual(
    rest.map((r) => [r.offset, r.value!.toString()]),
    [[5n, 'after']],
  );
});
