// The schema formats over the registry's serdes (src/client/serdes): AVRO, JSONSCHEMA and
// PROTOBUF in Confluent's wire format, with the schema chosen as Confluent's proxy chooses it:
// by id, by subject and version, by the schema text (registered under its subject), or the
// subject's latest version. Failures answer Confluent's v2 codes; v3 turns them into 400.
import { HttpError } from '../http/index.js';
import { avroType, fullName } from '../client/serdes/avro-serde.js';
import {
  JsonSchemaDeserializer,
  JsonSchemaSerializer,
} from '../client/serdes/json-schema-serde.js';
import { messageAt, type ProtobufFile } from '../client/serdes/protobuf-schema.js';
import { loadFile } from '../client/serdes/protobuf-serde.js';
import { AvroDeserializer } from '../client/serdes/avro-serde.js';
import {
  SchemaRegistryClient,
  SchemaRegistryError,
  type RegistrySchema,
} from '../client/serdes/schema-registry-client.js';
import { decodeMessageIndexes, decodeWire, encodeWire } from '../client/serdes/wire-format.js';
import type {
  SchemaFormatName,
  SchemaFormats,
  SchemaFormatsFactory,
  SchemaReference,
} from './embedded-formats.js';
import { INVALID_SCHEMA, JSON_CONVERSION, SCHEMA_RETRIEVAL_FAILED } from './rest-errors.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGISTRY_TYPE: Record<SchemaFormatName, 'AVRO' | 'JSON' | 'PROTOBUF'> = {
  AVRO: 'AVRO',
  JSONSCHEMA: 'JSON',
  PROTOBUF: 'PROTOBUF',
};

const CONVERTED_TO: Record<SchemaFormatName, string> = {
  AVRO: 'Avro',
  JSONSCHEMA: 'JSON Schema',
  PROTOBUF: 'Protobuf',
};

export const invalidSchema = (detail: string) =>
  new HttpError(422, INVALID_SCHEMA, `Invalid schema: ${detail}`);
const conversionFailed = (format: SchemaFormatName, detail: string) =>
  new HttpError(
    422,
    JSON_CONVERSION,
    `Conversion of JSON to ${CONVERTED_TO[format]} failed: ${detail}`,
  );
const retrievalFailed = (detail: string) =>
  new HttpError(408, SCHEMA_RETRIEVAL_FAILED, `Schema registration or lookup failed: ${detail}`);

/** Writes the JSON data of one format with one registered schema. */
type Encoder = (topic: string, data: unknown) => Promise<Buffer>;

export class RegistrySchemaFormats implements SchemaFormats {
  private readonly registry: SchemaRegistryClient;
  private readonly encoders = new Map<string, Promise<Encoder>>();
  private readonly avro: AvroDeserializer;
  private readonly jsonSchema: JsonSchemaDeserializer;
  /** Protobuf schemas read so far, by id. */
  private readonly protobufFiles = new Map<number, Promise<ProtobufFile>>();

  constructor(registryUrl: string) {
    this.registry = new SchemaRegistryClient({ url: registryUrl });
    this.avro = new AvroDeserializer(this.registry);
    this.jsonSchema = new JsonSchemaDeserializer(this.registry);
  }

  async serialize(request: {
    format: SchemaFormatName;
    topic: string;
    isKey: boolean;
    data: unknown;
    schema: SchemaReference;
  }): Promise<{ bytes: Buffer; schemaId: number }> {
    const { format, topic } = request;
    const schemaId = await this.schemaId(format, topic, request.isKey, request.schema);
    const key = `${format}/${schemaId}`;
    let encoder = this.encoders.get(key);
    if (encoder === undefined) {
      encoder = this.encoder(format, schemaId);
      encoder.catch(() => this.encoders.delete(key));
      this.encoders.set(key, encoder);
    }
    const encode = await encoder;
    return { bytes: await encode(topic, request.data), schemaId };
  }

  async deserialize(request: {
    format: SchemaFormatName;
    topic: string;
    isKey: boolean;
    bytes: Buffer;
  }): Promise<unknown> {
    const { format, topic, bytes } = request;
    try {
      switch (format) {
        case 'AVRO':
          // Avro's JSON encoding (unions as {"type": value}), as Confluent's avro consumer answers.
          return JSON.parse(await this.avro.toAvroJson(topic, bytes)) as unknown;
        case 'JSONSCHEMA':
          return await this.jsonSchema.deserialize(topic, bytes);
        case 'PROTOBUF':
          return await this.protobufJson(bytes);
      }
    } catch (err) {
      if (err instanceof HttpError) throw err;
      if (err instanceof SchemaRegistryError) throw retrievalFailed(err.message);
      throw new HttpError(
        500,
        50002,
        `Cannot read a record as ${CONVERTED_TO[format]}: ${(err as Error).message}`,
      );
    }
  }

