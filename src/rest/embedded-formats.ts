// How the proxy turns the JSON of a request into record bytes and back. BINARY (base64),
// JSON and STRING are done here; AVRO, JSONSCHEMA and PROTOBUF need a schema registry and go
// through the SchemaFormats seam, which the registry's serdes implement.
import { HttpError } from '../http/index.js';
import { jsonConversion } from './rest-errors.js';

export type SchemaFormatName = 'AVRO' | 'JSONSCHEMA' | 'PROTOBUF';
export type DataFormatName = 'BINARY' | 'JSON' | 'STRING' | SchemaFormatName;

export const SCHEMA_FORMATS: readonly SchemaFormatName[] = ['AVRO', 'JSONSCHEMA', 'PROTOBUF'];

/** What a record's key or value says about its schema (v2 and v3 fields alike). */
export interface SchemaReference {
  /** key_schema / value_schema (v2) or schema (v3): the schema text. */
  schema?: string;
  /** key_schema_id / value_schema_id (v2) or schema_id (v3). */
  schemaId?: number;
  /** schema_version (v3). */
  schemaVersion?: number;
  /** subject (v3). */
  subject?: string;
  /** subject_name_strategy (v3): TOPIC_NAME, RECORD_NAME, TOPIC_RECORD_NAME. */
  subjectNameStrategy?: string;
}

/**
 * The schema-based formats, backed by a schema registry: Confluent's wire format (magic byte,
 * schema id, payload) both ways.
 */
export interface SchemaFormats {
  /** Serializes `data` for the key or value of `topic`; resolves the schema id it used. */
  serialize(request: {
    format: SchemaFormatName;
    topic: string;
    isKey: boolean;
    data: unknown;
    schema: SchemaReference;
  }): Promise<{ bytes: Buffer; schemaId: number }>;
  /** Turns record bytes in the wire format back into JSON for a consumer of `format`. */
  deserialize(request: {
    format: SchemaFormatName;
    topic: string;
    isKey: boolean;
    bytes: Buffer;
  }): Promise<unknown>;
}

/** Makes the SchemaFormats of a registry at `registryUrl`. */
export type SchemaFormatsFactory = (registryUrl: string) => SchemaFormats;

/**
 * The formats when no registry is configured (or no serdes are wired): every use answers the
 * error Confluent's proxy gives then.
 */
export class NoSchemaFormats implements SchemaFormats {
  constructor(private readonly reason = 'Schema Registry must be configured when using schemas.') {}

  serialize(): Promise<never> {
    return Promise.reject(new HttpError(422, 42206, this.reason));
  }

  deserialize(): Promise<never> {
    return Promise.reject(new HttpError(422, 42206, this.reason));
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Standard base64 as Jackson reads it: padding optional, whitespace skipped, other bytes
 * refused. Node's decoder skips what it cannot read, so a decoded length short of what the
 * text's length promises means a bad character; only then is the text examined closely.
 */
export function decodeBase64(text: unknown, what: string): Buffer {
  if (typeof text !== 'string') throw jsonConversion(`${what} must be a base64 string`);
  const bytes = Buffer.from(text, 'base64');
  // Node also reads base64url's '-' and '_', which standard base64 refuses.
  const urlSafe = text.includes('-') || text.includes('_');
  if (!urlSafe && bytes.length === decodedLength(text)) return bytes;
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 === 1 || !BASE64.test(clean)) {
    throw jsonConversion(`${what} is not valid base64`);
  }
  return Buffer.from(clean, 'base64');
}

/** The bytes that `text`, if it is clean base64, decodes to. */
function decodedLength(text: string): number {
  let length = text.length;
  while (length > 0 && text.charCodeAt(length - 1) === 0x3d) length--;
  if (length % 4 === 1) return -1;
  return Math.floor((length * 3) / 4);
}

/** Bytes of BINARY, JSON or STRING data; null stays null. */
export function encodePlain(
  format: 'BINARY' | 'JSON' | 'STRING',
  data: unknown,
  what: string,
): Buffer | null {
  if (data === null || data === undefined) return null;
  switch (format) {
    case 'BINARY':
      return decodeBase64(data, what);
    case 'JSON':
      return Buffer.from(JSON.stringify(data), 'utf8');
    case 'STRING':
      if (typeof data !== 'string') throw jsonConversion(`${what} must be a string`);
      return Buffer.from(data, 'utf8');
  }
}

/** The JSON a v2 consumer of `format` ('binary' or 'json') gets for record bytes. */
export function decodePlain(format: 'binary' | 'json', bytes: Buffer | null): unknown {
  if (bytes === null) return null;
  if (format === 'binary') return bytes.toString('base64');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    // Confluent's JSON consumer fails the poll; answering the text keeps the consumer usable.
    throw new HttpError(500, 50002, 'Record is not valid JSON for a json-format consumer');
  }
}
