// Avro schemas through avsc, and Avro's schema-resolution rules as the compatibility check
// (the rules of the Avro specification's "Schema Resolution" section, reported with the
// error types of Avro's SchemaCompatibility that Confluent's registry returns): field
// defaults, aliases, promotions int→long→float→double, string↔bytes, enum symbols and enum
// defaults, unions and named types.
import {
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaFormat,
} from './schema-format.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

const PROMOTIONS: Record<string, readonly string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

type AvsctType = { schema(opts?: { exportAttrs?: boolean }): Json };
type Avsc = {
  Type: { forSchema(schema: unknown, opts?: { registry?: Record<string, unknown> }): AvsctType };
};

let avsc: Promise<Avsc> | null = null;
function loadAvsc(): Promise<Avsc> {
  avsc ??= import('avsc').then((m) => ((m as { default?: Avsc }).default ?? m) as Avsc);
  return avsc;
}

export class AvroSchema implements ParsedSchema {
  readonly type = 'AVRO' as const;
  /** Named types by full name, those of the references included. */
  readonly named = new Map<string, JsonObject>();

  constructor(
    readonly text: string,
    /** The schema with full names, defaults, aliases and docs, as avsc exports it. */
    readonly exported: Json,
    referenced: readonly Json[],
    /** The schema as given: avsc's export drops enum defaults, so they are read from it. */
    original: Json = null,
  ) {
    for (const r of referenced) collectNames(r, this.named);
    collectNames(exported, this.named);
    collectEnumDefaults(original, '', this.enumDefaults);
  }

  /** Enum defaults by full name. */
  readonly enumDefaults = new Map<string, Json>();

  canonical(normalize: boolean): string {
    if (!normalize) return compact(this.text);
    return JSON.stringify(this.exported);
  }

  readerIncompatibilities(writer: ParsedSchema): string[] {
    if (!(writer instanceof AvroSchema)) return ['Incompatible because of different schema type'];
    const checker = new AvroResolution(this, writer);
    checker.check(this.exported, writer.exported, '');
    return checker.messages;
  }
}