  /**
   * A Protobuf record as protobuf's JSON mapping prints it (Confluent's consumer answers it
   * with JsonFormat): the message its message indexes name, fields by their JSON names
   * (lowerCamelCase or json_name), int64 as strings, enums by name, bytes as base64, and
   * unset scalars, repeated and map fields with their defaults (unset messages left out).
   */
  private async protobufJson(bytes: Buffer): Promise<Record<string, unknown>> {
    const { id, payload } = decodeWire(bytes);
    const { indexes, message } = decodeMessageIndexes(payload);
    let file = this.protobufFiles.get(id);
    if (file === undefined) {
      file = this.registry.getSchemaById(id).then((s) => loadFile(this.registry, s));
      file.catch(() => this.protobufFiles.delete(id));
      this.protobufFiles.set(id, file);
    }
    const type = messageAt(await file, indexes);
    const object = type.toObject(type.decode(message), {
      longs: String,
      enums: String,
      bytes: String,
      defaults: true,
      json: true,
    });
    return withJsonNames(type, object);
  }

  /** The id of the schema a request names, registering a given schema under its subject. */
  private async schemaId(
    format: SchemaFormatName,
    topic: string,
    isKey: boolean,
    ref: SchemaReference,
  ): Promise<number> {
    const schemaType = REGISTRY_TYPE[format];
    if (ref.schemaId !== undefined) {
      const schema = await this.registryCall(() => this.registry.getSchemaById(ref.schemaId!));
      checkType(format, schema, `Schema ${ref.schemaId}`);
      return ref.schemaId;
    }
    const subject = ref.subject ?? (await this.subjectOf(format, topic, isKey, ref));
    if (ref.schemaVersion !== undefined) {
      const version = await this.registryCall(() =>
        this.registry.getVersion(subject, ref.schemaVersion!),
      );
      checkType(format, version, `Subject ${subject} version ${ref.schemaVersion}`);
      return version.id;
    }
    if (ref.schema !== undefined) {
      const text = ref.schema;
      return this.registryCall(() => this.registry.register(subject, { schemaType, schema: text }));
    }
    const latest = await this.registryCall(() => this.registry.getVersion(subject, 'latest'));
    checkType(format, latest, `The latest schema of subject ${subject}`);
    return latest.id;
  }

  /** The subject by subject_name_strategy (TOPIC_NAME unless named). */
  private async subjectOf(
    format: SchemaFormatName,
    topic: string,
    isKey: boolean,
    ref: SchemaReference,
  ): Promise<string> {
    const strategy = (ref.subjectNameStrategy ?? 'TOPIC_NAME').toUpperCase();
    if (strategy === 'TOPIC_NAME') return `${topic}-${isKey ? 'key' : 'value'}`;
    if (strategy !== 'RECORD_NAME' && strategy !== 'TOPIC_RECORD_NAME')
      throw invalidSchema(`unknown subject_name_strategy ${ref.subjectNameStrategy ?? ''}`);
    if (ref.schema === undefined)
      throw invalidSchema(`subject_name_strategy ${strategy} needs a schema or a subject`);
    const name = await recordName(format, ref.schema);
    if (name === null) throw invalidSchema(`the schema has no record name for ${strategy}`);
    return strategy === 'RECORD_NAME' ? name : `${topic}-${name}`;
  }

