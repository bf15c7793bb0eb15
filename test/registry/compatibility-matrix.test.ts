// The compatibility matrix: for each format and level, schema pairs that must be accepted and
// pairs that must be refused with the expected error type in the message. The registry's
// state is built by replaying `_schemas` records, as at start-up, so no broker is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry } from '../../src/registry/index.js';

type Case = {
  name: string;
  level: string;
  type?: 'AVRO' | 'JSON' | 'PROTOBUF';
  /** Earlier versions, oldest first. */
  old: unknown[];
  candidate: unknown;
  /** The error type the refusal names, or null for an accepted change. */
  refused: string | null;
};

const text = (s: unknown) => (typeof s === 'string' ? s : JSON.stringify(s));

async function check(c: Case): Promise<string[]> {
  const registry = new SchemaRegistry();
  const schemaType = c.type ?? 'AVRO';
  c.old.forEach((schema, i) =>
    registry.state.apply({
      key: { keytype: 'SCHEMA', subject: 's', version: i + 1, magic: 1 },
      value: {
        subject: 's',
        version: i + 1,
        id: i + 1,
        ...(schemaType === 'AVRO' ? {} : { schemaType }),
        schema: text(schema),
        deleted: false,
      },
    }),
  );
  registry.state.apply({
    key: { keytype: 'CONFIG', subject: 's', magic: 0 },
    value: { compatibilityLevel: c.level },
  });
  return registry.checkCompatibility('s', null, { schema: text(c.candidate), schemaType });
}

const record = (fields: unknown[], extra: object = {}) => ({
  type: 'record',
  name: 'R',
  namespace: 'ns',
  fields,
  ...extra,
});
const f = (name: string, type: unknown, extra: object = {}) => ({ name, type, ...extra });
const color = (symbols: string[], extra: object = {}) => ({
  type: 'enum',
  name: 'Color',
  symbols,
  ...extra,
});

