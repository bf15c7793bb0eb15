// Connect's data model: a schema (a type, optional, with a default, a name, a version, a doc,
// parameters, and the field, key and value schemas of composite types) and the values it
// describes. Values are plain JavaScript: numbers for the 8/16/32-bit ints and the floats,
// bigint for INT64, Buffer for BYTES, arrays, Maps, and Struct for STRUCT. Converters, the
// transforms and the connectors all speak it, as in Kafka Connect's `org.apache.kafka.connect.data`.

export type SchemaType =
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FLOAT32'
  | 'FLOAT64'
  | 'BOOLEAN'
  | 'STRING'
  | 'BYTES'
  | 'ARRAY'
  | 'MAP'
  | 'STRUCT';

export interface Field {
  name: string;
  index: number;
  schema: Schema;
}

export interface Schema {
  type: SchemaType;
  optional: boolean;
  defaultValue?: unknown;
  name?: string;
  version?: number;
  doc?: string;
  parameters?: Record<string, string>;
  /** STRUCT only, in order. */
  fields?: Field[];
  /** ARRAY and MAP: the element (value) schema. */
  valueSchema?: Schema;
  /** MAP: the key schema. */
  keySchema?: Schema;
}

/** Kafka Connect's logical types, carried as a schema name on a primitive. */
export const LOGICAL = {
  date: 'org.apache.kafka.connect.data.Date',
  time: 'org.apache.kafka.connect.data.Time',
  timestamp: 'org.apache.kafka.connect.data.Timestamp',
  decimal: 'org.apache.kafka.connect.data.Decimal',
} as const;

const PRIMITIVES = new Set<SchemaType>([
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
]);

export function isPrimitive(type: SchemaType): boolean {
  return PRIMITIVES.has(type);
}

export function schemaOf(type: SchemaType, extra: Partial<Schema> = {}): Schema {
  return { type, optional: false, ...extra };
}

export function optional(schema: Schema): Schema {
  return { ...schema, optional: true };
}

export function structSchema(
  fields: readonly { name: string; schema: Schema }[],
  extra: Partial<Schema> = {},
): Schema {
  return {
    type: 'STRUCT',
    optional: false,
    ...extra,
    fields: fields.map((f, index) => ({ name: f.name, index, schema: f.schema })),
  };
}

export function field(schema: Schema, name: string): Field | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/** A STRUCT value: its schema and one value per field. */
export class Struct {
  private readonly values = new Map<string, unknown>();

  constructor(readonly schema: Schema) {
    if (schema.type !== 'STRUCT') throw new DataError(`a Struct needs a STRUCT schema`);
  }

  put(name: string, value: unknown): this {
    const f = field(this.schema, name);
    if (f === undefined) throw new DataError(`${name} is not a valid field name`);
    validateValue(f.schema, value, name);
    this.values.set(name, value);
    return this;
  }

  get(name: string): unknown {
    const f = field(this.schema, name);
    if (f === undefined) throw new DataError(`${name} is not a valid field name`);
    const v = this.values.get(name);
    return v === undefined || v === null ? (f.schema.defaultValue ?? null) : v;
  }

  /** Throws a DataError naming the first required field without a value. */
  validate(): void {
    for (const f of this.schema.fields ?? []) validateValue(f.schema, this.get(f.name), f.name);
  }

  equals(other: unknown): boolean {
    if (!(other instanceof Struct)) return false;
    if (!schemaEquals(this.schema, other.schema)) return false;
    return (this.schema.fields ?? []).every((f) =>
      valueEquals(this.get(f.name), other.get(f.name)),
    );
  }
}

export class DataError extends Error {
  override readonly name = 'DataError';
}

/** Checks that a value fits its schema; a DataError says which field and why. */
export function validateValue(schema: Schema | undefined, value: unknown, where = 'value'): void {
  if (schema === undefined) return;
  if (value === null || value === undefined) {
    if (schema.optional || schema.defaultValue !== undefined) return;
    throw new DataError(
      `Invalid value: null used for required field: "${where}", schema type: ${schema.type}`,
    );
  }
  const bad = (): never => {
    throw new DataError(
      `Invalid Java object for schema with type ${schema.type}: ${typeName(value)} for field: "${where}"`,
    );
  };
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
      if (schema.name === LOGICAL.date || schema.name === LOGICAL.time) {
        if (!(value instanceof Date)) bad();
        return;
      }
      if (typeof value !== 'number' || !Number.isInteger(value)) bad();
      return;
    case 'INT64':
      if (schema.name === LOGICAL.timestamp) {
        if (!(value instanceof Date)) bad();
        return;
      }
      if (typeof value !== 'bigint' && !(typeof value === 'number' && Number.isInteger(value)))
        bad();
      return;
    case 'FLOAT32':
    case 'FLOAT64':
      if (typeof value !== 'number') bad();
      return;
    case 'BOOLEAN':
      if (typeof value !== 'boolean') bad();
      return;
    case 'STRING':
      if (typeof value !== 'string') bad();
      return;
    case 'BYTES':
      if (schema.name === LOGICAL.decimal) return;
      if (!Buffer.isBuffer(value)) bad();
      return;
    case 'ARRAY':
      if (!Array.isArray(value)) bad();
      for (const v of value as unknown[]) validateValue(schema.valueSchema, v, where);
      return;
    case 'MAP':
      if (!(value instanceof Map)) bad();
      for (const [k, v] of value as Map<unknown, unknown>) {
        validateValue(schema.keySchema, k, where);
        validateValue(schema.valueSchema, v, where);
      }
      return;
    case 'STRUCT':
      if (!(value instanceof Struct)) bad();
      if (!schemaEquals((value as Struct).schema, schema))
        throw new DataError(`Struct schemas do not match for field: "${where}"`);
      return;
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}

export function schemaEquals(a: Schema | undefined, b: Schema | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (
    a.type !== b.type ||
    a.optional !== b.optional ||
    a.name !== b.name ||
    a.version !== b.version ||
    !valueEquals(a.defaultValue ?? null, b.defaultValue ?? null)
  )
    return false;
  if (!schemaEquals(a.valueSchema, b.valueSchema) || !schemaEquals(a.keySchema, b.keySchema))
    return false;
  const fa = a.fields ?? [];
  const fb = b.fields ?? [];
  return (
    fa.length === fb.length &&
    fa.every((f, i) => f.name === fb[i]!.name && schemaEquals(f.schema, fb[i]!.schema))
  );
}

export function valueEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Struct) return a.equals(b);
  if (Buffer.isBuffer(a)) return Buffer.isBuffer(b) && a.equals(b);
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (typeof a === 'bigint' || typeof b === 'bigint')
    return (
      (typeof a === 'bigint' || typeof a === 'number') &&
      (typeof b === 'bigint' || typeof b === 'number') &&
      BigInt(a) === BigInt(b)
    );
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => valueEquals(v, b[i]));
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!valueEquals(v, b.get(k))) return false;
    return true;
  }
  return false;
}

/** Guesses a schema for a schemaless value (what Connect's Values.inferSchema does). */
export function inferSchema(value: unknown): Schema | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return schemaOf('STRING');
  if (typeof value === 'boolean') return schemaOf('BOOLEAN');
  if (typeof value === 'bigint') return schemaOf('INT64');
  if (typeof value === 'number') return schemaOf(Number.isInteger(value) ? 'INT64' : 'FLOAT64');
  if (Buffer.isBuffer(value)) return schemaOf('BYTES');
  if (value instanceof Struct) return value.schema;
  return undefined;
}
