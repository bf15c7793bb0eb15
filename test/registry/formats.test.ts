// The schema formats on their own: JSON Schema drafts 4 to 2020-12, Protobuf as text and as a
// base64 FileDescriptorProto (as confluent-kafka-python registers it), Avro normalization.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFor } from '../../src/registry/index.js';

const json = formatFor('JSON')!;

test('JSON Schema drafts 4, 6, 7, 2019-09 and 2020-12 parse; invalid schemas do not', async () => {
  for (const dialect of [
    'http://json-schema.org/draft-04/schema#',
    'http://json-schema.org/draft-06/schema#',
    'http://json-schema.org/draft-07/schema#',
    'https://json-schema.org/draft/2019-09/schema',
    'https://json-schema.org/draft/2020-12/schema',
  ]) {
    const schema = {
      $schema: dialect,
      type: 'object',
      properties: { a: { type: 'integer', minimum: 1 } },
    };
    await json.parse(JSON.stringify(schema), []);
    await assert.rejects(
      json.parse(
        JSON.stringify({ $schema: dialect, type: 'object', properties: { a: { type: 12 } } }),
        [],
      ),
      /Invalid schema/,
      dialect,
    );
  }
  await assert.rejects(json.parse('[1, 2]', []), /Invalid schema/);
  await assert.rejects(json.parse('{"type":', []), /Invalid schema/);
});

test('Protobuf: a base64 FileDescriptorProto reads like its .proto text', async () => {
  const protobuf = formatFor('PROTOBUF')!;
  // demo.Order { string id = 1; } as confluent-kafka-python's ProtobufSerializer sends it.
  const descriptor = 'Cgd0LnByb3RvEgRkZW1vIhMKBU9yZGVyEgoKAmlkGAEgASgJYgZwcm90bzM=';
  const fromDescriptor = await protobuf.parse(descriptor, []);
  const fromText = await protobuf.parse(
    'syntax = "proto3"; package demo; message Order { string id = 1; }',
    [],
  );
  assert.deepEqual(fromText.readerIncompatibilities(fromDescriptor), []);
  const changed = await protobuf.parse(
    'syntax = "proto3"; package demo; message Order { int32 id = 1; }',
    [],
  );
  assert.match(changed.readerIncompatibilities(fromDescriptor).join(), /FIELD_SCALAR_KIND_CHANGED/);
  await assert.rejects(
    protobuf.parse('syntax = "proto3"; import "missing.proto"; message A { B b = 1; }', []),
    /Invalid schema/,
  );
});

test('Avro normalization makes equivalent schemas equal', async () => {
  const avro = formatFor('AVRO')!;
  const a = await avro.parse(
    '{"type":"record","name":"R","namespace":"n","fields":[{"name":"f","type":{"type":"string"}}]}',
    [],
  );
  const b = await avro.parse(
    '{"fields":[{"type":"string","name":"f"}],"name":"n.R","type":"record"}',
    [],
  );
  assert.notEqual(a.canonical(false), b.canonical(false));
  assert.equal(a.canonical(true), b.canonical(true));
  assert.equal((await avro.parse('"string"', [])).canonical(true), '"string"');
});

test('references resolve by name: a JSON Schema $ref, a Protobuf import', async () => {
  const address = JSON.stringify({ type: 'object', properties: { city: { type: 'string' } } });
  const ref = {
    name: 'address.json',
    subject: 'address',
    version: 1,
    schema: address,
    references: [],
  };
  await json.parse(
    JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } }),
    [ref],
  );
  await assert.rejects(
    json.parse(
      JSON.stringify({ type: 'object', properties: { home: { $ref: 'address.json' } } }),
      [],
    ),
    /Invalid schema/,
  );
  const protobuf = formatFor('PROTOBUF')!;
  const common = { name: 'common.proto', subject: 'common', version: 1, references: [] };
  const money = {
    ...common,
    schema: 'syntax = "proto3"; package shop; message Money { int64 cents = 1; }',
  };
  const order =
    'syntax = "proto3"; package shop; import "common.proto"; message Order { Money total = 1; }';
  const parsed = await protobuf.parse(order, [money]);
  assert.deepEqual(parsed.readerIncompatibilities(parsed), []);
  await assert.rejects(protobuf.parse(order, []), /Invalid schema/);
});
