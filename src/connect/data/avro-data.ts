// Connect schemas and values ↔ Avro, as Confluent's AvroData maps them, so files and records
// written here read like the ones its S3 sink and AvroConverter write:
// - INT8 and INT16 are Avro ints with `"connect.type": "int8"|"int16"`; INT64 is long;
//   FLOAT32/64 float/double; MAP with STRING keys an Avro map, any other MAP an array of
//   `io.confluent.connect.avro.MapEntry` records {key, value};
// - a STRUCT is a record named by the Connect schema name (or
//   `io.confluent.connect.avro.ConnectDefault`), with `connect.name`, `connect.version`,
//   `connect.doc` and `connect.parameters` where the Connect schema has them;
// - an optional schema is the union ["null", T] with default null;
// - Date, Time, Timestamp and Decimal are Avro's date, time-millis, timestamp-millis and
//   decimal logical types.
// Avro values are what avsc reads and writes with `avroLongType` for longs (bigint, so INT64
// keeps every digit).
import { createRequire } from 'node:module';
import { LOGICAL, Struct, type Schema, type SchemaType } from './schema.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AvroSchema = any;

const DEFAULT_RECORD = 'io.confluent.connect.avro.ConnectDefault';
const MAP_ENTRY = 'io.confluent.connect.avro.MapEntry';
const DAY_MS = 86_400_000;

const require = createRequire(import.meta.url);
let avscModule: any;
/** avsc, loaded on first use (synchronously: converters and formats call it in hot loops). */
export function avsc(): any {
  avscModule ??= require('avsc');
  return avscModule;
}

let longType: any;
/** Avro long as a JavaScript bigint (avsc's default refuses values beyond 2^53). */
export function avroLongType(): any {
  longType ??= avsc().types.LongType.__with({
    fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
    toBuffer: (n: bigint) => {
      const buf = Buffer.alloc(8);
      buf.writeBigInt64LE(BigInt(n));
      return buf;
    },
    fromJSON: (v: unknown) => BigInt(v as number),
    toJSON: (n: bigint) => Number(n),
    isValid: (n: unknown) =>
      typeof n === 'bigint' || (typeof n === 'number' && Number.isInteger(n)),
    compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
  });
  return longType;
}

/** An avsc type for an Avro schema, with bigint longs. */
export function avroTypeFor(schema: AvroSchema): any {
  // The registry covers `"long"`; the hook covers `{"type": "long", ...}` (logical types,
  // Connect properties), which avsc would otherwise build with its own number-only long.
  return avsc().Type.forSchema(schema, {
    registry: { long: avroLongType() },
    wrapUnions: false,
    typeHook: (s: AvroSchema) =>
      typeof s === 'object' && s !== null && !Array.isArray(s) && s.type === 'long'
        ? avroLongType()
        : undefined,
  });
}

/** The Avro schema of a Connect schema (Confluent's AvroData.fromConnectSchema). */
export function fromConnectSchema(schema: Schema): AvroSchema {
  const named = new Set<string>();
  return withOptional(schema, toAvro(schema, named));
}

function withOptional(schema: Schema, avro: AvroSchema): AvroSchema {
  return schema.optional ? ['null', avro] : avro;
}

function connectProps(schema: Schema, out: Record<string, unknown>): Record<string, unknown> {
  if (schema.version !== undefined) out['connect.version'] = schema.version;
  if (schema.doc !== undefined) out['connect.doc'] = schema.doc;
  if (schema.parameters !== undefined && Object.keys(schema.parameters).length > 0)
    out['connect.parameters'] = schema.parameters;
  if (schema.defaultValue !== undefined && schema.type !== 'STRUCT')
    out['connect.default'] = toAvroDefault(schema, schema.defaultValue);
  return out;
}

