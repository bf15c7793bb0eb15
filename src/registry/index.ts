// The schema registry's public face: a server speaking Confluent's Schema Registry API, its
// state kept in a Kafka topic through rivulet/client, so it runs against any Kafka cluster.
export {
  startSchemaRegistry,
  type RegistryServer,
  type RegistryServerOptions,
} from './registry-server.js';
export { SchemaRegistry, COMPATIBILITY_LEVELS, MODES } from './schema-registry.js';
export { decodeRecord, encodeKey, type RecordKey, type SchemaReference } from './schema-records.js';
export { formatFor, type SchemaType } from './formats/index.js';
