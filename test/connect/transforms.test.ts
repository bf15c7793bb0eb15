// The built-in transforms, predicates and converters, with Kafka's config names, on records
// with a schema (Struct) and without (plain maps).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JsonConverter,
  Plugins,
  Struct,
  schemaOf,
  structSchema,
  optional,
  LOGICAL,
  type ConnectRecord,
} from '../../src/connect/index.js';
import { TransformChain } from '../../src/connect/transforms/transform-chain.js';

const plugins = new Plugins();
const T = 'org.apache.kafka.connect.transforms.';

function chain(config: Record<string, string>): TransformChain {
  return TransformChain.fromConfig(config, plugins);
}

const userSchema = structSchema([
  { name: 'id', schema: schemaOf('INT64') },
  { name: 'name', schema: schemaOf('STRING') },
  { name: 'email', schema: optional(schemaOf('STRING')) },
  { name: 'age', schema: schemaOf('INT32') },
]);

function userRecord(): ConnectRecord {
  const value = new Struct(userSchema)
    .put('id', 7n)
    .put('name', 'ada')
    .put('email', 'ada@example.com')
    .put('age', 36);
  return {
    topic: 'users',
    kafkaPartition: 0,
    key: null,
    valueSchema: userSchema,
    value,
    timestamp: Date.UTC(2026, 11, 7, 10, 30),
    headers: [],
  };
}

function mapRecord(value: unknown): ConnectRecord {
  return {
    topic: 'users',
    kafkaPartition: 2,
    key: null,
    value,
    timestamp: Date.UTC(2026, 11, 7),
    headers: [],
  };
}

test('InsertField adds topic, partition, timestamp and static fields', () => {
  const c = chain({
    transforms: 'i',
    'transforms.i.type': `${T}InsertField$Value`,
    'transforms.i.topic.field': 'src',
    'transforms.i.partition.field': 'p',
    'transforms.i.static.field': 'dc',
    'transforms.i.static.value': 'eu-1',
    'transforms.i.timestamp.field': 'ts',
  });
  const out = c.apply(userRecord())!;
  const v = out.value as Struct;
  assert.equal(v.get('src'), 'users');
  assert.equal(v.get('p'), 0);
  assert.equal(v.get('dc'), 'eu-1');
  assert.deepEqual(v.get('ts'), new Date(Date.UTC(2026, 11, 7, 10, 30)));
  assert.equal(v.get('name'), 'ada');
  assert.equal(
    out.valueSchema!.fields!.find((f) => f.name === 'ts')!.schema.name,
    LOGICAL.timestamp,
  );
  const m = c.apply(mapRecord({ a: 1 }))!.value as Record<string, unknown>;
  assert.deepEqual(m, { a: 1, src: 'users', p: 2, dc: 'eu-1', ts: Date.UTC(2026, 11, 7) });
});

test('ReplaceField excludes, includes and renames', () => {
  const out = chain({
    transforms: 'r',
    'transforms.r.type': 'ReplaceField$Value',
    'transforms.r.exclude': 'email',
    'transforms.r.renames': 'name:full_name',
  }).apply(userRecord())!;
  assert.deepEqual(
    out.valueSchema!.fields!.map((f) => f.name),
    ['id', 'full_name', 'age'],
  );
  assert.equal((out.value as Struct).get('full_name'), 'ada');
  const inc = chain({
    transforms: 'r',
    'transforms.r.type': 'ReplaceField$Value',
    'transforms.r.include': 'id',
  }).apply(mapRecord({ id: 1, x: 2 }))!;
  assert.deepEqual(inc.value, { id: 1 });
  assert.throws(
    () =>
      chain({
        transforms: 'r',
        'transforms.r.type': 'ReplaceField$Value',
        'transforms.r.renames': 'broken',
      }),
    /rename/,
  );
});