function toAvro(schema: Schema, named: Set<string>): AvroSchema {
  switch (schema.name) {
    case LOGICAL.date:
      return { type: 'int', logicalType: 'date', 'connect.name': LOGICAL.date };
    case LOGICAL.time:
      return { type: 'int', logicalType: 'time-millis', 'connect.name': LOGICAL.time };
    case LOGICAL.timestamp:
      return { type: 'long', logicalType: 'timestamp-millis', 'connect.name': LOGICAL.timestamp };
    case LOGICAL.decimal: {
      const scale = Number(schema.parameters?.['scale'] ?? 0);
      const precision = Number(schema.parameters?.['connect.decimal.precision'] ?? 64);
      return connectProps(schema, {
        type: 'bytes',
        logicalType: 'decimal',
        precision,
        scale,
        'connect.name': LOGICAL.decimal,
      });
    }
  }
  const primitive = PRIMITIVE_TO_AVRO[schema.type];
  if (primitive !== undefined) {
    const extra: Record<string, unknown> = {};
    if (schema.type === 'INT8') extra['connect.type'] = 'int8';
    if (schema.type === 'INT16') extra['connect.type'] = 'int16';
    if (schema.name !== undefined) extra['connect.name'] = schema.name;
    connectProps(schema, extra);
    return Object.keys(extra).length === 0 ? primitive : { type: primitive, ...extra };
  }
  switch (schema.type) {
    case 'ARRAY':
      return { type: 'array', items: fieldSchema(schema.valueSchema!, named) };
    case 'MAP':
      if (schema.keySchema?.type === 'STRING' && !schema.keySchema.optional)
        return { type: 'map', values: fieldSchema(schema.valueSchema!, named) };
      return {
        type: 'array',
        items: uniqueName(named, MAP_ENTRY, (name) => ({
          type: 'record',
          name,
          fields: [
            { name: 'key', type: fieldSchema(schema.keySchema!, named) },
            { name: 'value', type: fieldSchema(schema.valueSchema!, named) },
          ],
        })),
      };
    case 'STRUCT':
      return uniqueName(named, schema.name ?? DEFAULT_RECORD, (name) =>
        connectProps(schema, {
          type: 'record',
          name,
          ...(schema.doc !== undefined && { doc: schema.doc }),
          fields: (schema.fields ?? []).map((f) => ({
            name: f.name,
            type: fieldSchema(f.schema, named),
            ...(f.schema.optional &&
              f.schema.defaultValue === undefined && { default: null as unknown }),
            ...(f.schema.defaultValue !== undefined && {
              default: toAvroDefault(f.schema, f.schema.defaultValue),
            }),
          })),
          ...(schema.name !== undefined && { 'connect.name': schema.name }),
        }),
      );
    default:
      throw new Error(`no Avro schema for Connect type ${schema.type}`);
  }
}

function fieldSchema(schema: Schema, named: Set<string>): AvroSchema {
  return withOptional(schema, toAvro(schema, named));
}

/** Avro names must be unique in one schema: a second record of a name gets a numbered one. */
function uniqueName(
  named: Set<string>,
  name: string,
  make: (name: string) => AvroSchema,
): AvroSchema {
  let n = name;
  for (let i = 1; named.has(n); i++) n = `${name}${i}`;
  named.add(n);
  return make(n);
}

const PRIMITIVE_TO_AVRO: Partial<Record<SchemaType, string>> = {
  INT8: 'int',
  INT16: 'int',
  INT32: 'int',
  INT64: 'long',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
};

function toAvroDefault(schema: Schema, value: unknown): unknown {
  const v = fromConnectValue(schema, value);
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  return v;
}

/** A Connect value as the Avro value of `fromConnectSchema(schema)`. */
export function fromConnectValue(schema: Schema | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (schema === undefined) return value;
  switch (schema.name) {
    case LOGICAL.date:
      return Math.floor((value as Date).getTime() / DAY_MS);
    case LOGICAL.time:
      return (value as Date).getTime() % DAY_MS;
    case LOGICAL.timestamp:
      return BigInt((value as Date).getTime());
  }
  switch (schema.type) {
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'ARRAY':
      return (value as unknown[]).map((v) => fromConnectValue(schema.valueSchema, v));
    case 'MAP': {
      const entries = value instanceof Map ? [...value] : Object.entries(value as object);
      if (schema.keySchema?.type === 'STRING' && !schema.keySchema.optional)
        return Object.fromEntries(
          entries.map(([k, v]) => [k, fromConnectValue(schema.valueSchema, v)]),
        );
      return entries.map(([k, v]) => ({
        key: fromConnectValue(schema.keySchema, k),
        value: fromConnectValue(schema.valueSchema, v),
      }));
    }
    case 'STRUCT': {
      const s = value as Struct;
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) out[f.name] = fromConnectValue(f.schema, s.get(f.name));
      return out;
    }
    default:
      return value;
  }
}

