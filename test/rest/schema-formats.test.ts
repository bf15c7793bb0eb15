// The schema formats through a real registry: Avro, JSON Schema and Protobuf produced through
// v2 (embedded formats) and v3 (typed data), read back by v2 consumers of those formats and by
// our client's deserializers from Confluent's wire format, and the errors for bad schemas,
// bad values and unknown schema ids.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../src/index.js';
import { Consumer, Producer, type ConsumerRecord } from '../../src/client/index.js';
import {
  AvroDeserializer,
  AvroSerializer,
  JsonSchemaDeserializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
} from '../../src/client/serdes/index.js';
import { startSchemaRegistry, type RegistryServer } from '../../src/registry/index.js';
import { startHostedRestProxy } from '../../src/cli/hosted-rest-proxy.js';
import {
  pollRecords,
  restCaller,
  startBrokerAndProxy,
  V2,
  type RestFixture,
} from './support/rest-fixture.js';

const AVRO_USER = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'demo',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'age', type: ['null', 'int'], default: null },
  ],
});
const JSON_ORDER = JSON.stringify({
  title: 'Order',
  type: 'object',
  properties: { id: { type: 'integer' }, item: { type: 'string' } },
  required: ['id'],
});
const PROTO_POINT =
  'syntax = "proto3";\npackage demo;\nmessage Point { int32 x = 1; string label = 2; }\n';

let broker: Broker;
let registry: RegistryServer;
let f: RestFixture;
let client: SchemaRegistryClient;
let v3: string;

before(async () => {
  broker = await startBroker({ port: 0, config: { 'group.initial.rebalance.delay.ms': 0 } });
  registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
  f = await startBrokerAndProxy({ broker, proxyConfig: { 'schema.registry.url': registry.url } });
  client = new SchemaRegistryClient({ url: registry.url });
  v3 = `/v3/clusters/${f.clusterId}`;
  for (const topic of [
    'avro-t',
    'json-t',
    'proto-t',
    'v3-avro',
    'v3-json',
    'v3-proto',
    'proto-n',
    'client-avro',
  ])
    await f.call('POST', `${v3}/topics`, { body: { topic_name: topic, partitions_count: 1 } });
});
after(async () => {
  await f.close();
  await registry.close();
  await broker.close();
});

/** The first `count` records of partition 0 of `topic`, read with our consumer. */
async function read(topic: string, count: number): Promise<ConsumerRecord[]> {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 0n }]);
  const out: ConsumerRecord[] = [];
  try {
    for await (const r of consumer.records()) {
      out.push(r);
      if (out.length === count) break;
    }
  } finally {
    consumer.close();
  }
  return out;
}

/** A v2 consumer instance of `format` reading `topic` from the start; its records. */
async function consumeV2(format: string, topic: string, count: number) {
  const group = `g-${format}-${topic}`;
  const created = await f.call('POST', `/consumers/${group}`, {
    contentType: V2,
    body: { name: 'c1', format, 'auto.offset.reset': 'earliest' },
  });
  assert.equal(created.status, 200, created.text);
  const path = `/consumers/${group}/instances/c1`;
  const sub = await f.call('POST', `${path}/subscription`, {
    contentType: V2,
    body: { topics: [topic] },
  });
  assert.equal(sub.status, 204, sub.text);
  try {
    return await pollRecords(f.call, path, count, `application/vnd.kafka.${format}.v2+json`);
  } finally {
    await f.call('DELETE', path, { contentType: V2 });
  }
}