  private async encoder(format: SchemaFormatName, id: number): Promise<Encoder> {
    const schema = await this.registryCall(() => this.registry.getSchemaById(id));
    try {
      switch (format) {
        case 'AVRO': {
          const type = await avroType(this.registry, schema);
          return (_topic, data) => {
            let value: unknown;
            try {
              // Avro's JSON encoding, as Confluent's proxy reads it (unions as {"type": value}).
              value = type.fromString(JSON.stringify(data));
            } catch (err) {
              throw conversionFailed(format, (err as Error).message);
            }
            if (!type.isValid(value)) throw conversionFailed(format, 'the value does not match');
            return Promise.resolve(encodeWire(id, type.toBuffer(value)));
          };
        }
        case 'JSONSCHEMA': {
          const serializer = new JsonSchemaSerializer(this.registry, { useSchemaId: id });
          return async (topic, data) => {
            try {
              return await serializer.serialize(topic, data);
            } catch (err) {
              if (err instanceof SchemaRegistryError) throw retrievalFailed(err.message);
              throw conversionFailed(format, (err as Error).message);
            }
          };
        }
        case 'PROTOBUF': {
          // Confluent's proxy writes the file's first message type.
          const file = await loadFile(this.registry, schema);
          const type = messageAt(file, [0]);
          return (_topic, data) => {
            let message: unknown;
            try {
              message = byFieldNames(type, data);
            } catch (err) {
              throw conversionFailed(format, (err as Error).message);
            }
            const problem: string | null = type.verify(message);
            if (problem !== null) throw conversionFailed(format, problem);
            const body = Buffer.from(type.encode(type.fromObject(message)).finish());
            return Promise.resolve(encodeWire(id, body, [0]));
          };
        }
      }
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw invalidSchema((err as Error).message);
    }
  }

  /** A registry request; its failures as Confluent's proxy answers them. */
  private async registryCall<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof SchemaRegistryError) {
        // 42201 (invalid schema) and 42202 (invalid version) are the request's fault.
        if (err.errorCode === 42201) throw invalidSchema(err.message);
        throw retrievalFailed(err.message);
      }
      throw retrievalFailed((err as Error).message);
    }
  }
}

/** The factory RestProxy.start uses for `schema.registry.url`. */
export const registrySchemaFormats: SchemaFormatsFactory = (registryUrl) =>
  new RegistrySchemaFormats(registryUrl);

function checkType(format: SchemaFormatName, schema: RegistrySchema, what: string): void {
  const type = schema.schemaType ?? 'AVRO';
  if (type !== REGISTRY_TYPE[format])
    throw invalidSchema(`${what} is a ${type} schema, not ${format}`);
}

/** The record name RECORD_NAME and TOPIC_RECORD_NAME use: Avro's full name, JSON's title, Protobuf's first message. */
async function recordName(format: SchemaFormatName, text: string): Promise<string | null> {
  try {
    switch (format) {
      case 'AVRO':
        return fullName(JSON.parse(text));
      case 'JSONSCHEMA': {
        const title = (JSON.parse(text) as { title?: unknown }).title;
        return typeof title === 'string' ? title : null;
      }
      case 'PROTOBUF': {
        const { loadProtobuf } = await import('../client/serdes/protobuf-schema.js');
        const file = loadProtobuf(text, () => undefined);
        return (messageAt(file, [0]).fullName as string).slice(1);
      }
    }
  } catch (err) {
    throw invalidSchema((err as Error).message);
  }
}

/**
 * A message's JSON with each field under its .proto name: JSON names (`orderId` for
 * `order_id`) are taken too, as protobuf's JsonFormat takes them; an unknown field is refused.
 */
function byFieldNames(type: any, data: unknown): Record<string, unknown> {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new Error(`a ${type.name} message must be a JSON object`);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) {
    const field =
      type.fields[key] ?? type.fieldsArray.find((f: any) => f.jsonName === key || f.name === key);
    if (field === undefined) throw new Error(`no field ${key} in message ${type.name}`);
    const nested = field.resolvedType;
    const isMessage = nested !== null && nested !== undefined && nested.fieldsArray !== undefined;
    if (!isMessage || field.map === true || value === null) out[field.name] = value;
    else if (field.repeated === true && Array.isArray(value))
      out[field.name] = value.map((v) => byFieldNames(nested, v));
    else out[field.name] = byFieldNames(nested, value);
  }
  return out;
}

/** A message object (protobufjs' toObject, .proto names) with its fields under JSON names. */
function withJsonNames(type: any, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!(field.name in object)) continue;
    const value = object[field.name];
    const nested = field.resolvedType;
    const isMessage = nested !== null && nested !== undefined && nested.fieldsArray !== undefined;
    const key: string = field.jsonName ?? field.name;
    if (!isMessage) out[key] = value;
    else if (value === null || value === undefined) {
      // JsonFormat leaves out a singular message field that is not set.
      if (field.repeated === true || field.map === true) out[key] = value;
    } else if (field.map === true)
      out[key] = Object.fromEntries(
        Object.entries(value as Record<string, any>).map(([k, v]) => [k, withJsonNames(nested, v)]),
      );
    else if (field.repeated === true)
      out[key] = (value as any[]).map((v) => withJsonNames(nested, v));
    else out[key] = withJsonNames(nested, value as Record<string, unknown>);
  }
  return out;
}
