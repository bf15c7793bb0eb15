// The S3 sink against an S3-compatible server (s3rver, npm) through a standalone worker: JSON
// lines and Avro container files (read back with avsc) hold exactly the topic's records under
// Confluent's object names; only records in uploaded objects have their offsets committed;
// FieldPartitioner and TimeBasedPartitioner (Record timestamps) lay out their directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import avro from 'avsc';
import { Kafka, logLevel } from 'kafkajs';
import { startBroker } from '../../src/index.js';
import { Admin, Producer } from '../../src/client/index.js';
import { startConnectWorker } from '../../src/connect/index.js';
import { waitFor } from '../support/wait.js';
import { startS3 } from './support/s3.js';

const BUCKET = 'rivulet-sink';
const PER_PARTITION = 35;

/** A value with a Connect schema, in JsonConverter's envelope. */
function enveloped(n: number, p: number): string {
  return JSON.stringify({
    schema: {
      type: 'struct',
      name: 'com.example.Reading',
      optional: false,
      fields: [
        { field: 'n', type: 'int32', optional: false },
        { field: 'partition', type: 'int8', optional: false },
        { field: 'big', type: 'int64', optional: false },
        { field: 'note', type: 'string', optional: true },
      ],
    },
    payload: { n, partition: p, big: '__BIG__', note: n % 2 === 0 ? null : `odd-${n}` },
  }).replace('"__BIG__"', String(9007199254740993n + BigInt(n)));
}

async function readAvro(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const decoder = Readable.from([bytes]).pipe(
    new avro.streams.BlockDecoder({
      parseHook: (schema: avro.Schema) =>
        avro.Type.forSchema(schema, {
          registry: {
            long: avro.types.LongType.__with({
              fromBuffer: (b: Buffer) => b.readBigInt64LE(),
              toBuffer: (n: bigint) => {
                const b = Buffer.alloc(8);
                b.writeBigInt64LE(n);
                return b;
              },
              fromJSON: BigInt,
              toJSON: Number,
              isValid: (n: unknown) => typeof n === 'bigint',
              compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
            }),
          },
          wrapUnions: false,
        }),
    }),
  );
  for await (const r of decoder) out.push({ ...(r as object) });
  return out;
}

