// Connect's public face: the worker, the connector API, the data model, converters,
// transforms and predicates, for writing and running connectors.
export {
  startConnectWorker,
  type ConnectWorker,
  type ConnectWorkerOptions,
} from './connect-worker.js';
export * from './connector.js';
export * from './config-def.js';
export * from './data/schema.js';
export type { Converter, SchemaAndValue } from './converters/converter.js';
export { ConversionError } from './converters/converter.js';
export { JsonConverter } from './converters/json-converter.js';
export { ByteArrayConverter, StringConverter } from './converters/simple-converters.js';
export type { Predicate, Transformation } from './transforms/transformation.js';
export { Plugins, type PluginModule } from './plugins.js';
export { FileStreamSourceConnector } from './connectors/file-stream-source.js';
export { FileStreamSinkConnector } from './connectors/file-stream-sink.js';
