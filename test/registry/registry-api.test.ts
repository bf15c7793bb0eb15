// Confluent's Schema Registry REST API, end to end against a broker: registration, lookup,
// versions, soft and hard deletes, configs, modes, compatibility checks, references,
// contexts, ids by schema, and the error codes Confluent answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Consumer } from '../../src/client/index.js';
import { avro, registryWithBroker } from './support/registry-fixture.js';

const userV1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.example',
  fields: [{ name: 'name', type: 'string' }],
};
const userV2 = {
  ...userV1,
  fields: [...userV1.fields, { name: 'age', type: 'int', default: 0 }],
};

test('register, look up and list schemas', { timeout: 60_000 }, async (t) => {
  const { api } = await registryWithBroker(t);
  assert.deepEqual((await api('GET', '/')).body, {});
  assert.deepEqual((await api('GET', '/subjects')).body, []);
  const first = await api('POST', '/subjects/users-value/versions', avro(userV1));
  assert.deepEqual(first, { status: 200, body: { id: 1 } });
  // The same schema, formatted differently, is the same version and id.
  const again = await api('POST', '/subjects/users-value/versions', {
    schema: JSON.stringify(userV1, null, 2),
  });
  assert.deepEqual(again.body, { id: 1 });
  assert.deepEqual((await api('POST', '/subjects/users-value/versions', avro(userV2))).body, {
    id: 2,
  });
  // The same schema under another subject keeps its id.
  assert.deepEqual((await api('POST', '/subjects/other-value/versions', avro(userV1))).body, {
    id: 1,
  });
  assert.deepEqual((await api('GET', '/subjects')).body, ['other-value', 'users-value']);
  assert.deepEqual((await api('GET', '/subjects?subjectPrefix=users')).body, ['users-value']);
  assert.deepEqual((await api('GET', '/subjects/users-value/versions')).body, [1, 2]);
  const latest = await api('GET', '/subjects/users-value/versions/latest');
  assert.deepEqual(latest.body, {
    subject: 'users-value',
    version: 2,
    id: 2,
    schema: JSON.stringify(userV2),
  });
  assert.deepEqual((await api('GET', '/subjects/users-value/versions/-1')).body.version, 2);
  assert.deepEqual(
    JSON.parse(JSON.stringify((await api('GET', '/subjects/users-value/versions/1/schema')).body)),
    userV1,
  );
  assert.deepEqual((await api('GET', '/schemas/ids/1')).body, { schema: JSON.stringify(userV1) });
  assert.deepEqual((await api('GET', '/schemas/ids/1?fetchMaxId=true')).body.maxId, 2);
  assert.deepEqual((await api('GET', '/schemas/ids/1/subjects')).body, [
    'other-value',
    'users-value',
  ]);
  assert.deepEqual((await api('GET', '/schemas/ids/1/versions')).body, [
    { subject: 'other-value', version: 1 },
    { subject: 'users-value', version: 1 },
  ]);
  assert.deepEqual((await api('GET', '/schemas/types')).body, ['JSON', 'PROTOBUF', 'AVRO']);
  assert.equal((await api('GET', '/schemas')).body.length, 3);
  assert.equal(
    (await api('GET', '/schemas?subjectPrefix=users&latestOnly=true')).body[0].version,
    2,
  );
  const lookup = await api('POST', '/subjects/users-value', avro(userV1));
  assert.deepEqual(lookup.body, {
    subject: 'users-value',
    version: 1,
    id: 1,
    schema: JSON.stringify(userV1),
  });
  const metadata = await api('GET', '/v1/metadata/id');
  assert.equal(typeof metadata.body.scope.clusters['kafka-cluster'], 'string');
});