test('MaskField, ValueToKey, HoistField, ExtractField', () => {
  const masked = chain({
    transforms: 'm',
    'transforms.m.type': 'MaskField$Value',
    'transforms.m.fields': 'email,age',
  }).apply(userRecord())!.value as Struct;
  assert.equal(masked.get('email'), '');
  assert.equal(masked.get('age'), 0);
  const replaced = chain({
    transforms: 'm',
    'transforms.m.type': 'MaskField$Value',
    'transforms.m.fields': 'email',
    'transforms.m.replacement': '****',
  }).apply(userRecord())!.value as Struct;
  assert.equal(replaced.get('email'), '****');
  const keyed = chain({
    transforms: 'k',
    'transforms.k.type': `${T}ValueToKey`,
    'transforms.k.fields': 'id',
  }).apply(userRecord())!;
  assert.equal((keyed.key as Struct).get('id'), 7n);
  const hoisted = chain({
    transforms: 'h',
    'transforms.h.type': 'HoistField$Value',
    'transforms.h.field': 'line',
  }).apply(mapRecord('hello'))!;
  assert.deepEqual(hoisted.value, { line: 'hello' });
  const extracted = chain({
    transforms: 'e',
    'transforms.e.type': 'ExtractField$Value',
    'transforms.e.field': 'name',
  }).apply(userRecord())!;
  assert.equal(extracted.value, 'ada');
  assert.equal(extracted.valueSchema!.type, 'STRING');
});

test('Flatten, Cast and TimestampConverter', () => {
  const flat = chain({
    transforms: 'f',
    'transforms.f.type': 'Flatten$Value',
    'transforms.f.delimiter': '_',
  }).apply(mapRecord({ a: { b: 1, c: { d: 'x' } }, e: 2 }))!;
  assert.deepEqual(flat.value, { a_b: 1, a_c_d: 'x', e: 2 });
  const cast = chain({
    transforms: 'c',
    'transforms.c.type': 'Cast$Value',
    'transforms.c.spec': 'age:string,id:int32',
  }).apply(userRecord())!;
  assert.equal((cast.value as Struct).get('age'), '36');
  assert.equal((cast.value as Struct).get('id'), 7);
  assert.equal(cast.valueSchema!.fields!.find((f) => f.name === 'age')!.schema.type, 'STRING');
  const ts = chain({
    transforms: 't',
    'transforms.t.type': 'TimestampConverter$Value',
    'transforms.t.field': 'at',
    'transforms.t.target.type': 'string',
    'transforms.t.format': 'yyyy-MM-dd HH:mm',
  }).apply(mapRecord({ at: Date.UTC(2026, 0, 2, 3, 4) }))!;
  assert.deepEqual(ts.value, { at: '2026-01-02 03:04' });
  const back = chain({
    transforms: 't',
    'transforms.t.type': 'TimestampConverter$Value',
    'transforms.t.field': 'at',
    'transforms.t.target.type': 'unix',
    'transforms.t.format': 'yyyy-MM-dd HH:mm',
  }).apply(mapRecord({ at: '2026-01-02 03:04' }))!;
  assert.deepEqual(back.value, { at: Date.UTC(2026, 0, 2, 3, 4) });
});

