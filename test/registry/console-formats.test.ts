// `rivulet console-producer` and `console-consumer` with --value-format/--key-format and a
// schema registry, as Confluent's kafka-avro-console-producer/-consumer and their JSON
// Schema and Protobuf siblings: JSON lines in, registry-framed records on the topic (read
// back by @kafkajs/confluent-schema-registry), the same JSON lines out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry as KafkajsRegistry } from '@kafkajs/confluent-schema-registry';
import { Consumer } from '../../src/client/index.js';
import { runCli } from '../cli/tools/run-cli.js';
import { registryWithBroker } from './support/registry-fixture.js';

async function rawValues(bootstrap: string, topic: string, count: number): Promise<Buffer[]> {
  const consumer = new Consumer({ bootstrapServers: bootstrap });
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
  const out: Buffer[] = [];
  try {
    for await (const r of consumer.records()) {
      out.push(r.value!);
      if (out.length === count) break;
    }
  } finally {
    consumer.close();
  }
  return out;
}

test('Avro, JSON Schema and Protobuf through the console tools', { timeout: 90_000 }, async (t) => {
  const { broker, registry } = await registryWithBroker(t);
  const common = ['--bootstrap-server', broker.bootstrap, '--schema-registry-url', registry.url];
  const avroSchema = JSON.stringify({
    type: 'record',
    name: 'Click',
    fields: [
      { name: 'page', type: 'string' },
      { name: 'ms', type: ['null', 'long'], default: null },
    ],
  });
  const lines = '{"page":"/a","ms":null}\n{"page":"/b","ms":{"long":12}}\n';
  const produced = await runCli(
    [
      'console-producer',
      ...common,
      '--topic',
      'clicks',
      '--value-format',
      'avro',
      '--property',
      `value.schema=${avroSchema}`,
    ],
    { input: lines, timeoutMs: 60_000 },
  );
  assert.equal(produced.code, 0, produced.stderr);
  const theirs = new KafkajsRegistry({ host: registry.url });
  const raw = await rawValues(broker.bootstrap, 'clicks', 2);
  assert.deepEqual({ ...(await theirs.decode(raw[1]!)) }, { page: '/b', ms: 12 });
  const consumed = await runCli(
    [
      'console-consumer',
      ...common,
      '--topic',
      'clicks',
      '--from-beginning',
      '--max-messages',
      '2',
      '--value-format',
      'avro',
    ],
    { timeoutMs: 60_000 },
  );
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.equal(consumed.stdout, lines);

  // By id: the schema registered above, keys as JSON Schema.
  const keySchema = JSON.stringify({
    type: 'object',
    properties: { user: { type: 'string' } },
    required: ['user'],
  });
  const byId = await runCli(
    [
      'console-producer',
      ...common,
      '--topic',
      'clicks',
      '--value-format',
      'avro',
      '--property',
      'value.schema.id=1',
      '--key-format',
      'json-schema',
      '--property',
      `key.schema=${keySchema}`,
      '--property',
      'parse.key=true',
    ],
    { input: '{"user":"u1"}\t{"page":"/c","ms":null}\n', timeoutMs: 60_000 },
  );
  assert.equal(byId.code, 0, byId.stderr);
  const keyed = await runCli(
    [
      'console-consumer',
      ...common,
      '--topic',
      'clicks',
      '--offset',
      '2',
      '--partition',
      '0',
      '--max-messages',
      '1',
      '--value-format',
      'avro',
      '--key-format',
      'json-schema',
      '--property',
      'print.key=true',
    ],
    { timeoutMs: 60_000 },
  );
  assert.equal(keyed.stdout, '{"user":"u1"}\t{"page":"/c","ms":null}\n', keyed.stderr);
  const badLine = await runCli(
    [
      'console-producer',
      ...common,
      '--topic',
      'clicks',
      '--key-format',
      'json-schema',
      '--property',
      `key.schema=${keySchema}`,
      '--property',
      'parse.key=true',
    ],
    { input: '{"nobody":1}\tv\n', timeoutMs: 60_000 },
  );
  assert.notEqual(badLine.code, 0, 'a key that does not match its schema is refused');

  const proto = 'syntax = "proto3"; package shop; message Sale { string sku = 1; int32 qty = 2; }';
  const p = await runCli(
    [
      'console-producer',
      ...common,
      '--topic',
      'sales',
      '--value-format',
      'protobuf',
      '--property',
      `value.schema=${proto}`,
    ],
    { input: '{"sku":"x1","qty":3}\n', timeoutMs: 60_000 },
  );
  assert.equal(p.code, 0, p.stderr);
  const c = await runCli(
    [
      'console-consumer',
      ...common,
      '--topic',
      'sales',
      '--from-beginning',
      '--max-messages',
      '1',
      '--value-format',
      'protobuf',
    ],
    { timeoutMs: 60_000 },
  );
  assert.equal(c.stdout, '{"sku":"x1","qty":3}\n', c.stderr);
});
