// Kafka Connect's JsonConverter. With `schemas.enable=true` (the default) each message is an
// envelope `{"schema": ..., "payload": ...}` in Connect's JSON schema notation (types int8 …
// int64, float, double, boolean, string, bytes as base64, array/items, map/keys/values,
// struct/fields), so a sink can rebuild typed data; with `false` the message is the plain
// JSON value and records carry no schema. INT64 values are written digit for digit (bigint),
// never rounded through a double.
import {
  LOGICAL,
  Struct,
  inferSchema,
  schemaOf,
  type Schema,
  type SchemaType,
} from '../data/schema.js';
import { ConversionError, type Converter, type SchemaAndValue } from './converter.js';
import { parseJsonExact } from './exact-json.js';

const TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};
const TYPES_BY_NAME = new Map(Object.entries(TYPE_NAMES).map(([k, v]) => [v, k as SchemaType]));
const DAY_MS = 86_400_000;

export class JsonConverter implements Converter {
  private schemasEnable = true;

  configure(props: Record<string, string>, _isKey = false): void {
    this.schemasEnable = (props['schemas.enable'] ?? 'true').toLowerCase() !== 'false';
  }

  fromConnectData(_topic: string, schema: Schema | undefined, value: unknown): Buffer | null {
    if (value === null || value === undefined) {
      if (!this.schemasEnable) return null;
      // Kafka writes an envelope with a null payload for a null value with a schema.
      if (schema === undefined) return null;
    }
    const payload = toJsonValue(schema, value);
    if (!this.schemasEnable) return Buffer.from(writeJson(payload));
    const envelope = { schema: schema === undefined ? null : schemaToJson(schema), payload };
    return Buffer.from(writeJson(envelope));
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null || bytes.length === 0) return { value: null };
    let parsed: unknown;
    try {
      parsed = parseJsonExact(bytes.toString('utf8'));
    } catch (err) {
      throw new ConversionError(
        `Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`,
      );
    }
    if (!this.schemasEnable) return { value: parsed };
    if (
      typeof parsed !== 'object' ||
      parsed === null ||
      !('schema' in parsed) ||
      !('payload' in parsed) ||
      Object.keys(parsed).length !== 2
    )
      throw new ConversionError(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    const env = parsed as { schema: unknown; payload: unknown };
    if (env.schema === null) return { value: env.payload };
    const schema = schemaFromJson(env.schema);
    return { schema, value: fromJsonValue(schema, env.payload) };
  }
}

export function schemaToJson(schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = { type: TYPE_NAMES[schema.type], optional: schema.optional };
  if (schema.type === 'STRUCT')
    out['fields'] = (schema.fields ?? []).map((f) => ({
      ...schemaToJson(f.schema),
      field: f.name,
    }));
  if (schema.type === 'ARRAY' && schema.valueSchema)
    out['items'] = schemaToJson(schema.valueSchema);
  if (schema.type === 'MAP') {
    if (schema.keySchema) out['keys'] = schemaToJson(schema.keySchema);
    if (schema.valueSchema) out['values'] = schemaToJson(schema.valueSchema);
  }
  if (schema.name !== undefined) out['name'] = schema.name;
  if (schema.version !== undefined) out['version'] = schema.version;
  if (schema.doc !== undefined) out['doc'] = schema.doc;
  if (schema.parameters !== undefined) out['parameters'] = schema.parameters;
  if (schema.defaultValue !== undefined && schema.defaultValue !== null)
    out['default'] = toJsonValue(schema, schema.defaultValue);
  return out;
}

export function schemaFromJson(json: unknown): Schema {
  if (typeof json !== 'object' || json === null)
    throw new ConversionError('Schema must be a JSON object');
  const j = json as Record<string, unknown>;
  const type = TYPES_BY_NAME.get(String(j['type']));
  if (type === undefined) throw new ConversionError(`Unknown schema type: ${String(j['type'])}`);
  const schema: Schema = { type, optional: j['optional'] === true };
  if (typeof j['name'] === 'string') schema.name = j['name'];
  if (typeof j['version'] === 'number') schema.version = j['version'];
  if (typeof j['doc'] === 'string') schema.doc = j['doc'];
  if (typeof j['parameters'] === 'object' && j['parameters'] !== null)
    schema.parameters = j['parameters'] as Record<string, string>;
  if (type === 'STRUCT') {
    if (!Array.isArray(j['fields'])) throw new ConversionError('Struct schema must have fields');
    schema.fields = (j['fields'] as Record<string, unknown>[]).map((f, index) => ({
      name: String(f['field']),
      index,
      schema: schemaFromJson(f),
    }));
  }
  if (type === 'ARRAY') schema.valueSchema = schemaFromJson(j['items']);
  if (type === 'MAP') {
    schema.keySchema = schemaFromJson(j['keys']);
    schema.valueSchema = schemaFromJson(j['values']);
  }
  if (j['default'] !== undefined && j['default'] !== null)
    schema.defaultValue = fromJsonValue(schema, j['default']);
  return schema;
}

