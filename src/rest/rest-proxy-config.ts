// The REST proxy's configuration, with Confluent REST Proxy's key names and defaults where it
// has them (kafka-rest.properties): `listeners`, `bootstrap.servers`, `id`, `host.name`,
// `consumer.instance.timeout.ms`, `consumer.request.timeout.ms`, `consumer.request.max.bytes`,
// `schema.registry.url`. Two keys are this proxy's own and say so: the request body bound and
// the cap on consumer instances, limits Confluent's proxy leaves to Jetty and memory.
import { unprocessable } from '../http/index.js';

export interface RestProxyConfig {
  /** listeners: where the proxy serves, e.g. `http://0.0.0.0:8082` (only http). */
  listener: { host: string; port: number };
  /** bootstrap.servers */
  bootstrapServers: string;
  /** id: names this proxy instance; prefixes its consumer instances' ids. */
  id: string;
  /** host.name: the host written into consumer base_uri answers (else the request's Host). */
  hostName: string | null;
  /** consumer.instance.timeout.ms: an idle v2 consumer instance is closed after this. */
  consumerInstanceTimeoutMs: number;
  /** consumer.request.timeout.ms: the longest a v2 records poll waits. */
  consumerRequestTimeoutMs: number;
  /** consumer.request.max.bytes: the most key and value bytes one v2 poll returns. */
  consumerRequestMaxBytes: number;
  /** request.body.max.bytes: the largest request body (413 beyond it). */
  requestBodyMaxBytes: number;
  /** consumer.instances.max: v2 consumer instances this proxy holds at once. */
  consumerInstancesMax: number;
  /** schema.registry.url: needed by the AVRO, JSONSCHEMA and PROTOBUF formats. */
  schemaRegistryUrl: string | null;
  /** producer.* and consumer.* keys, passed on (`producer.acks`, `producer.linger.ms`...). */
  producer: Record<string, string>;
}

export const REST_PROXY_DEFAULTS = {
  listeners: 'http://0.0.0.0:8082',
  'consumer.instance.timeout.ms': 300_000,
  'consumer.request.timeout.ms': 1_000,
  'consumer.request.max.bytes': 67_108_864,
  'request.body.max.bytes': 67_108_864,
  'consumer.instances.max': 1_000,
} as const;

const KNOWN = new Set([
  'listeners',
  'bootstrap.servers',
  'id',
  'host.name',
  'consumer.instance.timeout.ms',
  'consumer.request.timeout.ms',
  'consumer.request.max.bytes',
  'request.body.max.bytes',
  'consumer.instances.max',
  'schema.registry.url',
]);

/** Reads the config from properties; unknown keys (other than producer.*) are refused. */
export function parseRestProxyConfig(properties: ReadonlyMap<string, string>): RestProxyConfig {
  const producer: Record<string, string> = {};
  for (const [key, value] of properties) {
    if (key.startsWith('producer.')) producer[key.slice('producer.'.length)] = value;
    else if (!KNOWN.has(key)) throw unprocessable(`Unsupported REST proxy config: ${key}`);
  }
  const get = (key: string) => properties.get(key);
  const bootstrapServers = get('bootstrap.servers');
  if (bootstrapServers === undefined || bootstrapServers === '') {
    throw unprocessable('bootstrap.servers is required');
  }
  const int = (key: keyof typeof REST_PROXY_DEFAULTS) => {
    const text = get(key);
    if (text === undefined) return REST_PROXY_DEFAULTS[key] as number;
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw unprocessable(`${key} must be a whole number`);
    return n;
  };
  return {
    listener: parseListener(get('listeners') ?? REST_PROXY_DEFAULTS.listeners),
    bootstrapServers,
    id: get('id') ?? '',
    hostName: get('host.name') ?? null,
    consumerInstanceTimeoutMs: int('consumer.instance.timeout.ms'),
    consumerRequestTimeoutMs: int('consumer.request.timeout.ms'),
    consumerRequestMaxBytes: int('consumer.request.max.bytes'),
    requestBodyMaxBytes: int('request.body.max.bytes'),
    consumerInstancesMax: int('consumer.instances.max'),
    schemaRegistryUrl: get('schema.registry.url') ?? null,
    producer,
  };
}

/** The first of a comma-separated `listeners` list; only plain http is served. */
function parseListener(listeners: string): { host: string; port: number } {
  const first = listeners.split(',')[0]!.trim();
  const match = /^http:\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(first);
  if (match === null) throw unprocessable(`listeners: cannot serve ${first} (http://host:port)`);
  const host = match[1]!.replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port: Number(match[2]) };
}