test(
  'not found and invalid requests answer Confluent error codes',
  { timeout: 60_000 },
  async (t) => {
    const { api } = await registryWithBroker(t);
    await api('POST', '/subjects/s/versions', avro(userV1));
    const codes = async (method: string, path: string, body?: unknown) => {
      const a = await api(method, path, body);
      return [a.status, a.body.error_code];
    };
    assert.deepEqual(await codes('GET', '/subjects/missing/versions'), [404, 40401]);
    assert.deepEqual(await codes('GET', '/subjects/missing/versions/1'), [404, 40401]);
    assert.deepEqual(await codes('GET', '/subjects/s/versions/7'), [404, 40402]);
    assert.deepEqual(await codes('GET', '/schemas/ids/99'), [404, 40403]);
    assert.deepEqual(
      await codes('POST', '/subjects/s', avro({ type: 'fixed', name: 'F', size: 3 })),
      [404, 40403],
    );
    assert.deepEqual(await codes('GET', '/subjects/s/versions/0'), [422, 42202]);
    assert.deepEqual(await codes('GET', '/subjects/s/versions/abc'), [422, 42202]);
    assert.deepEqual(await codes('PUT', '/config', { compatibility: 'SIDEWAYS' }), [422, 42203]);
    assert.deepEqual(await codes('PUT', '/mode', { mode: 'SOMETIMES' }), [422, 42204]);
    assert.deepEqual(await codes('GET', '/config/s'), [404, 40408]);
    assert.deepEqual(await codes('GET', '/mode/s'), [404, 40409]);
    assert.deepEqual(
      await codes('POST', '/subjects/s/versions', { schema: '{"type":"record"' }),
      [422, 42201],
    );
    assert.deepEqual(
      await codes('POST', '/subjects/s/versions', { schema: '{"type":"nope"}' }),
      [422, 42201],
    );
    assert.deepEqual(
      await codes('POST', '/subjects/s/versions', { schema: '{}', schemaType: 'XML' }),
      [422, 42201],
    );
    assert.deepEqual(await codes('POST', '/subjects/s/versions', '{not json'), [400, 400]);
  },
);

test('soft and hard deletes of versions and subjects', { timeout: 60_000 }, async (t) => {
  const { api } = await registryWithBroker(t);
  await api('POST', '/subjects/s/versions', avro(userV1));
  await api('POST', '/subjects/s/versions', avro(userV2));
  assert.deepEqual(
    (await api('DELETE', '/subjects/s/versions/1?permanent=true')).body.error_code,
    40407,
  );
  assert.deepEqual((await api('DELETE', '/subjects/s/versions/1')).body, 1);
  assert.deepEqual((await api('DELETE', '/subjects/s/versions/1')).body.error_code, 40406);
  assert.deepEqual((await api('GET', '/subjects/s/versions')).body, [2]);
  assert.deepEqual((await api('GET', '/subjects/s/versions?deleted=true')).body, [1, 2]);
  assert.equal((await api('GET', '/subjects/s/versions/1')).body.error_code, 40402);
  assert.equal((await api('GET', '/subjects/s/versions/1?deleted=true')).body.version, 1);
  assert.deepEqual((await api('DELETE', '/subjects/s/versions/1?permanent=true')).body, 1);
  assert.deepEqual((await api('GET', '/subjects/s/versions?deleted=true')).body, [2]);
  assert.equal((await api('DELETE', '/subjects/s?permanent=true')).body.error_code, 40405);
  assert.deepEqual((await api('DELETE', '/subjects/s')).body, [2]);
  assert.equal((await api('DELETE', '/subjects/s')).body.error_code, 40404);
  assert.deepEqual((await api('GET', '/subjects')).body, []);
  assert.deepEqual((await api('GET', '/subjects?deleted=true')).body, ['s']);
  // The id survives a soft delete: registering the schema again gives a new version, same id.
  assert.deepEqual((await api('POST', '/subjects/s/versions', avro(userV2))).body, { id: 2 });
  assert.deepEqual((await api('GET', '/subjects/s/versions')).body, [3]);
  await api('DELETE', '/subjects/s');
  assert.deepEqual((await api('DELETE', '/subjects/s?permanent=true')).body, [2, 3]);
  assert.deepEqual((await api('GET', '/subjects?deleted=true')).body, []);
  assert.equal((await api('GET', '/subjects/s/versions')).body.error_code, 40401);
});