test('v2 avro: value_schema registers, value_schema_id reuses, consumers read it back', async () => {
  const first = await f.call('POST', '/topics/avro-t', {
    contentType: 'application/vnd.kafka.avro.v2+json',
    body: {
      key_schema: '"string"',
      value_schema: AVRO_USER,
      records: [
        { key: 'k1', value: { name: 'ann', age: null } },
        { key: 'k2', value: { name: 'bob', age: { int: 25 } } },
      ],
    },
  });
  assert.equal(first.status, 200, first.text);
  const valueId = first.body.value_schema_id as number;
  assert.equal(typeof valueId, 'number');
  assert.equal(typeof first.body.key_schema_id, 'number');
  assert.equal(valueId, (await client.getVersion('avro-t-value', 'latest')).id);
  assert.equal(first.body.key_schema_id, (await client.getVersion('avro-t-key', 'latest')).id);
  const second = await f.call('POST', '/topics/avro-t', {
    contentType: 'application/vnd.kafka.avro.v2+json',
    body: { value_schema_id: valueId, records: [{ value: { name: 'cy', age: { int: 3 } } }] },
  });
  assert.equal(second.status, 200, second.text);
  assert.equal(second.body.value_schema_id, valueId);
  assert.equal(second.body.key_schema_id, null);

  const records = await read('avro-t', 3);
  const avro = new AvroDeserializer(client);
  assert.equal(records[0]!.value![0], 0);
  assert.equal(records[0]!.value!.readInt32BE(1), valueId);
  assert.deepEqual(
    { ...((await avro.deserialize('avro-t', records[1]!.value!)) as object) },
    {
      name: 'bob',
      age: 25,
    },
  );
  assert.equal(await avro.deserialize('avro-t', records[0]!.key!), 'k1');

  const polled = await consumeV2('avro', 'avro-t', 3);
  assert.deepEqual(
    polled.map((r) => [r.key, r.value]),
    [
      ['k1', { name: 'ann', age: null }],
      ['k2', { name: 'bob', age: { int: 25 } }],
      [null, { name: 'cy', age: { int: 3 } }],
    ],
  );
});

test('v2 jsonschema and protobuf round-trip', async () => {
  const json = await f.call('POST', '/topics/json-t', {
    contentType: 'application/vnd.kafka.jsonschema.v2+json',
    body: { value_schema: JSON_ORDER, records: [{ value: { id: 1, item: 'tea' } }] },
  });
  assert.equal(json.status, 200, json.text);
  const proto = await f.call('POST', '/topics/proto-t', {
    contentType: 'application/vnd.kafka.protobuf.v2+json',
    body: { value_schema: PROTO_POINT, records: [{ value: { x: 7, label: 'p' } }] },
  });
  assert.equal(proto.status, 200, proto.text);
  assert.equal((await client.getVersion('proto-t-value', 'latest')).id, proto.body.value_schema_id);

  const [jsonRecord] = await read('json-t', 1);
  assert.deepEqual(
    await new JsonSchemaDeserializer(client, { validate: true }).deserialize(
      'json-t',
      jsonRecord!.value!,
    ),
    { id: 1, item: 'tea' },
  );
  const [protoRecord] = await read('proto-t', 1);
  assert.deepEqual(
    { ...(await new ProtobufDeserializer(client).deserialize('proto-t', protoRecord!.value!)) },
    { x: 7, label: 'p' },
  );

  assert.deepEqual(
    (await consumeV2('jsonschema', 'json-t', 1)).map((r) => r.value),
    [{ id: 1, item: 'tea' }],
  );
  assert.deepEqual(
    (await consumeV2('protobuf', 'proto-t', 1)).map((r) => r.value),
    [{ x: 7, label: 'p' }],
  );
});

