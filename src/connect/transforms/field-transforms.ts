// The field-level transforms of Kafka Connect, with their config names: InsertField,
// ReplaceField, MaskField, ValueToKey, HoistField, ExtractField, Flatten. Each works on a
// Struct with a schema and on a schemaless map (a plain object), as Kafka's do.
import type { ConnectRecord } from '../connector.js';
import { ConfigDef } from '../config-def.js';
import { LOGICAL, Struct, optional, schemaOf, structSchema, type Schema } from '../data/schema.js';
import {
  copyStruct,
  getSide,
  listDef,
  parsePairs,
  requireMap,
  requireStruct,
  withSide,
  type Side,
  type Transformation,
} from './transformation.js';

abstract class SideTransform implements Transformation {
  protected props: Record<string, string> = {};
  constructor(protected readonly side: Side) {}
  configure(props: Record<string, string>): void {
    this.props = props;
    this.config().parse(props);
    this.init();
  }
  protected init(): void {}
  abstract config(): ConfigDef;
  abstract apply(record: ConnectRecord): ConnectRecord | null;
}

/** `<name>!` is required, `<name>?` (or plain) optional, as InsertField's names say. */
function fieldSpec(spec: string | undefined): { name: string; required: boolean } | undefined {
  if (spec === undefined || spec === '') return undefined;
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), required: true };
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), required: false };
  return { name: spec, required: false };
}

export class InsertField extends SideTransform {
  private fields: {
    spec: { name: string; required: boolean };
    schema: Schema;
    value: (r: ConnectRecord) => unknown;
  }[] = [];

  config(): ConfigDef {
    const def = new ConfigDef();
    for (const name of [
      'topic.field',
      'partition.field',
      'offset.field',
      'timestamp.field',
      'static.field',
      'static.value',
    ])
      def.define({ name, type: 'STRING', defaultValue: '', documentation: `InsertField: ${name}` });
    return def;
  }

  protected override init(): void {
    const add = (key: string, schema: Schema, value: (r: ConnectRecord) => unknown) => {
      const spec = fieldSpec(this.props[key]);
      if (spec !== undefined)
        this.fields.push({ spec, schema: spec.required ? schema : optional(schema), value });
    };
    this.fields = [];
    add('topic.field', schemaOf('STRING'), (r) => r.topic);
    add('partition.field', schemaOf('INT32'), (r) => r.kafkaPartition);
    add('offset.field', schemaOf('INT64'), (r) =>
      'kafkaOffset' in r ? (r as { kafkaOffset: bigint }).kafkaOffset : null,
    );
    add('timestamp.field', schemaOf('INT64', { name: LOGICAL.timestamp, version: 1 }), (r) =>
      r.timestamp === null ? null : new Date(r.timestamp),
    );
    const staticValue = this.props['static.value'] ?? '';
    add('static.field', schemaOf('STRING'), () => staticValue);
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    if (value === null || value === undefined) return record;
    if (schema === undefined) {
      const map = { ...requireMap(value, 'field insertion') };
      for (const f of this.fields) {
        const v = f.value(record);
        map[f.spec.name] = v instanceof Date ? v.getTime() : v;
      }
      return withSide(record, this.side, undefined, map);
    }
    const struct = requireStruct(value, 'field insertion');
    const newSchema = structSchema(
      [
        ...(schema.fields ?? []).map((f) => ({ name: f.name, schema: f.schema })),
        ...this.fields.map((f) => ({ name: f.spec.name, schema: f.schema })),
      ],
      { name: schema.name, version: schema.version, doc: schema.doc, optional: schema.optional },
    );
    const out = copyStruct(struct, newSchema);
    for (const f of this.fields) out.put(f.spec.name, f.value(record));
    return withSide(record, this.side, newSchema, out);
  }
}

export class ReplaceField extends SideTransform {
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();

  config(): ConfigDef {
    return new ConfigDef()
      .define({
        name: 'exclude',
        type: 'LIST',
        defaultValue: [],
        documentation: 'Fields to exclude.',
      })
      .define({
        name: 'include',
        type: 'LIST',
        defaultValue: [],
        documentation: 'Fields to include; all others are dropped.',
      })
      .define({
        name: 'renames',
        type: 'LIST',
        defaultValue: [],
        documentation: 'Field rename mappings, old:new.',
      });
  }