/** The Connect schema of an Avro schema (Confluent's AvroData.toConnectSchema). */
export function toConnectSchema(avro: AvroSchema, optional = false): Schema {
  if (Array.isArray(avro)) {
    const rest = avro.filter((t) => t !== 'null');
    if (rest.length === 1) return toConnectSchema(rest[0], optional || rest.length < avro.length);
    throw new Error(
      `Avro unions other than ["null", T] are not supported: ${JSON.stringify(avro)}`,
    );
  }
  const s: AvroSchema = typeof avro === 'string' ? { type: avro } : avro;
  if (typeof s.type === 'object') return withProps(toConnectSchema(s.type, optional), s);
  const base = { optional } as Schema;
  switch (s.logicalType) {
    case 'date':
      return { ...base, type: 'INT32', name: LOGICAL.date, version: 1 };
    case 'time-millis':
      return { ...base, type: 'INT32', name: LOGICAL.time, version: 1 };
    case 'timestamp-millis':
      return { ...base, type: 'INT64', name: LOGICAL.timestamp, version: 1 };
    case 'decimal':
      return {
        ...base,
        type: 'BYTES',
        name: LOGICAL.decimal,
        version: 1,
        parameters: {
          scale: String(s.scale ?? 0),
          'connect.decimal.precision': String(s.precision),
        },
      };
  }
  switch (s.type) {
    case 'int':
      return withProps(
        {
          ...base,
          type:
            s['connect.type'] === 'int8'
              ? 'INT8'
              : s['connect.type'] === 'int16'
                ? 'INT16'
                : 'INT32',
        },
        s,
      );
    case 'long':
      return withProps({ ...base, type: 'INT64' }, s);
    case 'float':
      return withProps({ ...base, type: 'FLOAT32' }, s);
    case 'double':
      return withProps({ ...base, type: 'FLOAT64' }, s);
    case 'boolean':
      return withProps({ ...base, type: 'BOOLEAN' }, s);
    case 'string':
    case 'enum':
      return withProps({ ...base, type: 'STRING' }, s);
    case 'bytes':
    case 'fixed':
      return withProps({ ...base, type: 'BYTES' }, s);
    case 'array': {
      const items = typeof s.items === 'object' && !Array.isArray(s.items) ? s.items : null;
      if (items?.type === 'record' && String(items.name).startsWith(MAP_ENTRY))
        return {
          ...base,
          type: 'MAP',
          keySchema: toConnectSchema(items.fields[0].type),
          valueSchema: toConnectSchema(items.fields[1].type),
        };
      return { ...base, type: 'ARRAY', valueSchema: toConnectSchema(s.items) };
    }
    case 'map':
      return {
        ...base,
        type: 'MAP',
        keySchema: { type: 'STRING', optional: false },
        valueSchema: toConnectSchema(s.values),
      };
    case 'record': {
      const fullName: string =
        s.namespace !== undefined && !String(s.name).includes('.')
          ? `${s.namespace}.${s.name}`
          : s.name;
      const out: Schema = {
        ...base,
        type: 'STRUCT',
        fields: (s.fields as AvroSchema[]).map((f, index) => {
          const fs = toConnectSchema(f.type);
          if (f.default !== undefined && f.default !== null)
            fs.defaultValue = toConnectValue(fs, f.default);
          return { name: f.name, index, schema: fs };
        }),
      };
      const name = s['connect.name'] ?? (fullName === DEFAULT_RECORD ? undefined : fullName);
      if (name !== undefined) out.name = name;
      if (s.doc !== undefined) out.doc = s.doc;
      if (s['connect.version'] !== undefined) out.version = s['connect.version'];
      if (s['connect.parameters'] !== undefined) out.parameters = s['connect.parameters'];
      return out;
    }
    default:
      throw new Error(`no Connect schema for Avro type ${JSON.stringify(s.type)}`);
  }
}

function withProps(schema: Schema, avro: AvroSchema): Schema {
  if (typeof avro !== 'object' || avro === null) return schema;
  if (avro['connect.name'] !== undefined) schema.name = avro['connect.name'];
  if (avro['connect.version'] !== undefined) schema.version = avro['connect.version'];
  if (avro['connect.doc'] !== undefined) schema.doc = avro['connect.doc'];
  if (avro['connect.parameters'] !== undefined) schema.parameters = avro['connect.parameters'];
  if (avro['connect.default'] !== undefined)
    schema.defaultValue = toConnectValue(schema, avro['connect.default']);
  return schema;
}

/** An Avro value (as avsc reads it with `avroTypeFor`) as Connect data of `schema`. */
export function toConnectValue(schema: Schema, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case LOGICAL.date:
      return new Date(Number(value) * DAY_MS);
    case LOGICAL.time:
    case LOGICAL.timestamp:
      return new Date(Number(value));
  }
  switch (schema.type) {
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'BYTES':
      return Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'latin1');
    case 'ARRAY':
      return (value as unknown[]).map((v) => toConnectValue(schema.valueSchema!, v));
    case 'MAP': {
      if (Array.isArray(value))
        return new Map(
          value.map((e: { key: unknown; value: unknown }) => [
            toConnectValue(schema.keySchema!, e.key),
            toConnectValue(schema.valueSchema!, e.value),
          ]),
        );
      return new Map(
        Object.entries(value as object).map(([k, v]) => [
          k,
          toConnectValue(schema.valueSchema!, v),
        ]),
      );
    }
    case 'STRUCT': {
      const s = new Struct(schema);
      const v = value as Record<string, unknown>;
      for (const f of schema.fields ?? []) s.put(f.name, toConnectValue(f.schema, v[f.name]));
      return s;
    }
    default:
      return value;
  }
}
