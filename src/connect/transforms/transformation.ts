// Single message transforms and predicates, as Kafka Connect's: a transformation changes (or
// drops, by returning null) one record at a time; a predicate decides whether a
// transformation applies. Most built-in transforms come in a Key and a Value variant
// (`InsertField$Key`, `InsertField$Value`), which differ only in which half of the record
// they touch: `Side` captures that.
import type { ConnectRecord } from '../connector.js';
import { ConfigDef } from '../config-def.js';
import { Struct, type Schema } from '../data/schema.js';

export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(props: Record<string, string>): void;
  /** The record changed, or null to drop it. */
  apply(record: R): R | null;
  config(): ConfigDef;
  close?(): void;
}

export interface Predicate<R extends ConnectRecord = ConnectRecord> {
  configure(props: Record<string, string>): void;
  test(record: R): boolean;
  config(): ConfigDef;
}

export type Side = 'key' | 'value';

export function getSide(record: ConnectRecord, side: Side): { schema?: Schema; value: unknown } {
  return side === 'key'
    ? { schema: record.keySchema, value: record.key }
    : { schema: record.valueSchema, value: record.value };
}

export function withSide<R extends ConnectRecord>(
  record: R,
  side: Side,
  schema: Schema | undefined,
  value: unknown,
): R {
  return side === 'key'
    ? { ...record, keySchema: schema, key: value }
    : { ...record, valueSchema: schema, value };
}

/** A schemaless record's map value (a plain object), or an error naming the transform. */
export function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    value instanceof Struct ||
    Buffer.isBuffer(value)
  )
    throw new Error(
      `Only Map objects supported in absence of schema for [${purpose}], found: ${describe(value)}`,
    );
  return value as Record<string, unknown>;
}

export function requireStruct(value: unknown, purpose: string): Struct {
  if (!(value instanceof Struct))
    throw new Error(`Only Struct objects supported for [${purpose}], found: ${describe(value)}`);
  return value;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return 'byte[]';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** Copies a Struct's values into a struct of a (wider or narrower) schema. */
export function copyStruct(from: Struct, schema: Schema, fill?: (name: string) => unknown): Struct {
  const out = new Struct(schema);
  for (const f of schema.fields ?? []) {
    const has = from.schema.fields?.some((g) => g.name === f.name) ?? false;
    out.put(f.name, has ? from.get(f.name) : (fill?.(f.name) ?? null));
  }
  return out;
}

/** Parses `a:b,c:d` into pairs (ReplaceField's renames, Cast's spec). */
export function parsePairs(spec: string, what: string): [string, string][] {
  if (spec.trim() === '') return [];
  return spec.split(',').map((part) => {
    const [a, b, ...rest] = part.trim().split(':');
    if (a === undefined || b === undefined || rest.length > 0 || a === '' || b === '')
      throw new Error(`Invalid ${what}: ${part.trim()} (expected "name:value")`);
    return [a.trim(), b.trim()];
  });
}

/** A transform's config definition with one list of field names. */
export function listDef(name: string, doc: string, defaultValue?: string[]): ConfigDef {
  return new ConfigDef().define({
    name,
    type: 'LIST',
    defaultValue,
    documentation: doc,
    importance: 'MEDIUM',
  });
}