  protected override init(): void {
    const c = this.config().parse(this.props);
    this.exclude = new Set(c['exclude'] as string[]);
    this.include = new Set(c['include'] as string[]);
    this.renames = new Map(
      parsePairs((c['renames'] as string[]).join(','), 'field rename mapping'),
    );
  }

  private keeps(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  private renamed(name: string): string {
    return this.renames.get(name) ?? name;
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    if (value === null || value === undefined) return record;
    if (schema === undefined) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(requireMap(value, 'field replacement')))
        if (this.keeps(k)) out[this.renamed(k)] = v;
      return withSide(record, this.side, undefined, out);
    }
    const struct = requireStruct(value, 'field replacement');
    const kept = (schema.fields ?? []).filter((f) => this.keeps(f.name));
    const newSchema = structSchema(
      kept.map((f) => ({ name: this.renamed(f.name), schema: f.schema })),
      {
        name: schema.name,
        version: schema.version,
        optional: schema.optional,
      },
    );
    const out = new Struct(newSchema);
    for (const f of kept) out.put(this.renamed(f.name), struct.get(f.name));
    return withSide(record, this.side, newSchema, out);
  }
}

const ZERO: Record<string, unknown> = {
  INT8: 0,
  INT16: 0,
  INT32: 0,
  INT64: 0n,
  FLOAT32: 0,
  FLOAT64: 0,
  BOOLEAN: false,
  STRING: '',
  BYTES: Buffer.alloc(0),
};

export class MaskField extends SideTransform {
  private fields: string[] = [];
  private replacement: string | undefined;

  config(): ConfigDef {
    return new ConfigDef()
      .define({ name: 'fields', type: 'LIST', documentation: 'Names of fields to mask.' })
      .define({
        name: 'replacement',
        type: 'STRING',
        defaultValue: '',
        documentation: "Custom replacement, instead of the type's empty value.",
      });
  }

  protected override init(): void {
    const c = this.config().parse(this.props);
    this.fields = c['fields'] as string[];
    this.replacement = c['replacement'] === '' ? undefined : (c['replacement'] as string);
  }

  private masked(type: string, old: unknown): unknown {
    if (this.replacement === undefined) {
      if (Array.isArray(old)) return [];
      if (old instanceof Map) return new Map();
      return ZERO[type] ?? null;
    }
    switch (type) {
      case 'INT64':
        return BigInt(this.replacement);
      case 'INT8':
      case 'INT16':
      case 'INT32':
      case 'FLOAT32':
      case 'FLOAT64':
        return Number(this.replacement);
      case 'BOOLEAN':
        return this.replacement === 'true';
      case 'BYTES':
        return Buffer.from(this.replacement);
      default:
        return this.replacement;
    }
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, this.side);
    if (value === null || value === undefined) return record;
    if (schema === undefined) {
      const out = { ...requireMap(value, 'masking') };
      for (const f of this.fields) {
        const old = out[f];
        const type =
          typeof old === 'string'
            ? 'STRING'
            : typeof old === 'boolean'
              ? 'BOOLEAN'
              : typeof old === 'bigint'
                ? 'INT64'
                : typeof old === 'number'
                  ? 'FLOAT64'
                  : 'STRING';
        if (f in out)
          out[f] =
            typeof old === 'number' && this.replacement === undefined ? 0 : this.masked(type, old);
      }
      return withSide(record, this.side, undefined, out);
    }
    const struct = requireStruct(value, 'masking');
    const out = copyStruct(struct, schema);
    for (const f of this.fields) {
      const fs = schema.fields?.find((x) => x.name === f);
      if (fs !== undefined) out.put(f, this.masked(fs.schema.type, struct.get(f)));
    }
    return withSide(record, this.side, schema, out);
  }
}