test('v3 AVRO, JSONSCHEMA and PROTOBUF: schema, schema_id, schema_version, latest', async () => {
  const post = (topic: string, body: unknown) =>
    f.call('POST', `${v3}/topics/${topic}/records`, { body });
  const a1 = await post('v3-avro', {
    key: { type: 'AVRO', schema: '"string"', data: 'k' },
    value: { type: 'AVRO', schema: AVRO_USER, data: { name: 'dee', age: { int: 40 } } },
  });
  assert.equal(a1.status, 200, a1.text);
  assert.equal(a1.body.error_code, 200);
  const avroId = a1.body.value.schema_id as number;
  assert.equal(a1.body.value.type, 'AVRO');
  // By id, by subject version, and the subject's latest version.
  const a2 = await post('v3-avro', {
    value: { schema_id: avroId, data: { name: 'e', age: null } },
  });
  assert.equal(a2.status, 200, a2.text);
  assert.equal(a2.body.value.schema_id, avroId);
  const a3 = await post('v3-avro', {
    value: { type: 'AVRO', schema_version: 1, data: { name: 'f', age: null } },
  });
  assert.equal(a3.status, 200, a3.text);
  assert.equal(a3.body.value.schema_id, avroId);
  const a4 = await post('v3-avro', { value: { type: 'AVRO', data: { name: 'g', age: null } } });
  assert.equal(a4.status, 200, a4.text);
  assert.equal(a4.body.value.schema_id, avroId);
  // RECORD_NAME: the subject is the record's full name.
  const a5 = await post('v3-avro', {
    value: {
      type: 'AVRO',
      schema: AVRO_USER,
      subject_name_strategy: 'RECORD_NAME',
      data: { name: 'h', age: null },
    },
  });
  assert.equal(a5.status, 200, a5.text);
  assert.equal((await client.getVersion('demo.User', 'latest')).id, a5.body.value.schema_id);

  const j = await post('v3-json', {
    value: { type: 'JSONSCHEMA', schema: JSON_ORDER, data: { id: 9, item: 'cake' } },
  });
  assert.equal(j.status, 200, j.text);
  const p = await post('v3-proto', {
    value: {
      type: 'PROTOBUF',
      subject: 'points',
      schema: PROTO_POINT,
      data: { x: -3, label: 'q' },
    },
  });
  assert.equal(p.status, 200, p.text);
  assert.equal((await client.getVersion('points', 'latest')).id, p.body.value.schema_id);

  const avroRecords = await read('v3-avro', 5);
  const avro = new AvroDeserializer(client);
  assert.deepEqual(
    await Promise.all(
      avroRecords.map(async (r) => ({
        ...((await avro.deserialize('v3-avro', r.value!)) as object),
      })),
    ),
    [
      { name: 'dee', age: 40 },
      { name: 'e', age: null },
      { name: 'f', age: null },
      { name: 'g', age: null },
      { name: 'h', age: null },
    ],
  );
  assert.equal(await avro.deserialize('v3-avro', avroRecords[0]!.key!), 'k');
  const [jr] = await read('v3-json', 1);
  assert.deepEqual(await new JsonSchemaDeserializer(client).deserialize('v3-json', jr!.value!), {
    id: 9,
    item: 'cake',
  });
  const [pr] = await read('v3-proto', 1);
  assert.deepEqual(
    { ...(await new ProtobufDeserializer(client).deserialize('v3-proto', pr!.value!)) },
    {
      x: -3,
      label: 'q',
    },
  );
  assert.deepEqual(
    (await consumeV2('avro', 'v3-avro', 5)).map((r) => r.value),
    [
      { name: 'dee', age: { int: 40 } },
      { name: 'e', age: null },
      { name: 'f', age: null },
      { name: 'g', age: null },
      { name: 'h', age: null },
    ],
  );
});

test('bad schemas, bad values and unknown ids answer Confluent codes', async () => {
  const v2 = (format: string, body: unknown) =>
    f.call('POST', '/topics/avro-t', {
      contentType: `application/vnd.kafka.${format}.v2+json`,
      body,
    });
  const badSchema = await v2('avro', { value_schema: '{"type": "nope"}', records: [{ value: 1 }] });
  assert.equal(badSchema.status, 422, badSchema.text);
  assert.equal(badSchema.body.error_code, 42205);
  const badValue = await v2('avro', {
    value_schema: AVRO_USER,
    records: [{ value: { name: 5 } }],
  });
  assert.equal(badValue.status, 422, badValue.text);
  assert.equal(badValue.body.error_code, 42203);
  const badJson = await f.call('POST', '/topics/json-t', {
    contentType: 'application/vnd.kafka.jsonschema.v2+json',
    body: { value_schema: JSON_ORDER, records: [{ value: { item: 'no id' } }] },
  });
  assert.equal(badJson.status, 422, badJson.text);
  assert.equal(badJson.body.error_code, 42203);
  const badProto = await f.call('POST', '/topics/proto-t', {
    contentType: 'application/vnd.kafka.protobuf.v2+json',
    body: { value_schema: PROTO_POINT, records: [{ value: { x: 'seven', y: 1 } }] },
  });
  assert.equal(badProto.status, 422, badProto.text);
  assert.equal(badProto.body.error_code, 42203);
  const unknownId = await v2('avro', { value_schema_id: 99999, records: [{ value: 1 }] });
  assert.equal(unknownId.status, 408, unknownId.text);
  assert.equal(unknownId.body.error_code, 40801);

  const post = (body: unknown) => f.call('POST', `${v3}/topics/v3-json/records`, { body });
  const v3BadValue = await post({
    value: { type: 'JSONSCHEMA', schema: JSON_ORDER, data: { id: 'x' } },
  });
  assert.equal(v3BadValue.status, 400, v3BadValue.text);
  assert.equal(v3BadValue.body.error_code, 400);
  const v3BadSchema = await post({ value: { type: 'AVRO', schema: '{"type": 1}', data: 1 } });
  assert.equal(v3BadSchema.status, 400, v3BadSchema.text);
  const v3NoSubject = await post({ value: { type: 'PROTOBUF', schema_version: 1, data: {} } });
  assert.equal(v3NoSubject.status, 400, v3NoSubject.text);
  // A schema id of another format.
  const avroId = (await client.getVersion('avro-t-value', 'latest')).id;
  const v3WrongType = await post({ value: { type: 'JSONSCHEMA', schema_id: avroId, data: {} } });
  assert.equal(v3WrongType.status, 400, v3WrongType.text);
  assert.match(v3WrongType.body.message, /not JSONSCHEMA/);
});