test(
  'S3 sink: JSON lines and Avro objects equal the topic, offsets follow uploads',
  { timeout: 120_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'rivulet-s3-sink-'));
    const s3 = await startS3([BUCKET]);
    const broker = await startBroker();
    let worker: Awaited<ReturnType<typeof startConnectWorker>> | undefined = undefined;
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const kadmin = kafka.admin();
    // One hook, in reverse order of start: the worker, then the broker, then S3.
    t.after(async () => {
      await worker?.close();
      await kadmin.disconnect();
      await broker.close();
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.createTopics([
      { name: 'plain', numPartitions: 2 },
      { name: 'typed', numPartitions: 2 },
    ]);
    admin.close();
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    const hour = Date.UTC(2026, 11, 7, 10, 0, 0);
    for (let p = 0; p < 2; p++)
      for (let n = 0; n < PER_PARTITION; n++) {
        await producer.send({
          topic: 'plain',
          partition: p,
          value: JSON.stringify({ n, partition: p, region: n % 3 === 0 ? 'eu' : 'us' }),
          // Two hours of record time: the first 20 records, then the rest.
          timestamp: hour + (n < 20 ? 0 : 3_600_000) + n,
        });
        await producer.send({ topic: 'typed', partition: p, value: enveloped(n, p) });
      }
    await producer.close();

    worker = await startConnectWorker({
      mode: 'standalone',
      config: {
        'bootstrap.servers': broker.bootstrap,
        listeners: 'http://127.0.0.1:0',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '200',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      },
    });
    const s3Config = {
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      'tasks.max': '1',
      's3.bucket.name': BUCKET,
      's3.region': 'us-east-1',
      'store.url': s3.url,
      's3.path.style.access.enabled': 'true',
      'aws.access.key.id': 'S3RVER',
      'aws.secret.access.key': 'S3RVER',
      'flush.size': '10',
    };
    const create = async (name: string, config: Record<string, string>) => {
      const r = await fetch(`${worker!.url}/connectors`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, config: { ...s3Config, ...config } }),
      });
      assert.equal(r.status, 201, await r.text());
    };
    await create('s3-json', {
      topics: 'plain',
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    });
    await create('s3-avro', {
      topics: 'typed',
      'format.class': 'io.confluent.connect.s3.format.avro.AvroFormat',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    });
    await create('s3-field', {
      topics: 'plain',
      'topics.dir': 'by-region',
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      'partition.field.name': 'region',
      'flush.size': '35',
    });
    await create('s3-time', {
      topics: 'plain',
      'topics.dir': 'by-hour',
      'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
      'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
      'path.format': "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH",
      'partition.duration.ms': '3600000',
      locale: 'en-US',
      timezone: 'UTC',
      'timestamp.extractor': 'Record',
      'flush.size': '35',
    });

    // 35 records per partition and flush.size 10: three objects each, five records waiting.
    const expectedKeys = (topic: string, ext: string) =>
      [0, 1].flatMap((p) =>
        [0, 10, 20].map(
          (o) =>
            `topics/${topic}/partition=${p}/${topic}+${p}+${String(o).padStart(10, '0')}${ext}`,
        ),
      );
    await waitFor(
      'the JSON objects',
      async () => (await s3.list(BUCKET, 'topics/plain/')).length >= 6,
    );
    await waitFor(
      'the Avro objects',
      async () => (await s3.list(BUCKET, 'topics/typed/')).length >= 6,
    );
    assert.deepEqual(await s3.list(BUCKET, 'topics/plain/'), expectedKeys('plain', '.json'));
    assert.deepEqual(await s3.list(BUCKET, 'topics/typed/'), expectedKeys('typed', '.avro'));

    for (let p = 0; p < 2; p++) {
      const lines: unknown[] = [];
      const rows: Record<string, unknown>[] = [];
      for (const o of [0, 10, 20]) {
        const off = String(o).padStart(10, '0');
        const text = (
          await s3.get(BUCKET, `topics/plain/partition=${p}/plain+${p}+${off}.json`)
        ).toString();
        assert.ok(text.endsWith('\n'));
        lines.push(
          ...text
            .trimEnd()
            .split('\n')
            .map((l) => JSON.parse(l) as unknown),
        );
        rows.push(
          ...(await readAvro(
            await s3.get(BUCKET, `topics/typed/partition=${p}/typed+${p}+${off}.avro`),
          )),
        );
      }
      assert.deepEqual(
        lines,
        Array.from({ length: 30 }, (_v, n) => ({
          n,
          partition: p,
          region: n % 3 === 0 ? 'eu' : 'us',
        })),
      );
      assert.deepEqual(
        rows,
        Array.from({ length: 30 }, (_v, n) => ({
          n,
          partition: p,
          big: 9007199254740993n + BigInt(n),
          note: n % 2 === 0 ? null : `odd-${n}`,
        })),
      );
    }
    const avroSchema = JSON.parse(
      (await s3.get(BUCKET, 'topics/typed/partition=0/typed+0+0000000000.avro'))
        .toString('latin1')
        .match(/\{"type":"record".*?"connect.name":"com.example.Reading"\}/)![0],
    ) as { name: string; fields: { name: string; type: unknown; default?: unknown }[] };
    assert.equal(avroSchema.name, 'com.example.Reading');
    assert.deepEqual(avroSchema.fields[1], {
      name: 'partition',
      type: { type: 'int', 'connect.type': 'int8' },
    });
    assert.deepEqual(avroSchema.fields[3], {
      name: 'note',
      type: ['null', 'string'],
      default: null,
    });

    // The sink group's committed offsets stop at the uploaded records (30), not at 35.
    await kadmin.connect();
    const committed = async (group: string, topic: string) =>
      (await kadmin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions
        .map((p) => `${p.partition}:${p.offset}`)
        .sort();
    await waitFor(
      'the JSON sink commit',
      async () => (await committed('connect-s3-json', 'plain')).join() === '0:30,1:30',
    );
    await waitFor(
      'the Avro sink commit',
      async () => (await committed('connect-s3-avro', 'typed')).join() === '0:30,1:30',
    );

    // FieldPartitioner: one directory per region, all 35 records of a partition in one flush.
    await waitFor(
      'the field-partitioned objects',
      async () => (await s3.list(BUCKET, 'by-region/')).length >= 4,
    );
    const byRegion = await s3.list(BUCKET, 'by-region/');
    assert.deepEqual(byRegion, [
      'by-region/plain/region=eu/plain+0+0000000000.json',
      'by-region/plain/region=eu/plain+1+0000000000.json',
      'by-region/plain/region=us/plain+0+0000000001.json',
      'by-region/plain/region=us/plain+1+0000000001.json',
    ]);
    const eu = (await s3.get(BUCKET, byRegion[0]!)).toString().trimEnd().split('\n');
    assert.equal(eu.length, 12);
    assert.ok(eu.every((l) => (JSON.parse(l) as { region: string }).region === 'eu'));

    // TimeBasedPartitioner on record timestamps: the first 20 records in hour 10, the rest in 11.
    await waitFor(
      'the time-partitioned objects',
      async () => (await s3.list(BUCKET, 'by-hour/')).length >= 4,
    );
    assert.deepEqual(await s3.list(BUCKET, 'by-hour/'), [
      'by-hour/plain/year=2026/month=12/day=07/hour=10/plain+0+0000000000.json',
      'by-hour/plain/year=2026/month=12/day=07/hour=10/plain+1+0000000000.json',
      'by-hour/plain/year=2026/month=12/day=07/hour=11/plain+0+0000000020.json',
      'by-hour/plain/year=2026/month=12/day=07/hour=11/plain+1+0000000020.json',
    ]);

    // validate names the fields a partitioner is missing.
    const v = await fetch(`${worker!.url}/connector-plugins/S3SinkConnector/config/validate`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 's3-invalid',
        ...s3Config,
        'connector.class': 'S3SinkConnector',
        topics: 'plain',
        'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
        'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      }),
    });
    const body = (await v.json()) as {
      error_count: number;
      configs: { value: { name: string; errors: string[] } }[];
    };
    assert.equal(body.error_count, 1, JSON.stringify(body));
    assert.match(
      body.configs.find((c) => c.value.name === 'partition.field.name')!.value.errors[0]!,
      /FieldPartitioner needs partition.field.name/,
    );

    // KIP-769: the plugin's own config definitions.
    const defs = (await (
      await fetch(`${worker!.url}/connector-plugins/io.confluent.connect.s3.S3SinkConnector/config`)
    ).json()) as { name: string; required: boolean; default_value: string | null }[];
    assert.deepEqual(
      defs.find((d) => d.name === 's3.bucket.name'),
      { ...defs.find((d) => d.name === 's3.bucket.name'), required: true, default_value: null },
    );
    assert.equal(defs.find((d) => d.name === 'topics.dir')?.default_value, 'topics');
    assert.equal(
      (await fetch(`${worker!.url}/connector-plugins/NoSuchConnector/config`)).status,
      404,
    );
  },
);
