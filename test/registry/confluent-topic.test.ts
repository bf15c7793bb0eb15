// A `_schemas` topic written by Confluent's registry is read as it is: records in Confluent's
// key/value formats (extra fields it writes in newer versions included) are produced before
// the registry starts, and the registry serves what they say and continues the ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Producer } from '../../src/client/index.js';
import { startSchemaRegistry } from '../../src/registry/index.js';
import { call, startTestBroker } from './support/registry-fixture.js';

const str = (v: unknown) => (v === null ? null : JSON.stringify(v));

test('replays a _schemas topic in Confluent format', { timeout: 60_000 }, async (t) => {
  const broker = await startTestBroker();
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  await admin.createTopics([
    { name: '_schemas', numPartitions: 1, configs: { 'cleanup.policy': 'compact' } },
  ]);
  admin.close();
  const producer = new Producer({ bootstrapServers: broker.bootstrap });
  await producer.connect();
  const records: [unknown, unknown][] = [
    [{ keytype: 'NOOP', magic: 0 }, null],
    [
      { keytype: 'CONFIG', subject: null, magic: 0 },
      { compatibilityLevel: 'FULL', normalize: null, alias: null },
    ],
    [
      { keytype: 'SCHEMA', subject: 'a-value', version: 1, magic: 1 },
      { subject: 'a-value', version: 1, id: 1, schema: '"string"', deleted: false },
    ],
    [
      { keytype: 'SCHEMA', subject: 'a-value', version: 2, magic: 1 },
      {
        subject: 'a-value',
        version: 2,
        id: 2,
        schema: '"bytes"',
        deleted: false,
        metadata: null,
        ruleSet: null,
      },
    ],
    [
      { keytype: 'SCHEMA', subject: 'j-value', version: 1, magic: 1 },
      {
        subject: 'j-value',
        version: 1,
        id: 5,
        schemaType: 'JSON',
        references: [],
        schema: '{"type":"object"}',
        deleted: false,
      },
    ],
    [
      { keytype: 'SCHEMA', subject: 'gone', version: 1, magic: 1 },
      { subject: 'gone', version: 1, id: 3, schema: '"int"', deleted: false },
    ],
    [
      { keytype: 'DELETE_SUBJECT', subject: 'gone', magic: 0 },
      { subject: 'gone', version: 1 },
    ],
    [
      { keytype: 'SCHEMA', subject: 'gone', version: 1, magic: 1 },
      { subject: 'gone', version: 1, id: 3, schema: '"int"', deleted: true },
    ],
    [
      { keytype: 'SCHEMA', subject: 'hard', version: 1, magic: 1 },
      { subject: 'hard', version: 1, id: 4, schema: '"long"', deleted: true },
    ],
    [{ keytype: 'SCHEMA', subject: 'hard', version: 1, magic: 1 }, null],
    [{ keytype: 'MODE', subject: 'j-value', magic: 0 }, { mode: 'READONLY' }],
    [{ keytype: 'CONFIG', subject: 'a-value', magic: 0 }, { compatibilityLevel: 'NONE' }],
    [{ keytype: 'CONFIG', subject: 'a-value', magic: 0 }, null],
    [{ keytype: 'SOME_FUTURE_KEYTYPE', magic: 0 }, { anything: true }],
  ];
  for (const [key, value] of records)
    await producer.send({ topic: '_schemas', partition: 0, key: str(key), value: str(value) });
  await producer.close();

  const registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
  t.after(async () => {
    await registry.close();
    await broker.close();
  });
  const api = (m: string, p: string, b?: unknown) => call(registry.url, m, p, b);
  assert.deepEqual((await api('GET', '/subjects')).body, ['a-value', 'j-value']);
  assert.deepEqual((await api('GET', '/subjects?deleted=true')).body, [
    'a-value',
    'gone',
    'j-value',
  ]);
  assert.deepEqual((await api('GET', '/subjects/a-value/versions/2')).body, {
    subject: 'a-value',
    version: 2,
    id: 2,
    schema: '"bytes"',
  });
  assert.deepEqual((await api('GET', '/schemas/ids/5')).body, {
    schemaType: 'JSON',
    schema: '{"type":"object"}',
  });
  assert.deepEqual((await api('GET', '/config')).body, { compatibilityLevel: 'FULL' });
  assert.equal((await api('GET', '/config/a-value')).body.error_code, 40408);
  assert.deepEqual((await api('GET', '/mode/j-value')).body, { mode: 'READONLY' });
  assert.equal((await api('GET', '/subjects/hard/versions?deleted=true')).body.error_code, 40401);
  // New ids continue after the highest id in the topic.
  assert.deepEqual(
    (await api('POST', '/subjects/new-value/versions', { schema: '"double"' })).body,
    { id: 6 },
  );
});
