// The S3 sink's partitioners and the Connect ↔ Avro mapping, without a broker: Joda-Time
// path formats in a time zone with daylight saving, bucketing by partition.duration.ms, field
// paths, and schemas and values that survive Avro and come back equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkRecord } from '../../src/connect/index.js';
import { Struct, optional, schemaOf, structSchema } from '../../src/connect/index.js';
import {
  avroTypeFor,
  fromConnectSchema,
  fromConnectValue,
  toConnectSchema,
  toConnectValue,
} from '../../src/connect/data/avro-data.js';
import { formatJoda, makePartitioner } from '../../src/connect/connectors/s3/partitioner.js';
import { s3SinkSettings } from '../../src/connect/connectors/s3/s3-sink-config.js';

function record(value: unknown, timestamp: number, partition = 3): SinkRecord {
  return {
    topic: 't',
    kafkaPartition: partition,
    kafkaOffset: 7n,
    key: null,
    value,
    timestamp,
    timestampType: 'CreateTime',
    headers: [],
    originalTopic: 't',
    originalKafkaPartition: partition,
    originalKafkaOffset: 7n,
  };
}

const base = {
  's3.bucket.name': 'b',
  'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
  'flush.size': '3',
};

test('Joda path formats in a time zone, bucketed by partition.duration.ms', () => {
  // 2026-07-01T23:30Z is 2026-07-02 01:30 in Berlin (summer time, UTC+2).
  const ms = Date.UTC(2026, 6, 1, 23, 30);
  assert.equal(
    formatJoda(ms, "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", 'Europe/Berlin'),
    'year=2026/month=07/day=02/hour=01',
  );
  const p = makePartitioner(
    s3SinkSettings({
      ...base,
      'partitioner.class': 'io.confluent.connect.storage.partitioner.TimeBasedPartitioner',
      'path.format': "'day'=YYYYMMdd/'h'=HH",
      'partition.duration.ms': String(6 * 3_600_000),
      timezone: 'Europe/Berlin',
      'timestamp.extractor': 'Record',
    }),
    () => 0,
  );
  // Six-hour buckets start at local 00, 06, 12, 18: 01:30 local falls in the 00 bucket.
  assert.equal(p.encodePartition(record({}, ms)), 'day=20260702/h=00');
  assert.equal(p.encodePartition(record({}, ms + 5 * 3_600_000)), 'day=20260702/h=06');
  const daily = makePartitioner(
    s3SinkSettings({
      ...base,
      'partitioner.class': 'io.confluent.connect.storage.partitioner.DailyPartitioner',
      timezone: 'UTC',
      'timestamp.extractor': 'RecordField',
      'timestamp.field': 'at',
    }),
    () => 0,
  );
  assert.equal(
    daily.encodePartition(record({ at: '2026-12-07T10:00:00Z' }, 0)),
    'year=2026/month=12/day=07',
  );
});

test('default and field partitioners', () => {
  const dflt = makePartitioner(s3SinkSettings(base), () => 0);
  assert.equal(dflt.encodePartition(record({}, 0)), 'partition=3');
  const schema = structSchema([
    { name: 'country', schema: schemaOf('STRING') },
    { name: 'year', schema: schemaOf('INT32') },
  ]);
  const field = makePartitioner(
    s3SinkSettings({
      ...base,
      'partitioner.class': 'io.confluent.connect.storage.partitioner.FieldPartitioner',
      'partition.field.name': 'country,year',
    }),
    () => 0,
  );
  assert.equal(
    field.encodePartition(record(new Struct(schema).put('country', 'se').put('year', 2026), 0)),
    'country=se/year=2026',
  );
  assert.throws(() => field.encodePartition(record('text', 0)), /struct or map value/);
});

test('Connect schemas and values survive Avro', () => {
  const inner = structSchema([{ name: 'x', schema: schemaOf('INT16') }], { name: 'a.Inner' });
  const schema = structSchema(
    [
      { name: 'id', schema: schemaOf('INT64') },
      { name: 'tiny', schema: schemaOf('INT8') },
      { name: 'name', schema: optional(schemaOf('STRING')) },
      { name: 'tags', schema: { type: 'ARRAY', optional: false, valueSchema: schemaOf('STRING') } },
      {
        name: 'counts',
        schema: {
          type: 'MAP',
          optional: false,
          keySchema: schemaOf('INT32'),
          valueSchema: schemaOf('FLOAT64'),
        },
      },
      { name: 'inner', schema: inner },
      {
        name: 'at',
        schema: schemaOf('INT64', { name: 'org.apache.kafka.connect.data.Timestamp', version: 1 }),
      },
    ],
    { name: 'com.example.Row', version: 2, parameters: { origin: 'test' } },
  );
  const value = new Struct(schema)
    .put('id', 9007199254740993n)
    .put('tiny', -3)
    .put('name', null)
    .put('tags', ['a', 'b'])
    .put('counts', new Map([[1, 0.5]]))
    .put('inner', new Struct(inner).put('x', 7))
    .put('at', new Date(1_765_000_000_000));
  const avro = fromConnectSchema(schema);
  assert.equal(avro.name, 'com.example.Row');
  assert.equal(avro['connect.version'], 2);
  assert.deepEqual(avro['connect.parameters'], { origin: 'test' });
  const type = avroTypeFor(avro);
  const back = toConnectSchema(JSON.parse(JSON.stringify(avro)));
  const decoded = toConnectValue(
    back,
    type.fromBuffer(type.toBuffer(fromConnectValue(schema, value))),
  ) as Struct;
  assert.equal(decoded.get('id'), 9007199254740993n);
  assert.equal(decoded.get('tiny'), -3);
  assert.equal(back.fields![1]!.schema.type, 'INT8');
  assert.equal(decoded.get('name'), null);
  assert.deepEqual(decoded.get('tags'), ['a', 'b']);
  assert.deepEqual(decoded.get('counts'), new Map([[1, 0.5]]));
  assert.equal((decoded.get('inner') as Struct).get('x'), 7);
  assert.equal((decoded.get('at') as Date).getTime(), 1_765_000_000_000);
  assert.equal(back.name, 'com.example.Row');
  assert.equal(back.version, 2);
});
