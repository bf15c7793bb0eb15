// Confluent's AvroConverter against our schema registry and a third-party serde
// (@kafkajs/confluent-schema-registry): FileStream lines made structs by transforms go through
// the AvroConverter into a topic that the other library decodes; records that library encodes
// come out of a FileStream sink as Connect structs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { startBroker } from '../../src/index.js';
import { Consumer, Producer } from '../../src/client/index.js';
import { startConnectWorker } from '../../src/connect/index.js';
import { startSchemaRegistry } from '../../src/registry/index.js';
import { waitFor } from '../support/wait.js';

function lines(path: string): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

test(
  'AvroConverter: source records read by another serde library, and its records written by a sink',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-avro-converter-'));
    const broker = await startBroker();
    const registry = await startSchemaRegistry({ bootstrapServers: broker.bootstrap, port: 0 });
    let worker: Awaited<ReturnType<typeof startConnectWorker>> | undefined = undefined;
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    t.after(async () => {
      await worker?.close();
      consumer.close();
      await producer.close();
      await registry.close();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const input = join(dir, 'orders.txt');
    writeFileSync(input, 'apple\npear\n');

    worker = await startConnectWorker({
      mode: 'standalone',
      config: {
        'bootstrap.servers': broker.bootstrap,
        listeners: 'http://127.0.0.1:0',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '200',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'io.confluent.connect.avro.AvroConverter',
        'value.converter.schema.registry.url': registry.url,
      },
    });
    const create = async (name: string, config: Record<string, string>) => {
      const r = await fetch(`${worker!.url}/connectors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, config }),
      });
      assert.equal(r.status, 201, await r.text());
    };
    // FileStream lines (STRING) hoisted into a struct {line}: records with a schema.
    await create('orders-source', {
      'connector.class': 'FileStreamSource',
      file: input,
      topic: 'db-orders',
      transforms: 'hoist,name',
      'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
      'transforms.hoist.field': 'line',
      'transforms.name.type': 'org.apache.kafka.connect.transforms.SetSchemaMetadata$Value',
      'transforms.name.schema.name': 'com.example.Order',
    });

    const kafkajsRegistry = new SchemaRegistry({ host: registry.url });
    await waitFor('the value schema registered', async () =>
      ((await (await fetch(`${registry.url}/subjects`)).json()) as string[]).includes(
        'db-orders-value',
      ),
    );
    await consumer.connect();
    consumer.assign([{ topic: 'db-orders', partition: 0, offset: 'earliest' }]);
    const decoded: unknown[] = [];
    for await (const r of consumer.records()) {
      decoded.push({ ...((await kafkajsRegistry.decode(r.value!)) as object) });
      if (decoded.length === 2) break;
    }
    assert.deepEqual(decoded, [{ line: 'apple' }, { line: 'pear' }]);
    const latest = (await (
      await fetch(`${registry.url}/subjects/db-orders-value/versions/latest`)
    ).json()) as { schema: string };
    const avroSchema = JSON.parse(latest.schema) as {
      type: string;
      fields: { name: string; type: unknown; default?: unknown }[];
    };
    assert.equal(avroSchema.type, 'record');
    assert.deepEqual(avroSchema, {
      type: 'record',
      name: 'com.example.Order',
      fields: [{ name: 'line', type: ['null', 'string'], default: null }],
      'connect.name': 'com.example.Order',
    });

    // The other way: a record another library wrote, through a sink.
    const { id } = await kafkajsRegistry.register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify({
          type: 'record',
          name: 'Reading',
          namespace: 'com.example',
          fields: [
            { name: 'sensor', type: 'string' },
            { name: 'value', type: 'double' },
            { name: 'tags', type: { type: 'map', values: 'string' } },
            { name: 'unit', type: ['null', 'string'], default: null },
          ],
        }),
      },
      { subject: 'readings-value' },
    );
    await producer.connect();
    for (const [sensor, value] of [
      ['s1', 1.5],
      ['s2', -2],
    ] as const)
      await producer.send({
        topic: 'readings',
        value: await kafkajsRegistry.encode(id, {
          sensor,
          value,
          tags: { site: 'north' },
          unit: sensor === 's1' ? 'C' : null,
        }),
      });
    const out = join(dir, 'readings.txt');
    await create('readings-sink', {
      'connector.class': 'FileStreamSink',
      topics: 'readings',
      file: out,
    });
    await waitFor('two lines in the sink file', () => lines(out).length >= 2);
    assert.deepEqual(lines(out), [
      'Struct{sensor=s1,value=1.5,tags={site=north},unit=C}',
      'Struct{sensor=s2,value=-2,tags={site=north},unit=null}',
    ]);
  },
);
