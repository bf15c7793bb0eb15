// The S3 sink's configuration, with the names and defaults of Confluent's S3 sink connector
// (`io.confluent.connect.s3.S3SinkConnector`), so its connector configs run unchanged.
import { ConfigDef, range, validString } from '../../config-def.js';

const P = 'io.confluent.connect.storage.partitioner.';
export const PARTITIONERS = {
  default: `${P}DefaultPartitioner`,
  field: `${P}FieldPartitioner`,
  time: `${P}TimeBasedPartitioner`,
  hourly: `${P}HourlyPartitioner`,
  daily: `${P}DailyPartitioner`,
} as const;

export const FORMATS = {
  json: 'io.confluent.connect.s3.format.json.JsonFormat',
  avro: 'io.confluent.connect.s3.format.avro.AvroFormat',
} as const;

const oneOfClass =
  (what: string, allowed: readonly string[]) =>
  (name: string, value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const short = value.slice(value.lastIndexOf('.') + 1);
    return allowed.some((a) => a === value || a.endsWith(`.${short}`))
      ? undefined
      : `Invalid value ${value} for configuration ${name}: ${what} must be one of ${allowed.join(', ')}`;
  };

export const S3_SINK_CONFIG = new ConfigDef()
  .define({
    name: 's3.bucket.name',
    type: 'STRING',
    documentation: 'The S3 Bucket.',
    importance: 'HIGH',
    group: 'S3',
  })
  .define({
    name: 's3.region',
    type: 'STRING',
    defaultValue: 'us-west-2',
    documentation: 'The AWS region to be used the connector.',
    importance: 'MEDIUM',
    group: 'S3',
  })
  .define({
    name: 'store.url',
    type: 'STRING',
    defaultValue: '',
    documentation: "Store's connection URL, if applicable (an S3-compatible endpoint).",
    importance: 'HIGH',
    group: 'S3',
  })
  .define({
    name: 's3.path.style.access.enabled',
    type: 'BOOLEAN',
    defaultValue: true,
    documentation:
      'Specifies whether or not to enable path style access to the bucket used by the connector.',
    importance: 'LOW',
    group: 'S3',
  })
  .define({
    name: 'aws.access.key.id',
    type: 'STRING',
    defaultValue: '',
    documentation: 'The AWS access key ID used to authenticate personal AWS credentials.',
    importance: 'HIGH',
    group: 'S3',
  })
  .define({
    name: 'aws.secret.access.key',
    type: 'PASSWORD',
    defaultValue: '',
    documentation: 'The secret access key used to authenticate personal AWS credentials.',
    importance: 'HIGH',
    group: 'S3',
  })
  .define({
    name: 's3.part.size',
    type: 'INT',
    defaultValue: 26214400,
    validator: range(5 * 1024 * 1024, 2 ** 31 - 1),
    documentation: 'The Part Size in S3 Multi-part Uploads.',
    importance: 'HIGH',
    group: 'S3',
  })
  .define({
    name: 's3.compression.type',
    type: 'STRING',
    defaultValue: 'none',
    validator: validString('none', 'gzip'),
    documentation: 'Compression type for files written to S3 (JsonFormat only).',
    importance: 'LOW',
    group: 'S3',
  })
  .define({
    name: 'storage.class',
    type: 'CLASS',
    defaultValue: 'io.confluent.connect.s3.storage.S3Storage',
    validator: oneOfClass('storage.class', ['io.confluent.connect.s3.storage.S3Storage']),
    documentation: 'The underlying storage layer.',
    importance: 'HIGH',
    group: 'Storage',
  })
  .define({
    name: 'topics.dir',
    type: 'STRING',
    defaultValue: 'topics',
    documentation: 'Top level directory to store the data ingested from Kafka.',
    importance: 'HIGH',
    group: 'Storage',
  })
  .define({
    name: 'directory.delim',
    type: 'STRING',
    defaultValue: '/',
    documentation: 'Directory delimiter pattern.',
    importance: 'MEDIUM',
    group: 'Storage',
  })
  .define({
    name: 'file.delim',
    type: 'STRING',
    defaultValue: '+',
    documentation: 'File delimiter pattern.',
    importance: 'MEDIUM',
    group: 'Storage',
  })
  .define({
    name: 'format.class',
    type: 'CLASS',
    validator: oneOfClass('format.class', Object.values(FORMATS)),
    documentation: 'The format class to use when writing data to the store.',
    importance: 'HIGH',
    group: 'Connector',
  })
  .define({
    name: 'flush.size',
    type: 'INT',
    validator: range(1),
    documentation: 'Number of records written to store before invoking file commits.',
    importance: 'HIGH',
    group: 'Connector',
  })
  .define({
    name: 'rotate.interval.ms',
    type: 'LONG',
    defaultValue: -1,
    documentation:
      'The time interval in milliseconds to invoke file commits, measured on the timestamps the timestamp extractor gives.',
    importance: 'HIGH',
    group: 'Connector',
  })
  .define({
    name: 'rotate.schedule.interval.ms',
    type: 'LONG',
    defaultValue: -1,
    documentation:
      'The time interval in milliseconds to periodically invoke file commits, on the wall clock. Files are then no longer deterministic: exactly-once is not guaranteed.',
    importance: 'MEDIUM',
    group: 'Connector',
  })
  .define({
    name: 'behavior.on.null.values',
    type: 'STRING',
    defaultValue: 'fail',
    validator: validString('fail', 'ignore'),
    documentation: 'How to handle records with a null value (tombstones).',
    importance: 'LOW',
    group: 'Connector',
  })
  .define({
    name: 'partitioner.class',
    type: 'CLASS',
    defaultValue: PARTITIONERS.default,
    validator: oneOfClass('partitioner.class', Object.values(PARTITIONERS)),
    documentation: 'The partitioner to use when writing data to the store.',
    importance: 'HIGH',
    group: 'Partitioner',
  })
  .define({
    name: 'partition.field.name',
    type: 'LIST',
    defaultValue: [],
    documentation: 'The name of the partitioning field when FieldPartitioner is used.',
    importance: 'MEDIUM',
    group: 'Partitioner',
  })
  .define({
    name: 'path.format',
    type: 'STRING',
    defaultValue: '',
    documentation:
      "The output directory pattern of TimeBasedPartitioner, a Joda-Time format such as 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH.",
    importance: 'MEDIUM',
    group: 'Partitioner',
  })
  .define({
    name: 'partition.duration.ms',
    type: 'LONG',
    defaultValue: -1,
    documentation: 'The duration of a partition in milliseconds used by TimeBasedPartitioner.',
    importance: 'MEDIUM',
    group: 'Partitioner',
  })
  .define({
    name: 'locale',
    type: 'STRING',
    defaultValue: '',
    documentation: 'The locale to use when partitioning with TimeBasedPartitioner.',
    importance: 'MEDIUM',
    group: 'Partitioner',
  })
  .define({
    name: 'timezone',
    type: 'STRING',
    defaultValue: '',
    documentation:
      'The timezone to use when partitioning with TimeBasedPartitioner (an IANA name).',
    importance: 'MEDIUM',
    group: 'Partitioner',
  })
  .define({
    name: 'timestamp.extractor',
    type: 'STRING',
    defaultValue: 'Wallclock',
    validator: validString('Wallclock', 'Record', 'RecordField'),
    documentation:
      'The extractor that gets the timestamp for records when partitioning with TimeBasedPartitioner.',
    importance: 'MEDIUM',
    group: 'Partitioner',
  })
  .define({
    name: 'timestamp.field',
    type: 'STRING',
    defaultValue: 'timestamp',
    documentation:
      'The record field to be used as timestamp by the RecordField timestamp extractor.',
    importance: 'MEDIUM',
    group: 'Partitioner',
  });

