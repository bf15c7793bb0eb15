// The REST proxy's public face: Confluent REST Proxy's API v2 and v3 on rivulet/client.
export { RestProxy, startRestProxy, type RestProxyOptions } from './rest-proxy.js';
export {
  parseRestProxyConfig,
  REST_PROXY_DEFAULTS,
  type RestProxyConfig,
} from './rest-proxy-config.js';
export {
  NoSchemaFormats,
  type SchemaFormatName,
  type SchemaFormats,
  type SchemaFormatsFactory,
  type SchemaReference,
} from './embedded-formats.js';
export { RegistrySchemaFormats, registrySchemaFormats } from './registry-schema-formats.js';