function compact(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

function collectNames(schema: Json, into: Map<string, JsonObject>): void {
  if (Array.isArray(schema)) return schema.forEach((s) => collectNames(s, into));
  if (schema === null || typeof schema !== 'object') return;
  const type = schema.type;
  if (
    (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') &&
    typeof schema.name === 'string'
  )
    into.set(schema.name, schema);
  if (Array.isArray(schema.fields))
    for (const f of schema.fields)
      if (f !== null && typeof f === 'object' && !Array.isArray(f))
        collectNames(f.type ?? null, into);
  if (schema.items !== undefined) collectNames(schema.items, into);
  if (schema.values !== undefined) collectNames(schema.values, into);
  if (typeof type === 'object') collectNames(type, into);
}

function collectEnumDefaults(schema: Json, namespace: string, into: Map<string, Json>): void {
  if (Array.isArray(schema)) return schema.forEach((s) => collectEnumDefaults(s, namespace, into));
  if (!isObject(schema)) return;
  let ns = namespace;
  if (typeof schema.name === 'string') {
    const explicit = typeof schema.namespace === 'string' ? schema.namespace : namespace;
    const full = schema.name.includes('.')
      ? schema.name
      : explicit === ''
        ? schema.name
        : `${explicit}.${schema.name}`;
    ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : '';
    if (schema.type === 'enum' && schema.default !== undefined) into.set(full, schema.default);
  }
  if (Array.isArray(schema.fields))
    for (const field of schema.fields)
      if (isObject(field)) collectEnumDefaults(field.type ?? null, ns, into);
  for (const k of ['items', 'values', 'type'] as const)
    if (schema[k] !== undefined && typeof schema[k] === 'object')
      collectEnumDefaults(schema[k]!, ns, into);
}

async function parseAvro(
  text: string,
  references: readonly ResolvedReference[],
): Promise<AvroSchema> {
  const { Type } = await loadAvsc();
  const registry: Record<string, unknown> = {};
  const referenced: Json[] = [];
  const seen = new Set<string>();
  const addReferences = (refs: readonly ResolvedReference[]) => {
    for (const ref of refs) {
      const key = `${ref.subject}/${ref.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      addReferences(ref.references);
      referenced.push(
        Type.forSchema(parseJson(ref.schema), { registry }).schema({ exportAttrs: true }),
      );
    }
  };
  try {
    addReferences(references);
    const original = parseJson(text);
    const type = Type.forSchema(original, { registry });
    return new AvroSchema(text, type.schema({ exportAttrs: true }), referenced, original);
  } catch (err) {
    if (err instanceof InvalidSchemaError) throw err;
    throw new InvalidSchemaError(`Invalid schema ${text}, details: ${(err as Error).message}`);
  }
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    // Avro allows a bare type name as a schema (`string`), which JSON does not.
    if (PRIMITIVES.has(text.trim())) return text.trim();
    throw new InvalidSchemaError(`Invalid schema ${text}, details: ${(err as Error).message}`);
  }
}

export const avroFormat: SchemaFormat = { type: 'AVRO', parse: parseAvro };

/** One reader/writer resolution walk; messages collect as Confluent words them. */
class AvroResolution {
  readonly messages: string[] = [];
  private readonly inProgress = new Set<string>();

  constructor(
    private readonly reader: AvroSchema,
    private readonly writer: AvroSchema,
  ) {}

  check(readerSchema: Json, writerSchema: Json, path: string): void {
    const r = this.resolve(readerSchema, this.reader);
    const w = this.resolve(writerSchema, this.writer);
    const rType = typeName(r);
    const wType = typeName(w);
    if (wType === 'union') return this.writerUnion(r, w as Json[], path);
    if (rType === 'union') return this.readerUnion(r as Json[], w, path);
    if (rType !== wType) {
      if (PROMOTIONS[wType]?.includes(rType)) return;
      return this.typeMismatch(path, rType, wType);
    }
    if (!isObject(r) || !isObject(w)) return;
    const pairKey = `${String(r.name)}<-${String(w.name)}`;
    if (r.name !== undefined && this.inProgress.has(pairKey)) return;
    this.inProgress.add(pairKey);
    try {
      this.sameType(rType, r, w, path);
    } finally {
      this.inProgress.delete(pairKey);
    }
  }

  private sameType(type: string, r: JsonObject, w: JsonObject, path: string): void {
    switch (type) {
      case 'record':
      case 'error':
        if (!namesMatch(r, w)) return this.nameMismatch(path, r, w);
        return this.record(r, w, path);
      case 'enum':
        if (!namesMatch(r, w)) return this.nameMismatch(path, r, w);
        return this.enumSymbols(r, w, path);
      case 'fixed':
        if (!namesMatch(r, w)) return this.nameMismatch(path, r, w);
        if (r.size !== w.size)
          this.messages.push(
            `{errorType:'FIXED_SIZE_MISMATCH', description:'The size of FIXED type field at path '${path || '/'}' in the new schema does not match with the old schema', additionalInfo:'expected: ${String(w.size)}, found: ${String(r.size)}'}`,
          );
        return;
      case 'array':
        return this.check(r.items ?? null, w.items ?? null, `${path}/items`);
      case 'map':
        return this.check(r.values ?? null, w.values ?? null, `${path}/values`);
      default:
        return;
    }
  }

  private record(r: JsonObject, w: JsonObject, path: string): void {
    const readerFields = (r.fields ?? []) as JsonObject[];
    const writerFields = (w.fields ?? []) as JsonObject[];
    readerFields.forEach((field, i) => {
      const names = [field.name, ...((field.aliases ?? []) as Json[])];
      const match = writerFields.find((wf) => names.includes(wf.name ?? null));
      if (match === undefined) {
        if (field.default === undefined)
          this.messages.push(
            `{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field '${String(field.name)}' at path '${path}/fields/${i}' in the new schema has no default value and is missing in the old schema', additionalInfo:'${String(field.name)}'}`,
          );
        return;
      }
      this.check(field.type ?? null, match.type ?? null, `${path}/fields/${i}/type`);
    });
  }

  private enumSymbols(r: JsonObject, w: JsonObject, path: string): void {
    const readerSymbols = new Set((r.symbols ?? []) as string[]);
    const missing = ((w.symbols ?? []) as string[]).filter((s) => !readerSymbols.has(s));
    const readerDefault = r.default ?? this.reader.enumDefaults.get(String(r.name));
    if (missing.length === 0 || readerDefault !== undefined) return;
    this.messages.push(
      `{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '${missing.join(',')}' at path '${path}/symbols' in the old schema', additionalInfo:'[${missing.join(', ')}]'}`,
    );
  }

  /** Every branch the writer may have written must be readable. */
  private writerUnion(r: Json, w: Json[], path: string): void {
    const readerIsUnion = typeName(this.resolve(r, this.reader)) === 'union';
    w.forEach((branch, i) => {
      if (readerIsUnion) {
        if (!this.readable(r, branch))
          this.messages.push(
            `{errorType:'MISSING_UNION_BRANCH', description:'The new schema is missing a type inside a union field at path '${path}/${i}' in the old schema', additionalInfo:'reader union lacking writer type: ${typeName(this.resolve(branch, this.writer)).toUpperCase()}'}`,
          );
      } else {
        this.check(r, branch, `${path}/${i}`);
      }
    });
  }

  private readerUnion(r: Json[], w: Json, path: string): void {
    if (r.some((branch) => this.readable(branch, w))) return;
    this.typeMismatch(path, 'union', typeName(this.resolve(w, this.writer)));
  }

  private readable(reader: Json, writer: Json): boolean {
    const probe = new AvroResolution(this.reader, this.writer);
    for (const k of this.inProgress) probe.inProgress.add(k);
    probe.check(reader, writer, '');
    return probe.messages.length === 0;
  }

  private resolve(schema: Json, owner: AvroSchema): Json {
    if (typeof schema === 'string' && !PRIMITIVES.has(schema))
      return owner.named.get(schema) ?? schema;
    if (
      isObject(schema) &&
      typeof schema.type === 'string' &&
      PRIMITIVES.has(schema.type) &&
      schema.logicalType === undefined
    )
      return schema.type;
    return schema;
  }

  private typeMismatch(path: string, readerType: string, writerType: string): void {
    this.messages.push(
      `{errorType:'TYPE_MISMATCH', description:'The type (path '${path || '/'}') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: ${readerType.toUpperCase()} not compatible with writer type: ${writerType.toUpperCase()}'}`,
    );
  }

  private nameMismatch(path: string, _r: JsonObject, w: JsonObject): void {
    this.messages.push(
      `{errorType:'NAME_MISMATCH', description:'The name of the schema has changed (path '${path || '/'}')', additionalInfo:'expected: ${String(w.name)}'}`,
    );
  }
}

function isObject(v: Json | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function typeName(schema: Json): string {
  if (Array.isArray(schema)) return 'union';
  if (typeof schema === 'string') return schema;
  if (isObject(schema)) {
    if (typeof schema.type === 'string') return schema.type;
    return typeName(schema.type ?? null);
  }
  return 'null';
}

/** A reader's name matches the writer's full name, or one of the reader's aliases does. */
function namesMatch(r: JsonObject, w: JsonObject): boolean {
  if (r.name === w.name) return true;
  const namespace = String(r.name).includes('.')
    ? String(r.name).slice(0, String(r.name).lastIndexOf('.'))
    : '';
  return ((r.aliases ?? []) as string[]).some(
    (alias) =>
      alias === w.name ||
      (namespace !== '' && `${namespace}.${alias}` === w.name) ||
      alias === String(w.name).split('.').pop(),
  );
}