export class ValueToKey extends SideTransform {
  private fields: string[] = [];
  constructor() {
    super('value');
  }
  config(): ConfigDef {
    return listDef('fields', 'Field names on the record value to extract as the record key.');
  }
  protected override init(): void {
    this.fields = this.config().parse(this.props)['fields'] as string[];
  }
  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = getSide(record, 'value');
    if (schema === undefined) {
      const map = requireMap(value, 'copying fields from value to key');
      return {
        ...record,
        keySchema: undefined,
        key: Object.fromEntries(this.fields.map((f) => [f, map[f]])),
      };
    }
    const struct = requireStruct(value, 'copying fields from value to key');
    const keySchema = structSchema(
      this.fields.map((f) => {
        const fs = schema.fields?.find((x) => x.name === f);
        if (fs === undefined) throw new Error(`Field does not exist: ${f}`);
        return { name: f, schema: fs.schema };
      }),
    );
    const key = new Struct(keySchema);
    for (const f of this.fields) key.put(f, struct.get(f));
    return { ...record, keySchema, key };
  }
}

export class HoistField extends SideTransform {
  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'field',
      type: 'STRING',
      documentation:
        'Field name for the single field that will be created in the resulting Struct or Map.',
    });
  }
  apply(record: ConnectRecord): ConnectRecord {
    const name = this.props['field']!;
    const { schema, value } = getSide(record, this.side);
    if (schema === undefined) return withSide(record, this.side, undefined, { [name]: value });
    const newSchema = structSchema([{ name, schema }]);
    return withSide(record, this.side, newSchema, new Struct(newSchema).put(name, value));
  }
}

export class ExtractField extends SideTransform {
  config(): ConfigDef {
    return new ConfigDef()
      .define({ name: 'field', type: 'STRING', documentation: 'Field name to extract.' })
      .define({
        name: 'field.syntax.version',
        type: 'STRING',
        defaultValue: 'V1',
        documentation: 'V1: field names as they are; V2: dotted paths into nested fields.',
      });
  }
  apply(record: ConnectRecord): ConnectRecord {
    const path =
      this.props['field.syntax.version'] === 'V2'
        ? this.props['field']!.split('.')
        : [this.props['field']!];
    let { schema, value } = getSide(record, this.side);
    for (const name of path) {
      if (value === null || value === undefined)
        return withSide(record, this.side, undefined, null);
      if (schema === undefined) {
        value = requireMap(value, 'field extraction')[name] ?? null;
      } else {
        const fs = schema.fields?.find((f) => f.name === name);
        if (fs === undefined) throw new Error(`Unknown field: ${name}`);
        value = requireStruct(value, 'field extraction').get(name);
        schema = fs.schema;
      }
    }
    return withSide(record, this.side, schema, value);
  }
}

export class Flatten extends SideTransform {
  config(): ConfigDef {
    return new ConfigDef().define({
      name: 'delimiter',
      type: 'STRING',
      defaultValue: '.',
      documentation:
        'Delimiter to insert between field names from the input record when generating field names for the output record.',
    });
  }
  apply(record: ConnectRecord): ConnectRecord {
    const d = this.props['delimiter'] ?? '.';
    const { schema, value } = getSide(record, this.side);
    if (value === null || value === undefined) return record;
    if (schema === undefined) {
      const out: Record<string, unknown> = {};
      const walk = (prefix: string, m: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(m)) {
          const name = prefix === '' ? k : `${prefix}${d}${k}`;
          if (typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v))
            walk(name, v as Record<string, unknown>);
          else out[name] = v;
        }
      };
      walk('', requireMap(value, 'flattening'));
      return withSide(record, this.side, undefined, out);
    }
    const fields: { name: string; schema: Schema }[] = [];
    const values: [string, unknown][] = [];
    const walk = (prefix: string, s: Schema, v: Struct | null, parentOptional: boolean) => {
      for (const f of s.fields ?? []) {
        const name = prefix === '' ? f.name : `${prefix}${d}${f.name}`;
        const child = v === null ? null : v.get(f.name);
        if (f.schema.type === 'STRUCT')
          walk(name, f.schema, child as Struct | null, parentOptional || f.schema.optional);
        else {
          fields.push({ name, schema: parentOptional ? optional(f.schema) : f.schema });
          values.push([name, child]);
        }
      }
    };
    walk('', schema, requireStruct(value, 'flattening'), false);
    const newSchema = structSchema(fields, {
      name: schema.name,
      version: schema.version,
      optional: schema.optional,
    });
    const out = new Struct(newSchema);
    for (const [k, v] of values) out.put(k, v);
    return withSide(record, this.side, newSchema, out);
  }
}
