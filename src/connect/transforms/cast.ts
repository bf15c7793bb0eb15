// Cast and TimestampConverter, with Kafka's config names: Cast changes primitive field types
// (`spec=age:int32,score:float64`, or one type for a primitive key or value);
// TimestampConverter moves a timestamp between unix ms, a formatted string and Connect's
// Date/Time/Timestamp logical types.
import type { ConnectRecord } from '../connector.js';
import { ConfigDef, validString } from '../config-def.js';
import {
  LOGICAL,
  Struct,
  schemaOf,
  structSchema,
  type Schema,
  type SchemaType,
} from '../data/schema.js';
import { formatDate, parseDate } from './date-format.js';
import {
  getSide,
  parsePairs,
  requireMap,
  requireStruct,
  withSide,
  type Side,
  type Transformation,
} from './transformation.js';

const CAST_TYPES: Record<string, SchemaType> = {
  int8: 'INT8',
  int16: 'INT16',
  int32: 'INT32',
  int64: 'INT64',
  float32: 'FLOAT32',
  float64: 'FLOAT64',
  boolean: 'BOOLEAN',
  string: 'STRING',
};

function castValue(value: unknown, to: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const asNumber = (): number => {
    if (typeof value === 'boolean') return value ? 1 : 0;
    const n = Number(value);
    if (Number.isNaN(n)) throw new Error(`Cast: cannot cast ${String(value)} to ${to}`);
    return n;
  };
  switch (to) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      return Math.trunc(asNumber());
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(Math.trunc(asNumber()));
    case 'FLOAT32':
    case 'FLOAT64':
      return asNumber();
    case 'BOOLEAN':
      return typeof value === 'string' ? value.toLowerCase() === 'true' : asNumber() !== 0;
    case 'STRING':
      return Buffer.isBuffer(value) ? value.toString('base64') : String(value);
    default:
      throw new Error(`Cast: unsupported target type ${to}`);
  }
}

export class Cast implements Transformation {
  private whole: SchemaType | undefined;
  private casts = new Map<string, SchemaType>();
  constructor(private readonly side: Side) {}

  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'spec',
      type: 'LIST',
      documentation:
        'List of fields and the type to cast them to of the form field1:type,field2:type, or a single type for a primitive key or value.',
    });
  }

  configure(props: Record<string, string>): void {
    const spec = (this.config().parse(props)['spec'] as string[]).join(',');
    const typeOf = (name: string): SchemaType => {
      const t = CAST_TYPES[name.toLowerCase()];
      if (t === undefined) throw new Error(`Invalid type found in casting spec: ${name}`);
      return t;
    };
    if (!spec.includes(':')) this.whole = typeOf(spec.trim());
    else for (const [f, t] of parsePairs(spec, 'cast spec')) this.casts.set(f, typeOf(t));
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    if (this.whole !== undefined)
      return withSide(
        record,
        this.side,
        schema === undefined ? undefined : schemaOf(this.whole, { optional: schema.optional }),
        castValue(value, this.whole),
      );
    if (value === null || value === undefined) return record;
    if (schema === undefined) {
      const out = { ...requireMap(value, 'cast') };
      for (const [f, t] of this.casts) if (f in out) out[f] = castValue(out[f], t);
      return withSide(record, this.side, undefined, out);
    }
    const struct = requireStruct(value, 'cast');
    const newSchema = structSchema(
      (schema.fields ?? []).map((f) => {
        const t = this.casts.get(f.name);
        return {
          name: f.name,
          schema: t === undefined ? f.schema : schemaOf(t, { optional: f.schema.optional }),
        };
      }),
      { name: schema.name, version: schema.version, optional: schema.optional },
    );
    const out = new Struct(newSchema);
    for (const f of schema.fields ?? []) {
      const t = this.casts.get(f.name);
      out.put(f.name, t === undefined ? struct.get(f.name) : castValue(struct.get(f.name), t));
    }
    return withSide(record, this.side, newSchema, out);
  }
}

type TargetType = 'string' | 'unix' | 'Date' | 'Time' | 'Timestamp';
const DAY_MS = 86_400_000;

