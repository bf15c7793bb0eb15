// JSON Schema through ajv (drafts 4, 6, 7, 2019-09 and 2020-12, chosen by `$schema`), and
// the compatibility rules of Confluent's JSON Schema checker: the update must accept every
// document the original accepted. Differences are reported as Confluent reports them,
// `Difference{jsonPath='#/properties/x', type=TYPE_NARROWED}`; the compatible kinds (an
// optional property added to a closed content model, a property removed from an open one,
// an extended type or enum, ...) pass.
import { createRequire } from 'node:module';
import {
  InvalidSchemaError,
  type ParsedSchema,
  type ResolvedReference,
  type SchemaFormat,
} from './schema-format.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface AjvLike {
  addSchema(schema: object, key?: string): unknown;
  compile(schema: object): unknown;
  addMetaSchema?(schema: object): unknown;
}
type AjvClass = new (options: object) => AjvLike;

const require = createRequire(import.meta.url);

function ajvFor(schema: Json): AjvLike {
  const uri =
    typeof schema === 'object' && schema !== null && !Array.isArray(schema)
      ? schema.$schema
      : undefined;
  const dialect = typeof uri === 'string' ? uri : '';
  const options = { strict: false, allErrors: true, validateFormats: false };
  const make = (module: string): AjvLike => {
    const m = require(module) as { default?: AjvClass } & AjvClass;
    return new (m.default ?? m)(options);
  };
  if (dialect.includes('draft-04')) return make('ajv-draft-04');
  if (dialect.includes('2020-12')) return make('ajv/dist/2020');
  if (dialect.includes('2019-09')) return make('ajv/dist/2019');
  const ajv = make('ajv');
  if (dialect.includes('draft-06'))
    ajv.addMetaSchema?.(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  return ajv;
}

export class JsonSchema implements ParsedSchema {
  readonly type = 'JSON' as const;
  constructor(
    readonly text: string,
    readonly document: Json,
  ) {}

  canonical(normalize: boolean): string {
    return normalize ? JSON.stringify(sortKeys(this.document)) : JSON.stringify(this.document);
  }

  readerIncompatibilities(writer: ParsedSchema): string[] {
    if (!(writer instanceof JsonSchema)) return ['Incompatible because of different schema type'];
    const out: string[] = [];
    compare(writer.document, this.document, '#', out);
    return out;
  }
}

function sortKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys(value[k]!)]),
  );
}

async function parseJsonSchema(
  text: string,
  references: readonly ResolvedReference[],
): Promise<JsonSchema> {
  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch (err) {
    throw new InvalidSchemaError(`Invalid schema ${text}, details: ${(err as Error).message}`);
  }
  if (
    typeof document !== 'boolean' &&
    (document === null || typeof document !== 'object' || Array.isArray(document))
  )
    throw new InvalidSchemaError(
      `Invalid schema ${text}, details: a JSON schema is an object or a boolean`,
    );
  try {
    const ajv = ajvFor(document);
    const added = new Set<string>();
    const add = (refs: readonly ResolvedReference[]) => {
      for (const ref of refs) {
        if (added.has(ref.name)) continue;
        added.add(ref.name);
        add(ref.references);
        ajv.addSchema(JSON.parse(ref.schema) as object, ref.name);
      }
    };
    add(references);
    ajv.compile(document as object);
  } catch (err) {
    throw new InvalidSchemaError(`Invalid schema ${text}, details: ${(err as Error).message}`);
  }
  return new JsonSchema(text, document);
}

export const jsonSchemaFormat: SchemaFormat = { type: 'JSON', parse: parseJsonSchema };

function difference(out: string[], path: string, type: string): void {
  out.push(`Found incompatible change: Difference{jsonPath='${path}', type=${type}}`);
}

function asObject(schema: Json | undefined): JsonObject {
  if (schema === true || schema === undefined) return {};
  if (schema === false) return { not: {} };
  return schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? schema : {};
}

function typeSet(schema: JsonObject): Set<string> | null {
  const t = schema.type;
  if (t === undefined) return null;
  const set = new Set(Array.isArray(t) ? t.map(String) : [String(t)]);
  // An integer is a number: a reader of numbers reads integers.
  if (set.has('number')) set.add('integer');
  return set;
}

