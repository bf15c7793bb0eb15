// The schema formats the registry knows, by Confluent's schemaType names.
import { avroFormat } from './avro-format.js';
import { jsonSchemaFormat } from './json-schema-format.js';
import { protobufFormat } from './protobuf-format.js';
import type { SchemaFormat, SchemaType } from './schema-format.js';

export * from './schema-format.js';

const FORMATS: Record<SchemaType, SchemaFormat> = {
  AVRO: avroFormat,
  JSON: jsonSchemaFormat,
  PROTOBUF: protobufFormat,
};

export function formatFor(type: string): SchemaFormat | undefined {
  return Object.hasOwn(FORMATS, type) ? FORMATS[type as SchemaType] : undefined;
}