export class TimestampConverter implements Transformation {
  private field = '';
  private target: TargetType = 'Timestamp';
  private format = '';
  private precision = 'milliseconds';
  constructor(private readonly side: Side) {}

  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'field',
        type: 'STRING',
        defaultValue: '',
        documentation:
          'The field containing the timestamp, or empty if the entire value is a timestamp.',
      })
      .define({
        name: 'target.type',
        type: 'STRING',
        validator: validString('string', 'unix', 'Date', 'Time', 'Timestamp'),
        documentation:
          'The desired timestamp representation: string, unix, Date, Time, or Timestamp.',
      })
      .define({
        name: 'format',
        type: 'STRING',
        defaultValue: '',
        documentation: 'A SimpleDateFormat-compatible format for the timestamp.',
      })
      .define({
        name: 'unix.precision',
        type: 'STRING',
        defaultValue: 'milliseconds',
        validator: validString('nanoseconds', 'microseconds', 'milliseconds', 'seconds'),
        documentation: 'The desired Unix precision for the timestamp.',
      });
  }

  configure(props: Record<string, string>): void {
    const c = this.config().parse(props);
    this.field = c['field'] as string;
    this.target = c['target.type'] as TargetType;
    this.format = c['format'] as string;
    this.precision = c['unix.precision'] as string;
    if (this.target === 'string' && this.format === '')
      throw new Error(
        'TimestampConverter requires format option to be specified when using string timestamps',
      );
  }

  private toMs(value: unknown): number {
    if (value instanceof Date) return value.getTime();
    if (typeof value === 'string') {
      if (this.format === '')
        throw new Error(
          'TimestampConverter requires format option to be specified when using string timestamps',
        );
      return parseDate(value, this.format);
    }
    const n = Number(value);
    switch (this.precision) {
      case 'seconds':
        return n * 1000;
      case 'microseconds':
        return Math.floor(n / 1000);
      case 'nanoseconds':
        return Math.floor(n / 1_000_000);
      default:
        return n;
    }
  }

  private convert(value: unknown): { schema: Schema; value: unknown } {
    const ms = this.toMs(value);
    switch (this.target) {
      case 'string':
        return { schema: schemaOf('STRING'), value: formatDate(ms, this.format) };
      case 'unix': {
        const v =
          this.precision === 'seconds'
            ? Math.floor(ms / 1000)
            : this.precision === 'microseconds'
              ? ms * 1000
              : this.precision === 'nanoseconds'
                ? ms * 1_000_000
                : ms;
        return { schema: schemaOf('INT64'), value: BigInt(v) };
      }
      case 'Date':
        return {
          schema: schemaOf('INT32', { name: LOGICAL.date, version: 1 }),
          value: new Date(Math.floor(ms / DAY_MS) * DAY_MS),
        };
      case 'Time':
        return {
          schema: schemaOf('INT32', { name: LOGICAL.time, version: 1 }),
          value: new Date(((ms % DAY_MS) + DAY_MS) % DAY_MS),
        };
      case 'Timestamp':
        return {
          schema: schemaOf('INT64', { name: LOGICAL.timestamp, version: 1 }),
          value: new Date(ms),
        };
    }
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    if (value === null || value === undefined) return record;
    if (this.field === '') {
      const c = this.convert(value);
      return withSide(
        record,
        this.side,
        schema === undefined ? undefined : c.schema,
        schema === undefined ? plain(c.value) : c.value,
      );
    }
    if (schema === undefined) {
      const out = { ...requireMap(value, 'timestamp conversion') };
      if (out[this.field] !== null && out[this.field] !== undefined)
        out[this.field] = plain(this.convert(out[this.field]).value);
      return withSide(record, this.side, undefined, out);
    }
    const struct = requireStruct(value, 'timestamp conversion');
    const old = struct.get(this.field);
    const c = old === null ? null : this.convert(old);
    const targetSchema = c?.schema ?? this.convert(0).schema;
    const newSchema = structSchema(
      (schema.fields ?? []).map((f) => ({
        name: f.name,
        schema: f.name === this.field ? { ...targetSchema, optional: f.schema.optional } : f.schema,
      })),
      { name: schema.name, version: schema.version, optional: schema.optional },
    );
    const out = new Struct(newSchema);
    for (const f of schema.fields ?? [])
      out.put(f.name, f.name === this.field ? (c?.value ?? null) : struct.get(f.name));
    return withSide(record, this.side, newSchema, out);
  }
}

/** Schemaless records carry dates as epoch ms, and unix values as numbers. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  return v;
}