/** Whether the object schema accepts properties it does not name. */
function isOpen(schema: JsonObject): boolean {
  return schema.additionalProperties !== false && schema.unevaluatedProperties !== false;
}

/** Walks `original` (what wrote the data) against `update` (what reads it). */
function compare(originalSchema: Json, updateSchema: Json, path: string, out: string[]): void {
  const original = asObject(originalSchema);
  const update = asObject(updateSchema);
  const oTypes = typeSet(original);
  const uTypes = typeSet(update);
  if (oTypes !== null && uTypes !== null) {
    const lost = [...oTypes].filter((t) => !uTypes.has(t));
    if (lost.length === oTypes.size) return difference(out, path, 'TYPE_CHANGED');
    if (lost.length > 0) difference(out, path, 'TYPE_NARROWED');
  } else if (oTypes === null && uTypes !== null) {
    difference(out, path, 'TYPE_NARROWED');
  }
  bounds(original, update, path, out);
  enums(original, update, path, out);
  if (original.items !== undefined || update.items !== undefined)
    compare(original.items ?? true, update.items ?? true, `${path}/items`, out);
  properties(original, update, path, out);
}

function bounds(original: JsonObject, update: JsonObject, path: string, out: string[]): void {
  const upper = ['maxLength', 'maximum', 'maxItems', 'maxProperties', 'exclusiveMaximum'];
  const lower = ['minLength', 'minimum', 'minItems', 'minProperties', 'exclusiveMinimum'];
  const kind = (k: string) => k.replace(/([A-Z])/g, '_$1').toUpperCase();
  for (const k of upper) {
    const o = original[k];
    const u = update[k];
    if (typeof u !== 'number') continue;
    if (typeof o !== 'number') difference(out, `${path}/${k}`, `${kind(k)}_ADDED`);
    else if (u < o) difference(out, `${path}/${k}`, `${kind(k)}_DECREASED`);
  }
  for (const k of lower) {
    const o = original[k];
    const u = update[k];
    if (typeof u !== 'number') continue;
    if (typeof o !== 'number') difference(out, `${path}/${k}`, `${kind(k)}_ADDED`);
    else if (u > o) difference(out, `${path}/${k}`, `${kind(k)}_INCREASED`);
  }
}

function enums(original: JsonObject, update: JsonObject, path: string, out: string[]): void {
  if (!Array.isArray(update.enum)) return;
  if (!Array.isArray(original.enum)) return difference(out, `${path}/enum`, 'ENUM_ARRAY_CHANGED');
  const allowed = new Set(update.enum.map((v) => JSON.stringify(v)));
  if (original.enum.some((v) => !allowed.has(JSON.stringify(v))))
    difference(out, `${path}/enum`, 'ENUM_ARRAY_NARROWED');
}

function properties(original: JsonObject, update: JsonObject, path: string, out: string[]): void {
  const oProps = asObject(original.properties);
  const uProps = asObject(update.properties);
  const oRequired = new Set(Array.isArray(original.required) ? original.required.map(String) : []);
  const uRequired = Array.isArray(update.required) ? update.required.map(String) : [];
  if (isOpen(original) && !isOpen(update))
    difference(out, `${path}/additionalProperties`, 'ADDITIONAL_PROPERTIES_REMOVED');
  for (const [name, schema] of Object.entries(uProps)) {
    const at = `${path}/properties/${name}`;
    if (name in oProps) {
      compare(oProps[name]!, schema, at, out);
      continue;
    }
    // The original may have written this property with any value, unless it was closed.
    if (isOpen(original)) {
      const additional = original.additionalProperties;
      if (additional !== undefined && additional !== true && typeof additional === 'object') {
        compare(additional, schema, at, out);
      } else if (Object.keys(asObject(schema)).length > 0) {
        difference(out, at, 'PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL');
      }
    } else if (uRequired.includes(name)) {
      difference(out, at, 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL');
    }
  }
  for (const name of Object.keys(oProps)) {
    if (name in uProps) continue;
    if (!isOpen(update))
      difference(out, `${path}/properties/${name}`, 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
  }
  for (const name of uRequired)
    if (!oRequired.has(name) && name in oProps)
      difference(out, `${path}/required/${name}`, 'REQUIRED_ATTRIBUTE_ADDED');
}