test('routers, schema metadata, header transforms, Filter with predicates', () => {
  const routed = chain({
    transforms: 'r',
    'transforms.r.type': 'RegexRouter',
    'transforms.r.regex': '(.*)ers',
    'transforms.r.replacement': '$1-v2',
  }).apply(userRecord())!;
  assert.equal(routed.topic, 'us-v2');
  const untouched = chain({
    transforms: 'r',
    'transforms.r.type': 'RegexRouter',
    'transforms.r.regex': 'user',
    'transforms.r.replacement': 'x',
  }).apply(userRecord())!;
  assert.equal(untouched.topic, 'users', 'the regex must match the whole topic');
  const stamped = chain({ transforms: 't', 'transforms.t.type': 'TimestampRouter' }).apply(
    userRecord(),
  )!;
  assert.equal(stamped.topic, 'users-20261207');
  const named = chain({
    transforms: 's',
    'transforms.s.type': 'SetSchemaMetadata$Value',
    'transforms.s.schema.name': 'com.example.User',
    'transforms.s.schema.version': '3',
  }).apply(userRecord())!;
  assert.equal(named.valueSchema!.name, 'com.example.User');
  assert.equal((named.value as Struct).schema.version, 3);
  const headers = chain({
    transforms: 'i,h,d',
    'transforms.i.type': 'InsertHeader',
    'transforms.i.header': 'origin',
    'transforms.i.value.literal': 'db',
    'transforms.h.type': 'HeaderFrom$Value',
    'transforms.h.fields': 'name',
    'transforms.h.headers': 'who',
    'transforms.h.operation': 'move',
    'transforms.d.type': 'DropHeaders',
    'transforms.d.headers': 'origin',
  }).apply(userRecord())!;
  assert.deepEqual(
    headers.headers.map((h) => [h.key, h.value]),
    [['who', 'ada']],
  );
  assert.deepEqual(
    headers.valueSchema!.fields!.map((f) => f.name),
    ['id', 'email', 'age'],
  );
  const filter = chain({
    transforms: 'drop',
    'transforms.drop.type': 'Filter',
    'transforms.drop.predicate': 'isTomb',
    predicates: 'isTomb,other',
    'predicates.isTomb.type': `${T}predicates.RecordIsTombstone`,
    'predicates.other.type': 'TopicNameMatches',
    'predicates.other.pattern': 'logs-.*',
  });
  assert.equal(filter.apply(mapRecord(null)), null);
  assert.notEqual(filter.apply(mapRecord({ a: 1 })), null);
  const negated = chain({
    transforms: 'drop',
    'transforms.drop.type': 'Filter',
    'transforms.drop.predicate': 'p',
    'transforms.drop.negate': 'true',
    predicates: 'p',
    'predicates.p.type': 'TopicNameMatches',
    'predicates.p.pattern': 'logs-.*',
  });
  assert.equal(
    negated.apply(userRecord()),
    null,
    'a topic that does not match is dropped with negate',
  );
  const hasHeader = chain({
    transforms: 'drop',
    'transforms.drop.type': 'Filter',
    'transforms.drop.predicate': 'p',
    predicates: 'p',
    'predicates.p.type': 'HasHeaderKey',
    'predicates.p.name': 'x',
  });
  assert.equal(hasHeader.apply({ ...userRecord(), headers: [{ key: 'x', value: '1' }] }), null);
  assert.throws(
    () => chain({ transforms: 'x', 'transforms.x.type': 'NoSuchTransform' }),
    /Failed to find any class that implements transformation/,
  );
});

test('JsonConverter round-trips schemas and values, and refuses a missing envelope', () => {
  const c = new JsonConverter();
  c.configure({}, false);
  const r = userRecord();
  const bytes = c.fromConnectData('users', r.valueSchema, r.value)!;
  const json = JSON.parse(bytes.toString()) as {
    schema: { type: string; fields: { field: string; type: string }[] };
    payload: Record<string, unknown>;
  };
  assert.equal(json.schema.type, 'struct');
  assert.deepEqual(
    json.schema.fields.map((f) => [f.field, f.type]),
    [
      ['id', 'int64'],
      ['name', 'string'],
      ['email', 'string'],
      ['age', 'int32'],
    ],
  );
  assert.deepEqual(json.payload, { id: 7, name: 'ada', email: 'ada@example.com', age: 36 });
  const back = c.toConnectData('users', bytes);
  assert.ok((back.value as Struct).equals(r.value));
  const big = new Struct(userSchema).put('id', 9007199254740993n).put('name', 'b').put('age', 1);
  const bigBytes = c.fromConnectData('users', userSchema, big)!;
  assert.match(bigBytes.toString(), /"id":9007199254740993/);
  assert.equal((c.toConnectData('users', bigBytes).value as Struct).get('id'), 9007199254740993n);
  assert.throws(() => c.toConnectData('users', Buffer.from('{"a":1}')), /schemas.enable/);
  assert.throws(() => c.toConnectData('users', Buffer.from('{nope')), /serialization error/);
  const plain = new JsonConverter();
  plain.configure({ 'schemas.enable': 'false' }, false);
  assert.deepEqual(plain.toConnectData('t', Buffer.from('{"a":[1,2]}')).value, { a: [1, 2] });
  assert.equal(plain.fromConnectData('t', undefined, { a: 1 })!.toString(), '{"a":1}');
});