test('compatibility configs, checks and modes', { timeout: 60_000 }, async (t) => {
  const { api } = await registryWithBroker(t);
  assert.deepEqual((await api('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
  await api('POST', '/subjects/s/versions', avro(userV1));
  const noDefault = { ...userV1, fields: [...userV1.fields, { name: 'age', type: 'int' }] };
  const refused = await api('POST', '/subjects/s/versions', avro(noDefault));
  assert.equal(refused.status, 409);
  assert.match(
    refused.body.message,
    /Schema being registered is incompatible with an earlier schema for subject "s"/,
  );
  assert.match(refused.body.message, /READER_FIELD_MISSING_DEFAULT_VALUE/);
  const check = await api(
    'POST',
    '/compatibility/subjects/s/versions/latest?verbose=true',
    avro(noDefault),
  );
  assert.equal(check.body.is_compatible, false);
  assert.ok(check.body.messages.some((m: string) => m.includes("The field 'age'")));
  assert.deepEqual((await api('POST', '/compatibility/subjects/s/versions/1', avro(userV2))).body, {
    is_compatible: true,
  });
  assert.deepEqual((await api('POST', '/compatibility/subjects/s/versions', avro(userV2))).body, {
    is_compatible: true,
  });
  assert.deepEqual((await api('PUT', '/config/s', { compatibility: 'none' })).body, {
    compatibility: 'NONE',
  });
  assert.deepEqual((await api('GET', '/config/s')).body, { compatibilityLevel: 'NONE' });
  assert.deepEqual((await api('GET', '/config/other?defaultToGlobal=true')).body, {
    compatibilityLevel: 'BACKWARD',
  });
  assert.deepEqual((await api('POST', '/subjects/s/versions', avro(noDefault))).body, { id: 2 });
  assert.deepEqual((await api('DELETE', '/config/s')).body, { compatibilityLevel: 'NONE' });
  assert.equal((await api('GET', '/config/s')).body.error_code, 40408);
  assert.deepEqual((await api('PUT', '/config', { compatibility: 'FULL_TRANSITIVE' })).body, {
    compatibility: 'FULL_TRANSITIVE',
  });
  assert.deepEqual((await api('GET', '/config')).body, { compatibilityLevel: 'FULL_TRANSITIVE' });

  // READONLY refuses writes; IMPORT lets a client choose ids and versions.
  assert.deepEqual((await api('PUT', '/mode/s', { mode: 'READONLY' })).body, { mode: 'READONLY' });
  assert.equal((await api('POST', '/subjects/s/versions', avro(userV2))).body.error_code, 42205);
  assert.deepEqual((await api('DELETE', '/mode/s')).body, { mode: 'READONLY' });
  assert.equal((await api('PUT', '/mode', { mode: 'IMPORT' })).body.error_code, 42205);
  assert.deepEqual((await api('PUT', '/mode/imported', { mode: 'IMPORT' })).body, {
    mode: 'IMPORT',
  });
  const imported = await api('POST', '/subjects/imported/versions', {
    ...avro(userV1),
    id: 100,
    version: 5,
  });
  assert.deepEqual(imported.body, { id: 100 });
  assert.deepEqual((await api('GET', '/subjects/imported/versions/5')).body.id, 100);
  assert.equal(
    (await api('POST', '/subjects/imported/versions', { ...avro(userV2), id: 100 })).body
      .error_code,
    42205,
  );
  assert.equal(
    (await api('POST', '/subjects/s/versions', { ...avro(userV2), id: 200 })).body.error_code,
    42205,
  );
  assert.deepEqual((await api('GET', '/mode')).body, { mode: 'READWRITE' });
});

test('references, contexts, JSON Schema and Protobuf', { timeout: 60_000 }, async (t) => {
  const { api } = await registryWithBroker(t);
  const address = {
    type: 'record',
    name: 'Address',
    namespace: 'com.example',
    fields: [{ name: 'city', type: 'string' }],
  };
  await api('POST', '/subjects/address/versions', avro(address));
  const person = {
    type: 'record',
    name: 'Person',
    namespace: 'com.example',
    fields: [{ name: 'home', type: 'com.example.Address' }],
  };
  const references = [{ name: 'com.example.Address', subject: 'address', version: 1 }];
  const registered = await api('POST', '/subjects/person/versions', {
    ...avro(person),
    references,
  });
  assert.deepEqual(registered.body, { id: 2 });
  assert.deepEqual((await api('GET', '/subjects/person/versions/1')).body.references, references);
  assert.deepEqual((await api('GET', '/subjects/address/versions/1/referencedby')).body, [2]);
  assert.equal((await api('DELETE', '/subjects/address')).body.error_code, 42206);
  const dangling = [{ name: 'x', subject: 'nowhere', version: 1 }];
  assert.equal(
    (await api('POST', '/subjects/p2/versions', { ...avro(person), references: dangling })).body
      .error_code,
    42201,
  );

  // A named context keeps its own subjects and numbers its own ids; the qualified name is
  // the subject, and `?subject=` says in which context an id is looked up.
  const staged = await api('POST', '/subjects/:.staging:orders/versions', avro(userV1));
  assert.deepEqual(staged.body, { id: 1 });
  assert.deepEqual((await api('GET', '/subjects?subjectPrefix=:.staging:')).body, [
    ':.staging:orders',
  ]);
  assert.deepEqual((await api('GET', '/contexts')).body, ['.', '.staging']);
  const inContext = await api('GET', '/schemas/ids/1?subject=:.staging:orders');
  assert.deepEqual(inContext.body, { schema: JSON.stringify(userV1) });
  assert.deepEqual(JSON.parse((await api('GET', '/schemas/ids/1')).body.schema), address);
  assert.deepEqual((await api('GET', '/schemas/ids/1/subjects?subject=:.staging:')).body, [
    ':.staging:orders',
  ]);
  assert.equal(
    (await api('GET', '/schemas/ids/2?subject=:.staging:orders')).body.error_code,
    40403,
  );

  const json = {
    type: 'object',
    properties: { a: { type: 'string' } },
    additionalProperties: false,
  };
  const jsonId = await api('POST', '/subjects/j/versions', {
    schemaType: 'JSON',
    schema: JSON.stringify(json),
  });
  assert.equal(jsonId.status, 200);
  assert.equal((await api('GET', `/schemas/ids/${jsonId.body.id}`)).body.schemaType, 'JSON');
  const narrowed = {
    ...json,
    properties: { a: { type: 'string' }, b: { type: 'integer' } },
    required: ['b'],
  };
  const jsonRefused = await api('POST', '/subjects/j/versions', {
    schemaType: 'JSON',
    schema: JSON.stringify(narrowed),
  });
  assert.equal(jsonRefused.status, 409);
  assert.match(jsonRefused.body.message, /REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL/);

  const proto =
    'syntax = "proto3";\npackage demo;\nmessage Order { string id = 1; int64 total = 2; }\n';
  const protoId = await api('POST', '/subjects/o/versions', {
    schemaType: 'PROTOBUF',
    schema: proto,
  });
  assert.equal(protoId.status, 200);
  const renamed = proto.replace('string id = 1', 'string order_id = 1');
  assert.equal(
    (await api('POST', '/subjects/o/versions', { schemaType: 'PROTOBUF', schema: renamed })).status,
    200,
  );
  const retyped = proto.replace('int64 total = 2', 'string total = 2');
  const protoRefused = await api('POST', '/subjects/o/versions', {
    schemaType: 'PROTOBUF',
    schema: retyped,
  });
  assert.equal(protoRefused.status, 409);
  assert.match(protoRefused.body.message, /FIELD_SCALAR_KIND_CHANGED/);
  assert.equal(
    (await api('POST', '/subjects/o/versions', { schemaType: 'PROTOBUF', schema: 'message {' }))
      .body.error_code,
    42201,
  );
});

test(
  '_schemas holds Confluent-format records, refused input writes nothing',
  { timeout: 60_000 },
  async (t) => {
    const { api, broker } = await registryWithBroker(t);
    await api('POST', '/subjects/s/versions', avro(userV1));
    await api('PUT', '/config/s', { compatibility: 'FULL' });
    // Refused requests: none of them may write a record.
    const huge = {
      type: 'record',
      name: 'Huge',
      fields: Array.from({ length: 60_000 }, (_, i) => ({ name: `f${i}`, type: 'string' })),
    };
    const refusals = [
      await api('POST', '/subjects/s/versions', '{"schema": '),
      await api('POST', '/subjects/s/versions', {
        schema: '{"type":"record","name":"X","fields":[{"name":"a"}]}',
      }),
      await api('POST', '/subjects/s/versions', { schema: '"int"', schemaType: 'THRIFT' }),
      await api('POST', '/subjects/s/versions', {
        ...avro(userV1),
        references: [{ name: 'User', subject: 's', version: 2 }],
      }),
      await api('POST', '/subjects/huge/versions', avro(huge)),
    ];
    assert.deepEqual(
      refusals.map((r) => r.body.error_code),
      // The huge schema passes every check but is larger than the broker takes in one record.
      [400, 42201, 42201, 42201, 50001],
    );
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
    await consumer.connect();
    t.after(() => consumer.close());
    consumer.assign([{ topic: '_schemas', partition: 0, offset: 'earliest' }]);
    const records: { key: unknown; value: unknown }[] = [];
    for await (const batch of consumer.batches()) {
      for (const r of batch.records)
        records.push({
          key: JSON.parse(r.key!.toString()),
          value: r.value === null ? null : JSON.parse(r.value.toString()),
        });
      if (batch.nextOffset >= batch.highWatermark) break;
    }
    const [schema, config] = records.filter(
      (r) => (r.key as { keytype: string }).keytype !== 'NOOP',
    );
    assert.deepEqual(schema, {
      key: { keytype: 'SCHEMA', subject: 's', version: 1, magic: 1 },
      value: {
        subject: 's',
        version: 1,
        id: 1,
        references: [],
        schema: JSON.stringify(userV1),
        deleted: false,
      },
    });
    assert.deepEqual(config, {
      key: { keytype: 'CONFIG', subject: 's', magic: 0 },
      value: { compatibilityLevel: 'FULL' },
    });
    assert.equal(
      records.filter((r) => (r.key as { keytype: string }).keytype !== 'NOOP').length,
      2,
    );
  },
);
