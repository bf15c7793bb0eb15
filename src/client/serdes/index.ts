// Schema-registry serdes: a registry client and serializers/deserializers for Avro, JSON
// Schema and Protobuf in Confluent's wire format. avsc, ajv and protobufjs load on first use.
export {
  SchemaRegistryClient,
  SchemaRegistryError,
  type RegisteredSchema,
  type RegistrySchema,
  type SchemaRegistryClientOptions,
} from './schema-registry-client.js';
export {
  decodeMessageIndexes,
  decodeWire,
  encodeMessageIndexes,
  encodeWire,
  MAGIC_BYTE,
  SerializationError,
} from './wire-format.js';
export {
  recordNameStrategy,
  subjectNameStrategy,
  topicNameStrategy,
  topicRecordNameStrategy,
  type SubjectNameStrategy,
} from './subject-name-strategy.js';
export type { SerializerOptions } from './serde-options.js';
export {
  AvroDeserializer,
  AvroSerializer,
  type AvroDeserializerOptions,
  type AvroSerializerOptions,
} from './avro-serde.js';
export {
  JsonSchemaDeserializer,
  JsonSchemaSerializer,
  type JsonSchemaDeserializerOptions,
  type JsonSchemaSerializerOptions,
} from './json-schema-serde.js';
export {
  ProtobufDeserializer,
  ProtobufSerializer,
  type ProtobufSerializerOptions,
} from './protobuf-serde.js';
export { loadProtobuf, messageAt, messageIndexes, type ProtobufFile } from './protobuf-schema.js';