/** The parsed settings the task works with. */
export interface S3SinkSettings {
  bucket: string;
  region: string;
  storeUrl: string;
  pathStyle: boolean;
  accessKeyId: string;
  secretAccessKey: string;
  partSizeBytes: number;
  gzip: boolean;
  topicsDir: string;
  directoryDelim: string;
  fileDelim: string;
  format: 'json' | 'avro';
  flushSize: number;
  rotateIntervalMs: number;
  rotateScheduleIntervalMs: number;
  ignoreNulls: boolean;
  partitioner: keyof typeof PARTITIONERS;
  partitionFields: string[];
  pathFormat: string;
  partitionDurationMs: number;
  timezone: string;
  timestampExtractor: 'Wallclock' | 'Record' | 'RecordField';
  timestampField: string;
}

function short(value: string): string {
  return value.slice(value.lastIndexOf('.') + 1);
}

export function s3SinkSettings(props: Record<string, string>): S3SinkSettings {
  const c = S3_SINK_CONFIG.parse(props);
  const partitionerShort = short(c['partitioner.class'] as string);
  const partitioner = (Object.keys(PARTITIONERS) as (keyof typeof PARTITIONERS)[]).find(
    (k) => short(PARTITIONERS[k]) === partitionerShort,
  )!;
  return {
    bucket: c['s3.bucket.name'] as string,
    region: c['s3.region'] as string,
    storeUrl: c['store.url'] as string,
    pathStyle: c['s3.path.style.access.enabled'] as boolean,
    accessKeyId: c['aws.access.key.id'] as string,
    secretAccessKey: c['aws.secret.access.key'] as string,
    partSizeBytes: c['s3.part.size'] as number,
    gzip: c['s3.compression.type'] === 'gzip',
    topicsDir: c['topics.dir'] as string,
    directoryDelim: c['directory.delim'] as string,
    fileDelim: c['file.delim'] as string,
    format: short(c['format.class'] as string) === 'AvroFormat' ? 'avro' : 'json',
    flushSize: c['flush.size'] as number,
    rotateIntervalMs: c['rotate.interval.ms'] as number,
    rotateScheduleIntervalMs: c['rotate.schedule.interval.ms'] as number,
    ignoreNulls: c['behavior.on.null.values'] === 'ignore',
    partitioner,
    partitionFields: c['partition.field.name'] as string[],
    pathFormat: c['path.format'] as string,
    partitionDurationMs: c['partition.duration.ms'] as number,
    timezone: c['timezone'] as string,
    timestampExtractor: c['timestamp.extractor'] as S3SinkSettings['timestampExtractor'],
    timestampField: c['timestamp.field'] as string,
  };
}