/** Connect data → a JSON tree (bigints kept for writeJson). */
export function toJsonValue(schema: Schema | undefined, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (schema === undefined) return schemaless(value);
  switch (schema.name) {
    case LOGICAL.date:
      return Math.floor((value as Date).getTime() / DAY_MS);
    case LOGICAL.time:
      return (value as Date).getTime() % DAY_MS;
    case LOGICAL.timestamp:
      return BigInt((value as Date).getTime());
  }
  switch (schema.type) {
    case 'BYTES':
      return Buffer.isBuffer(value) ? value.toString('base64') : value;
    case 'INT64':
      return typeof value === 'bigint' ? value : BigInt(value as number);
    case 'ARRAY':
      return (value as unknown[]).map((v) => toJsonValue(schema.valueSchema, v));
    case 'MAP': {
      const entries = value instanceof Map ? [...value] : Object.entries(value as object);
      if (schema.keySchema?.type === 'STRING')
        return Object.fromEntries(entries.map(([k, v]) => [k, toJsonValue(schema.valueSchema, v)]));
      return entries.map(([k, v]) => [
        toJsonValue(schema.keySchema, k),
        toJsonValue(schema.valueSchema, v),
      ]);
    }
    case 'STRUCT': {
      if (!(value instanceof Struct)) throw new ConversionError('STRUCT value must be a Struct');
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) out[f.name] = toJsonValue(f.schema, value.get(f.name));
      return out;
    }
    default:
      return value;
  }
}

function schemaless(value: unknown): unknown {
  if (value instanceof Struct) return toJsonValue(value.schema, value);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value instanceof Date) return value.getTime();
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), schemaless(v)]));
  if (Array.isArray(value)) return value.map(schemaless);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, schemaless(v)]));
  return value;
}

/** A JSON tree → Connect data of the schema. */
export function fromJsonValue(schema: Schema, json: unknown): unknown {
  if (json === null || json === undefined) {
    if (schema.optional) return null;
    if (schema.defaultValue !== undefined) return schema.defaultValue;
    throw new ConversionError(`Invalid null value for required ${schema.type} field`);
  }
  const wrong = (): never => {
    throw new ConversionError(
      `Invalid JSON for ${TYPE_NAMES[schema.type]} schema: ${JSON.stringify(json)}`,
    );
  };
  switch (schema.name) {
    case LOGICAL.date:
      return new Date(Number(json) * DAY_MS);
    case LOGICAL.time:
    case LOGICAL.timestamp:
      return new Date(Number(json));
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      if (typeof json !== 'number' || !Number.isInteger(json)) wrong();
      return json;
    case 'INT64':
      if (typeof json === 'bigint') return json;
      if (typeof json !== 'number' || !Number.isInteger(json)) wrong();
      return BigInt(json as number);
    case 'FLOAT32':
    case 'FLOAT64':
      if (typeof json !== 'number') wrong();
      return json;
    case 'BOOLEAN':
      if (typeof json !== 'boolean') wrong();
      return json;
    case 'STRING':
      if (typeof json !== 'string') wrong();
      return json;
    case 'BYTES':
      if (typeof json !== 'string') wrong();
      return Buffer.from(json as string, 'base64');
    case 'ARRAY':
      if (!Array.isArray(json)) wrong();
      return (json as unknown[]).map((v) =>
        fromJsonValue(schema.valueSchema ?? schemaOf('STRING'), v),
      );
    case 'MAP': {
      const ks = schema.keySchema!;
      const vs = schema.valueSchema!;
      if (Array.isArray(json))
        return new Map(
          (json as [unknown, unknown][]).map(([k, v]) => [
            fromJsonValue(ks, k),
            fromJsonValue(vs, v),
          ]),
        );
      if (typeof json !== 'object') wrong();
      return new Map(Object.entries(json as object).map(([k, v]) => [k, fromJsonValue(vs, v)]));
    }
    case 'STRUCT': {
      if (typeof json !== 'object' || Array.isArray(json)) wrong();
      const s = new Struct(schema);
      for (const f of schema.fields ?? [])
        s.put(f.name, fromJsonValue(f.schema, (json as Record<string, unknown>)[f.name]));
      return s;
    }
  }
}

/** JSON text of a tree whose numbers may be bigints (written exactly). */
export function writeJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'string' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(writeJson).join(',')}]`;
  if (typeof value === 'object') {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) parts.push(`${JSON.stringify(k)}:${writeJson(v)}`);
    return `{${parts.join(',')}}`;
  }
  return 'null';
}

export function inferredSchemaFor(value: unknown): Schema | undefined {
  return inferSchema(value);
}
