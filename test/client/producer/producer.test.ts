import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ApiKey,
  ClientError,
  KafkaError,
  partitionForKey,
  Producer,
} from '../../../src/client/index.js';
import { decodeRecordBatches } from '../../../src/protocol/index.js';
import { FakeBroker } from '../support/fake-broker.js';

async function setup(t: { after(fn: () => unknown): void }, partitions = 1) {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', partitions);
  return broker;
}

async function storedRecords(broker: FakeBroker, partition = 0) {
  const log = broker.topics.get('t')![partition]!;
  const batches = await decodeRecordBatches(Buffer.concat(log.batches.map((b) => b.buf)));
  return batches.flatMap((b) =>
    b.records.map((r) => ({
      offset: r.offset,
      key: r.key?.toString(),
      value: r.value?.toString(),
      headers: r.headers,
    })),
  );
}

test('send resolves with offsets; records arrive batched, in order, with headers', async (t) => {
  const broker = await setup(t);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 20 });
  await producer.connect();
  const sent = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      producer.send({ topic: 't', key: `k${i}`, value: `v${i}`, headers: { h: 'x' } }),
    ),
  );
  await producer.close();
  assert.deepEqual(
    sent.map((m) => m.offset),
    Array.from({ length: 10 }, (_, i) => BigInt(i)),
  );
  const produces = broker.received.filter((r) => r.apiKey === ApiKey.Produce);
  assert.equal(produces.length, 1, 'ten records lingered into one request');
  const records = await storedRecords(broker);
  assert.deepEqual(
    records.map((r) => r.value),
    sent.map((_, i) => `v${i}`),
  );
  assert.deepEqual(
    records[3]!.headers.map((h) => [h.key, h.value?.toString()]),
    [['h', 'x']],
  );
});

test('keyed records go to the Java partition; explicit partitions are kept', async (t) => {
  const broker = await setup(t, 5);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 });
  await producer.connect();
  const a = await producer.send({ topic: 't', key: 'alpha', value: '1' });
  const b = await producer.send({ topic: 't', value: '2', partition: 4 });
  await producer.close();
  assert.equal(a.partition, partitionForKey(Buffer.from('alpha'), 5));
  assert.equal(b.partition, 4);
  await assert.rejects(
    new Producer({ bootstrapServers: broker.bootstrap })
      .send({ topic: 't', value: 'x', partition: 9 })
      .catch((e) => {
        throw e;
      }),
    ClientError,
  );
});

test('idempotent batches carry a producer id and consecutive sequences', async (t) => {
  const broker = await setup(t);
  const producer = new Producer({
    bootstrapServers: broker.bootstrap,
    batchSize: 100,
    lingerMs: 0,
  });
  await producer.connect();
  await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      producer.send({ topic: 't', value: `value-${i}`.padEnd(30, '.') }),
    ),
  );
  await producer.close();
  const batches = await decodeRecordBatches(
    Buffer.concat(broker.topics.get('t')![0]!.batches.map((b) => b.buf)),
  );
  assert.ok(batches.length > 1);
  let expected = 0;
  for (const b of batches) {
    assert.equal(b.producerId, 1000n);
    assert.equal(b.baseSequence, expected);
    expected += b.recordCount;
  }
  assert.equal(expected, 20);
});

test('retriable errors are retried in order without duplicates', async (t) => {
  const broker = await setup(t);
  broker.faults.set(ApiKey.Produce, [6, 6]);
  const producer = new Producer({
    bootstrapServers: broker.bootstrap,
    batchSize: 64,
    lingerMs: 0,
    retryBackoffMs: 1,
  });
  await producer.connect();
  const sent = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      producer.send({ topic: 't', value: `record-${i}`.padEnd(40, '.') }),
    ),
  );
  await producer.close();
  const records = await storedRecords(broker);
  assert.deepEqual(broker.faults.get(ApiKey.Produce), [], 'both faults were hit');
  assert.deepEqual(
    records.map((r) => r.value),
    sent.map((_, i) => `record-${i}`.padEnd(40, '.')),
  );
});