const AVRO: Case[] = [
  {
    name: 'add a field without default',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int'), f('b', 'string')]),
    refused: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  {
    name: 'add a field with a default',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int'), f('b', 'string', { default: '' })]),
    refused: null,
  },
  {
    name: 'remove a field',
    level: 'BACKWARD',
    old: [record([f('a', 'int'), f('b', 'int')])],
    candidate: record([f('a', 'int')]),
    refused: null,
  },
  {
    name: 'remove a field without default',
    level: 'FORWARD',
    old: [record([f('a', 'int'), f('b', 'int')])],
    candidate: record([f('a', 'int')]),
    refused: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  {
    name: 'add a field',
    level: 'FORWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int'), f('b', 'int')]),
    refused: null,
  },
  {
    name: 'add a field without default',
    level: 'FULL',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int'), f('b', 'int')]),
    refused: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  {
    name: 'add a field with a default',
    level: 'FULL',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int'), f('b', 'int', { default: 0 })]),
    refused: null,
  },
  {
    name: 'rename a field with an alias',
    level: 'BACKWARD',
    old: [record([f('name', 'string')])],
    candidate: record([f('fullName', 'string', { aliases: ['name'] })]),
    refused: null,
  },
  {
    name: 'rename a field without an alias',
    level: 'BACKWARD',
    old: [record([f('name', 'string')])],
    candidate: record([f('fullName', 'string')]),
    refused: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  {
    name: 'rename a record with an alias',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int')], { name: 'R2', aliases: ['R'] }),
    refused: null,
  },
  {
    name: 'rename a record',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'int')], { name: 'R2' }),
    refused: 'NAME_MISMATCH',
  },
  {
    name: 'widen int to long',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'long')]),
    refused: null,
  },
  {
    name: 'widen int to double',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'double')]),
    refused: null,
  },
  {
    name: 'narrow long to int',
    level: 'BACKWARD',
    old: [record([f('a', 'long')])],
    candidate: record([f('a', 'int')]),
    refused: 'TYPE_MISMATCH',
  },
  {
    name: 'widen int to long',
    level: 'FORWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'long')]),
    refused: 'TYPE_MISMATCH',
  },
  {
    name: 'string to bytes',
    level: 'FULL',
    old: [record([f('a', 'string')])],
    candidate: record([f('a', 'bytes')]),
    refused: null,
  },
  {
    name: 'int to string',
    level: 'BACKWARD',
    old: [record([f('a', 'int')])],
    candidate: record([f('a', 'string')]),
    refused: 'TYPE_MISMATCH',
  },
  {
    name: 'remove an enum symbol',
    level: 'BACKWARD',
    old: [record([f('c', color(['RED', 'BLUE']))])],
    candidate: record([f('c', color(['RED']))]),
    refused: 'MISSING_ENUM_SYMBOLS',
  },
  {
    name: 'remove an enum symbol with an enum default',
    level: 'BACKWARD',
    old: [record([f('c', color(['RED', 'BLUE']))])],
    candidate: record([f('c', color(['RED'], { default: 'RED' }))]),
    refused: null,
  },
  {
    name: 'add an enum symbol',
    level: 'BACKWARD',
    old: [record([f('c', color(['RED']))])],
    candidate: record([f('c', color(['RED', 'BLUE']))]),
    refused: null,
  },
  {
    name: 'add an enum symbol',
    level: 'FORWARD',
    old: [record([f('c', color(['RED']))])],
    candidate: record([f('c', color(['RED', 'BLUE']))]),
    refused: 'MISSING_ENUM_SYMBOLS',
  },
  {
    name: 'make a field nullable',
    level: 'BACKWARD',
    old: [record([f('a', 'string')])],
    candidate: record([f('a', ['null', 'string'])]),
    refused: null,
  },
  {
    name: 'make a nullable field required',
    level: 'BACKWARD',
    old: [record([f('a', ['null', 'string'])])],
    candidate: record([f('a', 'string')]),
    refused: 'TYPE_MISMATCH',
  },
  {
    name: 'add a union branch',
    level: 'BACKWARD',
    old: [record([f('a', ['null', 'string'])])],
    candidate: record([f('a', ['null', 'string', 'int'])]),
    refused: null,
  },
  {
    name: 'remove a union branch',
    level: 'BACKWARD',
    old: [record([f('a', ['null', 'string', 'int'])])],
    candidate: record([f('a', ['null', 'string'])]),
    refused: 'MISSING_UNION_BRANCH',
  },
  {
    name: 'fixed size change',
    level: 'BACKWARD',
    old: [{ type: 'fixed', name: 'F', size: 4 }],
    candidate: { type: 'fixed', name: 'F', size: 8 },
    refused: 'FIXED_SIZE_MISMATCH',
  },
  {
    name: 'array items widened',
    level: 'BACKWARD',
    old: [{ type: 'array', items: 'int' }],
    candidate: { type: 'array', items: 'long' },
    refused: null,
  },
  {
    name: 'map values changed',
    level: 'BACKWARD',
    old: [{ type: 'map', values: 'int' }],
    candidate: { type: 'map', values: 'boolean' },
    refused: 'TYPE_MISMATCH',
  },
  {
    name: 'a recursive record unchanged',
    level: 'FULL',
    old: [record([f('next', ['null', 'ns.R'], { default: null })])],
    candidate: record([f('next', ['null', 'ns.R'], { default: null })]),
    refused: null,
  },
  {
    name: 'only the latest version',
    level: 'BACKWARD',
    old: [record([f('a', 'int')]), record([f('a', 'int'), f('b', 'string', { default: 'x' })])],
    candidate: record([f('a', 'int'), f('b', 'string')]),
    refused: null,
  },
  {
    name: 'every version',
    level: 'BACKWARD_TRANSITIVE',
    old: [record([f('a', 'int')]), record([f('a', 'int'), f('b', 'string', { default: 'x' })])],
    candidate: record([f('a', 'int'), f('b', 'string')]),
    refused: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  {
    name: 'every version',
    level: 'FORWARD_TRANSITIVE',
    old: [
      record([f('a', 'int'), f('b', 'int')]),
      record([f('a', 'int'), f('b', 'int', { default: 1 })]),
    ],
    candidate: record([f('a', 'int')]),
    refused: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  },
  {
    name: 'every version',
    level: 'FULL_TRANSITIVE',
    old: [record([f('a', 'int')]), record([f('a', 'long')])],
    candidate: record([f('a', 'long')]),
    refused: 'TYPE_MISMATCH',
  },
  {
    name: 'anything',
    level: 'NONE',
    old: [record([f('a', 'int')])],
    candidate: { type: 'array', items: 'string' },
    refused: null,
  },
];

const obj = (properties: object, extra: object = {}) => ({ type: 'object', properties, ...extra });
const JSON_CASES: Case[] = [
  {
    name: 'optional property added to a closed model',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' } }, { additionalProperties: false })],
    candidate: obj(
      { a: { type: 'string' }, b: { type: 'integer' } },
      { additionalProperties: false },
    ),
    refused: null,
  },
  {
    name: 'required property added to a closed model',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' } }, { additionalProperties: false })],
    candidate: obj(
      { a: { type: 'string' }, b: { type: 'integer' } },
      { additionalProperties: false, required: ['b'] },
    ),
    refused: 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  },
  {
    name: 'property added to an open model',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' } })],
    candidate: obj({ a: { type: 'string' }, b: { type: 'integer' } }),
    refused: 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  },
  {
    name: 'property removed from an open model',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' }, b: { type: 'integer' } })],
    candidate: obj({ a: { type: 'string' } }),
    refused: null,
  },
  {
    name: 'property removed from a closed model',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' }, b: { type: 'integer' } }, { additionalProperties: false })],
    candidate: obj({ a: { type: 'string' } }, { additionalProperties: false }),
    refused: 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  },
  {
    name: 'type narrowed',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'number' } })],
    candidate: obj({ a: { type: 'integer' } }),
    refused: 'TYPE_NARROWED',
  },
  {
    name: 'type widened',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'integer' } })],
    candidate: obj({ a: { type: 'number' } }),
    refused: null,
  },
  {
    name: 'type changed',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' } })],
    candidate: obj({ a: { type: 'boolean' } }),
    refused: 'TYPE_CHANGED',
  },
  {
    name: 'type widened',
    level: 'FORWARD',
    old: [obj({ a: { type: 'integer' } })],
    candidate: obj({ a: { type: 'number' } }),
    refused: 'TYPE_NARROWED',
  },
  {
    name: 'enum narrowed',
    level: 'BACKWARD',
    old: [{ enum: ['a', 'b'] }],
    candidate: { enum: ['a'] },
    refused: 'ENUM_ARRAY_NARROWED',
  },
  {
    name: 'enum extended',
    level: 'BACKWARD',
    old: [{ enum: ['a'] }],
    candidate: { enum: ['a', 'b'] },
    refused: null,
  },
  {
    name: 'maxLength added',
    level: 'BACKWARD',
    old: [{ type: 'string' }],
    candidate: { type: 'string', maxLength: 5 },
    refused: 'MAX_LENGTH_ADDED',
  },
  {
    name: 'required attribute added',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' } })],
    candidate: obj({ a: { type: 'string' } }, { required: ['a'] }),
    refused: 'REQUIRED_ATTRIBUTE_ADDED',
  },
  {
    name: 'additional properties removed',
    level: 'BACKWARD',
    old: [obj({ a: { type: 'string' } })],
    candidate: obj({ a: { type: 'string' } }, { additionalProperties: false }),
    refused: 'ADDITIONAL_PROPERTIES_REMOVED',
  },
  {
    name: 'items narrowed',
    level: 'FULL',
    old: [{ type: 'array', items: { type: 'number' } }],
    candidate: { type: 'array', items: { type: 'integer' } },
    refused: 'TYPE_NARROWED',
  },
].map((c) => ({ ...c, type: 'JSON' as const }));