/** Checks across keys that `validate` reports, as Confluent's connector does. */
export function validateS3Sink(props: Record<string, string>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  const partitioner = short(props['partitioner.class'] ?? 'DefaultPartitioner');
  if (partitioner === 'FieldPartitioner' && (props['partition.field.name'] ?? '').trim() === '')
    errors['partition.field.name'] = ['FieldPartitioner needs partition.field.name'];
  if (partitioner === 'TimeBasedPartitioner') {
    if ((props['path.format'] ?? '').trim() === '')
      errors['path.format'] = ['TimeBasedPartitioner needs path.format'];
    if (Number(props['partition.duration.ms'] ?? -1) <= 0)
      errors['partition.duration.ms'] = ['TimeBasedPartitioner needs partition.duration.ms'];
  }
  if (['TimeBasedPartitioner', 'HourlyPartitioner', 'DailyPartitioner'].includes(partitioner)) {
    if ((props['timezone'] ?? '') === '' && (props['locale'] ?? '') !== '')
      errors['timezone'] = ['Timezone cannot be empty when using TimeBasedPartitioner.'];
    const tz = props['timezone'] ?? '';
    if (tz !== '') {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
      } catch {
        errors['timezone'] = [`Invalid timezone ${tz}`];
      }
    }
  }
  return errors;
}
