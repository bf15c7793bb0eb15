// JSON Schema serializer and deserializer in Confluent's wire format: the payload is the
// JSON text. Values are checked against the schema with ajv (loaded on first use) unless
// validation is turned off, as Confluent's serdes do with json.fail.invalid.schema.
import { createRequire } from 'node:module';
import type { SchemaRegistryClient } from './schema-registry-client.js';
import { resolveWriterSchema, type SerializerOptions } from './serde-options.js';
import { decodeWire, encodeWire, SerializationError } from './wire-format.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const require = createRequire(import.meta.url);

function validatorFor(schema: any): (value: unknown) => string | null {
  const dialect = typeof schema?.$schema === 'string' ? (schema.$schema as string) : '';
  const module = dialect.includes('draft-04')
    ? 'ajv-draft-04'
    : dialect.includes('2020-12')
      ? 'ajv/dist/2020'
      : dialect.includes('2019-09')
        ? 'ajv/dist/2019'
        : 'ajv';
  const m = require(module);
  const Ajv = m.default ?? m;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  if (dialect.includes('draft-06'))
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  const validate = ajv.compile(schema);
  return (value) => (validate(value) ? null : ajv.errorsText(validate.errors));
}

export interface JsonSchemaSerializerOptions extends SerializerOptions {
  /** The JSON schema (text or object); optional with useLatestVersion. */
  schema?: string | object;
  /** Check each value against the schema before writing it (default true). */
  validate?: boolean;
}

export class JsonSchemaSerializer {
  private readonly schemaText: string | null;
  private readonly writers = new Map<
    string,
    Promise<{ id: number; check: (v: unknown) => string | null }>
  >();

  constructor(
    private readonly registry: SchemaRegistryClient,
    private readonly options: JsonSchemaSerializerOptions = {},
  ) {
    this.schemaText =
      options.schema === undefined
        ? null
        : typeof options.schema === 'string'
          ? options.schema
          : JSON.stringify(options.schema);
  }

  async serialize(topic: string, value: unknown): Promise<Buffer> {
    let writer = this.writers.get(topic);
    if (writer === undefined) {
      writer = (async () => {
        const title = this.schemaText === null ? null : (JSON.parse(this.schemaText).title ?? null);
        const { id, schema } = await resolveWriterSchema(
          this.registry,
          this.options,
          topic,
          title,
          this.schemaText === null ? null : { schemaType: 'JSON', schema: this.schemaText },
        );
        const check =
          this.options.validate === false ? () => null : validatorFor(JSON.parse(schema.schema));
        return { id, check };
      })();
      writer.catch(() => this.writers.delete(topic));
      this.writers.set(topic, writer);
    }
    const { id, check } = await writer;
    const problem = check(value);
    if (problem !== null)
      throw new SerializationError(`the value does not match the schema: ${problem}`);
    return encodeWire(id, Buffer.from(JSON.stringify(value)));
  }
}

export interface JsonSchemaDeserializerOptions {
  /** Check each value against its writer's schema (default false). */
  validate?: boolean;
}

export class JsonSchemaDeserializer {
  private readonly checks = new Map<number, Promise<(v: unknown) => string | null>>();

  constructor(
    private readonly registry: SchemaRegistryClient,
    private readonly options: JsonSchemaDeserializerOptions = {},
  ) {}

  async deserialize(_topic: string, data: Buffer): Promise<unknown> {
    const { id, payload } = decodeWire(data);
    const value: unknown = JSON.parse(payload.toString('utf8'));
    if (this.options.validate === true) {
      let check = this.checks.get(id);
      if (check === undefined) {
        check = this.registry.getSchemaById(id).then((s) => validatorFor(JSON.parse(s.schema)));
        this.checks.set(id, check);
      }
      const problem = (await check)(value);
      if (problem !== null)
        throw new SerializationError(`the value does not match schema ${id}: ${problem}`);
    }
    return value;
  }
}
