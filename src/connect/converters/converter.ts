// Converters turn Connect data into the bytes of a Kafka record and back, per key or value
// (`key.converter`, `value.converter`, with `key.converter.*` properties), as Kafka Connect's
// `Converter`. Built in: JsonConverter, StringConverter, ByteArrayConverter; the schema
// registry formats plug in through the same interface.
import type { Schema } from '../data/schema.js';

export interface SchemaAndValue {
  schema?: Schema;
  value: unknown;
}

export interface Converter {
  configure(props: Record<string, string>, isKey: boolean): void;
  /** Schema registry converters answer a promise (they may ask the registry first). */
  fromConnectData(
    topic: string,
    schema: Schema | undefined,
    value: unknown,
  ): Buffer | null | Promise<Buffer | null>;
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue | Promise<SchemaAndValue>;
}

/** Raised when bytes cannot be converted (a record the errors.* settings decide about). */
export class ConversionError extends Error {
  override readonly name = 'DataException';
}