test('the proxy hosted by `rivulet start` uses the registry hosted beside it', async () => {
  const proxy = await startHostedRestProxy(
    broker.bootstrap,
    { listeners: 'http://127.0.0.1:0' },
    registry.url,
  );
  try {
    const answer = await restCaller(proxy.url)('POST', `${v3}/topics/v3-avro/records`, {
      body: { value: { type: 'AVRO', schema_version: 1, data: { name: 'i', age: null } } },
    });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.body.value.schema_id, (await client.getVersion('v3-avro-value', 1)).id);
  } finally {
    await proxy.close();
  }
});

test('protobuf: JSON names and nested messages are taken and answered (protobuf JSON mapping)', async () => {
  const schema =
    'syntax = "proto3";\npackage shop;\n' +
    'message Basket { string basket_id = 1; repeated Line lines = 2; }\n' +
    'message Line { string sku_code = 1; int64 unit_count = 2; }\n';
  const lines = [{ skuCode: 'a', unitCount: 2 }];
  const answer = await f.call('POST', `${v3}/topics/proto-n/records`, {
    body: { value: { type: 'PROTOBUF', schema, data: { basketId: 'b1', lines } } },
  });
  assert.equal(answer.status, 200, answer.text);
  // The file's first message (Basket) is the one written.
  const polled = await consumeV2('protobuf', 'proto-n', 1);
  assert.equal(polled.length, 1);
  assert.deepEqual(polled[0].value, {
    basketId: 'b1',
    lines: [{ skuCode: 'a', unitCount: '2' }],
  });
});

test('protobuf written by our serializer as a later or nested message is read as that message', async () => {
  const schema =
    'syntax = "proto3";\npackage shop;\n' +
    'message Basket { string basket_id = 1; }\n' +
    'message Order {\n' +
    '  string order_id = 1 [json_name = "ref"];\n' +
    '  Kind kind_of = 2;\n' +
    '  bytes raw_data = 3;\n' +
    '  Customer buyer_info = 4;\n' +
    '  Customer gift_to = 5;\n' +
    '  map<string, Customer> by_name = 6;\n' +
    '  message Customer { string full_name = 1; uint64 loyalty_points = 2; }\n' +
    '  enum Kind { KIND_UNSET = 0; KIND_EXPRESS = 1; }\n' +
    '}\n';
  const order = new ProtobufSerializer(client, { schema, messageType: 'shop.Order' });
  const customer = new ProtobufSerializer(client, {
    schema,
    messageType: 'shop.Order.Customer',
  });
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  try {
    await producer.send({
      topic: 'client-proto',
      partition: 0,
      value: await order.serialize('client-proto', {
        order_id: 'o-1',
        kind_of: 1,
        raw_data: Buffer.from('hi'),
        buyer_info: { full_name: 'Ada', loyalty_points: 12 },
        by_name: { ada: { full_name: 'Ada', loyalty_points: 1 } },
      }),
    });
    await producer.send({
      topic: 'client-proto',
      partition: 0,
      value: await customer.serialize('client-proto', { full_name: 'Bo' }),
    });
  } finally {
    await producer.close();
  }
  const polled = await consumeV2('protobuf', 'client-proto', 2);
  assert.deepEqual(polled[0].value, {
    ref: 'o-1',
    kindOf: 'KIND_EXPRESS',
    rawData: Buffer.from('hi').toString('base64'),
    buyerInfo: { fullName: 'Ada', loyaltyPoints: '12' },
    byName: { ada: { fullName: 'Ada', loyaltyPoints: '1' } },
  });
  // Message indexes [1, 0]: Order's first nested message, not the file's first message.
  assert.deepEqual(polled[1].value, { fullName: 'Bo', loyaltyPoints: '0' });
});

test('records written by our AvroSerializer are read through a v2 avro consumer', async () => {
  const serializer = new AvroSerializer(client, { schema: AVRO_USER });
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  try {
    await producer.send({
      topic: 'client-avro',
      partition: 0,
      value: await serializer.serialize('client-avro', { name: 'zed', age: 9 }),
    });
  } finally {
    await producer.close();
  }
  const polled = await consumeV2('avro', 'client-avro', 1);
  assert.deepEqual(polled[0].value, { name: 'zed', age: { int: 9 } });
});
