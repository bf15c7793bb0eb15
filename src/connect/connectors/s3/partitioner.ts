// Where a record's object goes under `<topics.dir>/<topic>/`, as Confluent's storage
// partitioners decide: DefaultPartitioner by Kafka partition (`partition=<p>`),
// FieldPartitioner by the values of `partition.field.name` (`<field>=<value>/…`), and
// TimeBasedPartitioner (and its Hourly and Daily presets) by a timestamp floored to
// `partition.duration.ms` in `timezone`, written with the Joda-Time pattern `path.format`.
// The timestamp comes from `timestamp.extractor`: Wallclock (now), Record (the record's
// timestamp) or RecordField (`timestamp.field` of the value).
import type { SinkRecord } from '../../connector.js';
import { ConnectError } from '../../connector.js';
import { Struct } from '../../data/schema.js';
import type { S3SinkSettings } from './s3-sink-config.js';

export interface S3Partitioner {
  /** The record's directory below `<topics.dir>/<topic>/`. */
  encodePartition(record: SinkRecord): string;
  /** The timestamp rotate.interval.ms is measured on, when the partitioner has one. */
  timestamp?(record: SinkRecord): number;
}

const HOURLY = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";
const DAILY = "'year'=YYYY/'month'=MM/'day'=dd";

export function makePartitioner(s: S3SinkSettings, nowMs: () => number): S3Partitioner {
  switch (s.partitioner) {
    case 'default':
      return { encodePartition: (r) => `partition=${r.kafkaPartition}` };
    case 'field':
      return { encodePartition: (r) => fieldPath(r, s.partitionFields, s.directoryDelim) };
    case 'hourly':
      return timeBased(HOURLY, 3_600_000, s, nowMs);
    case 'daily':
      return timeBased(DAILY, 86_400_000, s, nowMs);
    case 'time':
      return timeBased(s.pathFormat, s.partitionDurationMs, s, nowMs);
  }
}

function fieldPath(r: SinkRecord, fields: readonly string[], delim: string): string {
  if (!(r.value instanceof Struct) && (typeof r.value !== 'object' || r.value === null))
    throw new ConnectError(
      `FieldPartitioner needs a struct or map value: ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`,
    );
  return fields
    .map((f) => {
      const v = valueOf(r.value, f);
      if (v === null || v === undefined || typeof v === 'object')
        throw new ConnectError(
          `Error encoding partition: field ${f} of ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset} is not a primitive value`,
        );
      return `${f}=${String(v)}`;
    })
    .join(delim);
}

function valueOf(value: unknown, field: string): unknown {
  if (value instanceof Struct) return value.get(field);
  if (value instanceof Map) return value.get(field);
  return (value as Record<string, unknown>)[field];
}

function timeBased(
  pathFormat: string,
  durationMs: number,
  s: S3SinkSettings,
  nowMs: () => number,
): S3Partitioner {
  const tz = s.timezone === '' ? 'UTC' : s.timezone;
  const extract = extractor(s, nowMs);
  return {
    timestamp: extract,
    encodePartition: (r) => {
      const ts = extract(r);
      const offset = tzOffsetMs(ts, tz);
      const bucket = Math.floor((ts + offset) / durationMs) * durationMs - offset;
      return formatJoda(bucket, pathFormat, tz);
    },
  };
}

export function extractor(s: S3SinkSettings, nowMs: () => number): (r: SinkRecord) => number {
  switch (s.timestampExtractor) {
    case 'Wallclock':
      return () => nowMs();
    case 'Record':
      return (r) => {
        if (r.timestamp === null)
          throw new ConnectError(
            `Unable to determine timestamp using timestamp.extractor Record for ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`,
          );
        return r.timestamp;
      };
    case 'RecordField':
      return (r) => {
        const v = valueOf(r.value, s.timestampField);
        if (v instanceof Date) return v.getTime();
        if (typeof v === 'number' || typeof v === 'bigint') return Number(v);
        if (typeof v === 'string' && !Number.isNaN(Date.parse(v))) return Date.parse(v);
        throw new ConnectError(
          `Unable to extract timestamp from field ${s.timestampField} of ${r.topic}-${r.kafkaPartition}@${r.kafkaOffset}`,
        );
      };
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function parts(ms: number, tz: string): Record<string, number> {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(new Date(ms)))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** How far `tz` is ahead of UTC at `ms`. */
function tzOffsetMs(ms: number, tz: string): number {
  const p = parts(ms, tz);
  const local = Date.UTC(
    p['year']!,
    p['month']! - 1,
    p['day']!,
    p['hour']!,
    p['minute']!,
    p['second']!,
  );
  return local - (ms - (((ms % 1000) + 1000) % 1000));
}

const JODA = /'[^']*'|Y+|y+|M+|d+|H+|m+|s+|./g;

/** Formats with the Joda-Time letters path.format uses (Y/y year, M, d, H, m, s, quotes). */
export function formatJoda(ms: number, pattern: string, tz: string): string {
  const p = parts(ms, tz);
  return pattern.replace(JODA, (t) => {
    const width = t.length;
    switch (t[0]) {
      case 'Y':
      case 'y':
        return width === 2
          ? String(p['year']! % 100).padStart(2, '0')
          : String(p['year']).padStart(width, '0');
      case 'M':
        return String(p['month']).padStart(width, '0');
      case 'd':
        return String(p['day']).padStart(width, '0');
      case 'H':
        return String(p['hour']).padStart(width, '0');
      case 'm':
        return String(p['minute']).padStart(width, '0');
      case 's':
        return String(p['second']).padStart(width, '0');
      case "'":
        return t === "''" ? "'" : t.slice(1, -1);
      default:
        return t;
    }
  });
}
