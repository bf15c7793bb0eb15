// Records written with one schema-registry serde library and read with another, through a
// broker and our registry: confluent-kafka-python's SchemaRegistryClient with its JSON and
// Protobuf serializers, @kafkajs/confluent-schema-registry with Avro, and our serdes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaRegistry as KafkajsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  AvroDeserializer,
  AvroSerializer,
  Consumer,
  JsonSchemaDeserializer,
  JsonSchemaSerializer,
  Producer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
} from '../../src/client/index.js';
import { run } from '../interop/support/clients.js';
import { registryWithBroker } from './support/registry-fixture.js';

const tool = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'test',
  'registry',
  'support',
  'registry_tool.py',
);

async function python<T>(op: string, args: object): Promise<T> {
  const r = await run('/usr/bin/python3', [tool, op, JSON.stringify(args)], { timeoutMs: 60_000 });
  if (r.code !== 0)
    throw new Error(`registry_tool.py ${op} exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout) as T;
}

async function produceRaw(bootstrap: string, topic: string, values: Buffer[]): Promise<void> {
  const producer = new Producer({ bootstrapServers: bootstrap });
  await producer.connect();
  for (const value of values) await producer.send({ topic, value });
  await producer.close();
}

async function consumeRaw(bootstrap: string, topic: string, count: number): Promise<Buffer[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap });
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
  const out: Buffer[] = [];
  try {
    for await (const record of consumer.records()) {
      out.push(record.value!);
      if (out.length === count) break;
    }
  } finally {
    consumer.close();
  }
  return out;
}

test(
  'confluent-kafka-python SchemaRegistryClient against the registry',
  { timeout: 90_000 },
  async (t) => {
    const { registry } = await registryWithBroker(t);
    const schema = JSON.stringify({
      type: 'record',
      name: 'Py',
      fields: [{ name: 'a', type: 'int' }],
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const r = await python<Record<string, any>>('client', {
      registry: registry.url,
      subject: 'py-value',
      schema,
    });
    assert.equal(r.id, 1);
    assert.deepEqual(r.latest, { id: 1, version: 1, subject: 'py-value' });
    assert.deepEqual(r.lookup, { id: 1, version: 1 });
    assert.equal(r.byId.type, 'AVRO');
    assert.deepEqual(JSON.parse(r.byId.schema), JSON.parse(schema));
    assert.deepEqual(r.subjects, ['py-value']);
    assert.deepEqual(r.versions, [1]);
    assert.equal(r.compatibility, 'FULL');
    assert.equal(r.compatible, true);
    assert.deepEqual(r.deleted, [1]);
  },
);

test(
  'JSON Schema: confluent-kafka-python and our serdes read each other',
  { timeout: 90_000 },
  async (t) => {
    const { broker, registry } = await registryWithBroker(t);
    const schema = JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'Reading',
      type: 'object',
      properties: { sensor: { type: 'string' }, value: { type: 'number' } },
      required: ['sensor'],
    });
    await python('produce_json', {
      bootstrap: broker.bootstrap,
      registry: registry.url,
      topic: 'readings',
      schema,
      values: [{ sensor: 's1', value: 1.5 }],
    });
    const client = new SchemaRegistryClient({ url: registry.url });
    const [fromPython] = await consumeRaw(broker.bootstrap, 'readings', 1);
    const ours = new JsonSchemaDeserializer(client, { validate: true });
    assert.deepEqual(await ours.deserialize('readings', fromPython!), { sensor: 's1', value: 1.5 });

    const serializer = new JsonSchemaSerializer(client, { schema });
    await assert.rejects(
      serializer.serialize('readings', { value: 2 }),
      /does not match the schema/,
    );
    await produceRaw(broker.bootstrap, 'readings', [
      await serializer.serialize('readings', { sensor: 's2', value: 2 }),
    ]);
    const read = await python<unknown[]>('consume_json', {
      bootstrap: broker.bootstrap,
      registry: registry.url,
      topic: 'readings',
      schema,
      count: 2,
    });
    assert.deepEqual(read, [
      { sensor: 's1', value: 1.5 },
      { sensor: 's2', value: 2 },
    ]);
  },
);

test(
  'Protobuf: confluent-kafka-python and our serdes read each other',
  { timeout: 90_000 },
  async (t) => {
    const { broker, registry } = await registryWithBroker(t);
    await python('produce_protobuf', {
      bootstrap: broker.bootstrap,
      registry: registry.url,
      topic: 'orders',
      values: [{ id: 'o-1', total: '42', tags: ['a', 'b'] }],
    });
    const client = new SchemaRegistryClient({ url: registry.url });
    const [fromPython] = await consumeRaw(broker.bootstrap, 'orders', 1);
    assert.equal(fromPython![5], 0, 'the [0] message-index shortcut');
    assert.deepEqual(await new ProtobufDeserializer(client).deserialize('orders', fromPython!), {
      id: 'o-1',
      total: '42',
      tags: ['a', 'b'],
    });
    const proto =
      'syntax = "proto3";\npackage demo;\nmessage Order {\n  string id = 1;\n  int64 total = 2;\n  repeated string tags = 3;\n}\n';
    const serializer = new ProtobufSerializer(client, { schema: proto, messageType: 'demo.Order' });
    await produceRaw(broker.bootstrap, 'orders', [
      await serializer.serialize('orders', { id: 'o-2', total: 7, tags: ['c'] }),
    ]);
    const read = await python<unknown[]>('consume_protobuf', {
      bootstrap: broker.bootstrap,
      registry: registry.url,
      topic: 'orders',
      count: 2,
    });
    assert.deepEqual(read, [
      { id: 'o-1', total: '42', tags: ['a', 'b'] },
      { id: 'o-2', total: '7', tags: ['c'] },
    ]);
  },
);

test(
  'Avro: @kafkajs/confluent-schema-registry and our serdes read each other',
  { timeout: 60_000 },
  async (t) => {
    const { registry } = await registryWithBroker(t);
    const schema = {
      type: 'record',
      name: 'Payment',
      namespace: 'com.example',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'amount', type: 'double' },
        { name: 'note', type: ['null', 'string'], default: null },
      ],
    };
    const theirs = new KafkajsRegistry({ host: registry.url });
    const { id } = await theirs.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: 'payments-value' },
    );
    const written = await theirs.encode(id, { id: 'p1', amount: 9.5, note: null });

    const client = new SchemaRegistryClient({ url: registry.url });
    assert.deepEqual(
      { ...((await new AvroDeserializer(client).deserialize('payments', written)) as object) },
      {
        id: 'p1',
        amount: 9.5,
        note: null,
      },
    );
    const ours = await new AvroSerializer(client, { schema }).serialize('payments', {
      id: 'p2',
      amount: 1,
      note: 'x',
    });
    assert.equal(ours.readInt32BE(1), id, 'the same schema has the same id');
    assert.deepEqual({ ...(await theirs.decode(ours)) }, { id: 'p2', amount: 1, note: 'x' });

    // Records larger than the serializer's slab, and many small ones, keep their own bytes.
    const big = { id: 'x'.repeat(200_000), amount: 5, note: 'y'.repeat(70_000) };
    const shared = new AvroSerializer(client, { schema });
    await shared.serialize('payments', big);
    const many = await Promise.all(
      Array.from({ length: 2000 }, (_, i) =>
        shared.serialize('payments', {
          id: `m${i}`,
          amount: i,
          note: null,
        }),
      ),
    );
    const bigBytes = await new AvroSerializer(client, { schema }).serialize('payments', big);
    assert.deepEqual({ ...(await theirs.decode(bigBytes)) }, big);
    const deserializer = new AvroDeserializer(client);
    for (const [i, bytes] of many.entries())
      assert.equal(
        ((await deserializer.deserialize('payments', bytes)) as { id: string }).id,
        `m${i}`,
      );

    // A reader schema with a new defaulted field resolves old records (use.latest.version on
    // the writing side picks the subject's latest version).
    const v2 = {
      ...schema,
      fields: [...schema.fields, { name: 'currency', type: 'string', default: 'EUR' }],
    };
    const latest = new AvroSerializer(client, { useLatestVersion: true });
    assert.equal(
      (await latest.serialize('payments', { id: 'p3', amount: 2, note: null })).readInt32BE(1),
      id,
    );
    const resolved = await new AvroDeserializer(client, { readerSchema: v2 }).deserialize(
      'payments',
      ours,
    );
    assert.deepEqual(
      { ...(resolved as object) },
      { id: 'p2', amount: 1, note: 'x', currency: 'EUR' },
    );
    // auto.register.schemas=false refuses a schema the subject lacks.
    const unregistered = new AvroSerializer(client, { schema: v2, autoRegisterSchemas: false });
    await assert.rejects(
      unregistered.serialize('payments', { id: 'p4', amount: 3, note: null, currency: 'USD' }),
      /40403|not found/i,
    );
  },
);