test('a non-retriable error rejects the delivery with the Kafka error', async (t) => {
  const broker = await setup(t);
  broker.faults.set(ApiKey.Produce, [10]);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 0 });
  await producer.connect();
  const err = await producer.send({ topic: 't', value: 'big' }).catch((e: unknown) => e);
  assert.ok(err instanceof KafkaError);
  assert.equal(err.name, 'MESSAGE_TOO_LARGE');
  assert.equal(err.retriable, false);
  // The producer starts a new epoch and keeps working.
  const ok = await producer.send({ topic: 't', value: 'next' });
  assert.equal(ok.offset, 0n);
  await producer.close();
});

test('acks=0 resolves without waiting for the broker', async (t) => {
  const broker = await setup(t);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, acks: 0, lingerMs: 0 });
  await producer.connect();
  const m = await producer.send({ topic: 't', value: 'fire' });
  assert.equal(m.offset, -1n);
  await producer.close();
  assert.equal(broker.received.filter((r) => r.apiKey === ApiKey.InitProducerId).length, 0);
});

test('every compression codec round-trips', async (t) => {
  const broker = await setup(t);
  for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
    const producer = new Producer({ bootstrapServers: broker.bootstrap, compression, lingerMs: 0 });
    await producer.connect();
    await producer.send({ topic: 't', value: `with ${compression}` });
    await producer.close();
  }
  const batches = await decodeRecordBatches(
    Buffer.concat(broker.topics.get('t')![0]!.batches.map((b) => b.buf)),
  );
  assert.deepEqual(
    batches.map((b) => b.compression),
    [1, 2, 3, 4],
  );
  assert.deepEqual(
    batches.map((b) => b.records[0]!.value!.toString()),
    ['with gzip', 'with snappy', 'with lz4', 'with zstd'],
  );
});

test('buffer.memory makes send wait and then fail after max.block.ms', async (t) => {
  const broker = await setup(t);
  broker.silent.add(ApiKey.Produce);
  const producer = new Producer({
    bootstrapServers: broker.bootstrap,
    bufferMemory: 200,
    maxBlockMs: 50,
    lingerMs: 0,
    requestTimeoutMs: 5000,
  });
  await producer.connect();
  const first = producer.send({ topic: 't', value: Buffer.alloc(150) });
  first.catch(() => {});
  const err = await producer
    .send({ topic: 't', value: Buffer.alloc(150) })
    .catch((e: unknown) => e);
  assert.ok(err instanceof ClientError);
  assert.equal(err.code, 'ERR_BUFFER_FULL');
  producer.cluster.close();
});

test('sendBatch resolves every record in order with one call', async (t) => {
  const broker = await setup(t, 2);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 1 });
  await producer.connect();
  const results = await producer.sendBatch([
    { topic: 't', partition: 0, value: 'a' },
    { topic: 't', partition: 1, value: 'b' },
    { topic: 't', partition: 0, value: 'c' },
  ]);
  assert.deepEqual(
    results.map((r) => [r.partition, r.offset]),
    [
      [0, 0n],
      [1, 0n],
      [0, 1n],
    ],
  );
  await assert.rejects(producer.sendBatch([{ topic: 't', partition: 7, value: 'x' }]), ClientError);
  await producer.close();
  await assert.rejects(producer.send({ topic: 't', value: 'late' }), /closed/);
});

test('one sendBatch spread over several batches and partitions reports every offset', async (t) => {
  const broker = await setup(t, 2);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, batchSize: 100 });
  await producer.connect();
  const single = producer.send({ topic: 't', partition: 1, value: 'first' });
  const records = Array.from({ length: 20 }, (_, i) => ({
    topic: 't',
    partition: i % 2,
    value: `value-${i}`,
  }));
  const [one, results] = await Promise.all([single, producer.sendBatch(records)]);
  await producer.close();
  assert.deepEqual([one.partition, one.offset], [1, 0n]);
  assert.deepEqual(
    results.map((r) => [r.partition, r.offset]),
    records.map((_, i) => [i % 2, BigInt(Math.floor(i / 2) + (i % 2))]),
  );
  const produces = broker.received.filter((r) => r.apiKey === ApiKey.Produce);
  assert.ok(produces.length > 1, 'batch.size split the records');
  assert.deepEqual(
    (await storedRecords(broker, 1)).map((r) => r.value),
    ['first', ...records.filter((_, i) => i % 2 === 1).map((r) => r.value)],
  );
});