const proto = (body: string, pkg = 'demo') => `syntax = "proto3";\npackage ${pkg};\n${body}\n`;
const PROTOBUF: Case[] = [
  {
    name: 'field added',
    level: 'BACKWARD',
    old: [proto('message M { string a = 1; }')],
    candidate: proto('message M { string a = 1; int32 b = 2; }'),
    refused: null,
  },
  {
    name: 'field removed',
    level: 'FULL',
    old: [proto('message M { string a = 1; int32 b = 2; }')],
    candidate: proto('message M { string a = 1; }'),
    refused: null,
  },
  {
    name: 'field renamed',
    level: 'FULL',
    old: [proto('message M { string a = 1; }')],
    candidate: proto('message M { string b = 1; }'),
    refused: null,
  },
  {
    name: 'scalar kind changed',
    level: 'BACKWARD',
    old: [proto('message M { string a = 1; }')],
    candidate: proto('message M { int32 a = 1; }'),
    refused: 'FIELD_SCALAR_KIND_CHANGED',
  },
  {
    name: 'wire-compatible scalar change',
    level: 'BACKWARD',
    old: [proto('message M { int32 a = 1; }')],
    candidate: proto('message M { int64 a = 1; }'),
    refused: null,
  },
  {
    name: 'scalar to message',
    level: 'BACKWARD',
    old: [proto('message M { string a = 1; }')],
    candidate: proto('message M { N a = 1; }\nmessage N { string x = 1; }'),
    refused: 'FIELD_KIND_CHANGED',
  },
  {
    name: 'message removed',
    level: 'BACKWARD',
    old: [proto('message M { string a = 1; }\nmessage N { string x = 1; }')],
    candidate: proto('message M { string a = 1; }'),
    refused: 'MESSAGE_REMOVED',
  },
  {
    name: 'package changed',
    level: 'BACKWARD',
    old: [proto('message M { string a = 1; }')],
    candidate: proto('message M { string a = 1; }', 'other'),
    refused: 'PACKAGE_CHANGED',
  },
  {
    name: 'oneof field removed',
    level: 'BACKWARD',
    old: [proto('message M { oneof o { string a = 1; int32 b = 2; } }')],
    candidate: proto('message M { oneof o { string a = 1; } }'),
    refused: 'ONEOF_FIELD_REMOVED',
  },
  {
    name: 'several fields moved into a oneof',
    level: 'BACKWARD',
    old: [proto('message M { string a = 1; int32 b = 2; }')],
    candidate: proto('message M { oneof o { string a = 1; int32 b = 2; } }'),
    refused: 'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
  },
  {
    name: 'anything',
    level: 'NONE',
    old: [proto('message M { string a = 1; }')],
    candidate: proto('message X { bool z = 9; }', 'x'),
    refused: null,
  },
].map((c) => ({ ...c, type: 'PROTOBUF' as const }));

for (const c of [...AVRO, ...JSON_CASES, ...PROTOBUF]) {
  const verdict = c.refused === null ? 'accepted' : `refused (${c.refused})`;
  test(`${c.type ?? 'AVRO'} ${c.level}: ${c.name} is ${verdict}`, async () => {
    const messages = await check(c);
    if (c.refused === null) assert.deepEqual(messages, []);
    else {
      assert.ok(
        messages.some((m) => m.includes(c.refused!)),
        `expected ${c.refused} in ${JSON.stringify(messages)}`,
      );
      assert.ok(messages.includes(`{compatibility: '${c.level}'}`));
    }
  });
}
