// The REST proxy's configuration, with Confluent REST Proxy's key names and defaults where it
// has them (kafka-rest.properties): `listeners`, `bootstrap.servers`, `id`, `host.name`,
// `consumer.instance.timeout.ms`, `consumer.request.timeout.ms`, `consumer.request.max.bytes`,
// `schema.registry.url`. Two keys are this proxy's own and say so: the request body bound and
// the cap on consumer instances, limits Confluent's proxy leaves to Jetty and memory.
import { readFileSync } from 'node:fs';
import { unprocessable } from '../http/index.js';

export interface RestProxyConfig {
  /** listeners: where the proxy serves, e.g. `http://0.0.0.0:8082` or `https://...`. */
  listener: { host: string; port: number; scheme: 'http' | 'https' };
  /** ssl.*: the HTTPS listener's key and certificate, and whom it asks for one. */
  tls: RestTlsConfig | null;
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
  /** client.*: how the proxy's Kafka clients connect (security protocol, SASL, TLS trust). */
  client: RestClientSecurity;
  /** authentication.*: HTTP Basic credentials passed on as each request's SASL credentials. */
  authentication: RestAuthentication;
  /** producer.* and consumer.* keys, passed on (`producer.acks`, `producer.linger.ms`...). */
  producer: Record<string, string>;
}

/** node:tls options of an https listener, read from Confluent's `ssl.*` keys. */
export interface RestTlsConfig {
  key?: Buffer;
  cert?: Buffer;
  pfx?: Buffer;
  passphrase?: string;
  /** ssl.truststore.location (PEM): the CAs that sign client certificates. */
  ca?: Buffer;
  /** ssl.client.authentication: REQUESTED asks for a certificate, REQUIRED refuses without. */
  requestCert?: boolean;
  rejectUnauthorized?: boolean;
}

export interface RestClientSecurity {
  /** client.security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL. */
  securityProtocol: 'PLAINTEXT' | 'SSL' | 'SASL_PLAINTEXT' | 'SASL_SSL';
  /** client.sasl.mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. */
  saslMechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  /** client.sasl.jaas.config's username and password: the proxy's own, without Basic auth. */
  credentials: { username: string; password: string } | null;
  /** client.ssl.truststore.location (PEM): the CAs of the brokers' certificates. */
  ca: Buffer | null;
  /** client.ssl.endpoint.identification.algorithm: empty turns the host name check off. */
  checkHostname: boolean;
}

export interface RestAuthentication {
  /** authentication.method: NONE, or BASIC (each request's user and password go to Kafka). */
  method: 'NONE' | 'BASIC';
  /** authentication.realm: named in the WWW-Authenticate header of a 401. */
  realm: string;
  /** authentication.clients.idle.timeout.ms: a principal's clients close once idle this long. */
  clientsIdleTimeoutMs: number;
  /** authentication.clients.max: principals whose clients are held at once. */
  clientsMax: number;
}

export const REST_PROXY_DEFAULTS = {
  listeners: 'http://0.0.0.0:8082',
  'consumer.instance.timeout.ms': 300_000,
  'consumer.request.timeout.ms': 1_000,
  'consumer.request.max.bytes': 67_108_864,
  'request.body.max.bytes': 67_108_864,
  'consumer.instances.max': 1_000,
  'authentication.clients.idle.timeout.ms': 300_000,
  'authentication.clients.max': 1_000,
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
  'ssl.keystore.location',
  'ssl.keystore.type',
  'ssl.keystore.password',
  'ssl.key.password',
  'ssl.truststore.location',
  'ssl.truststore.type',
  'ssl.client.authentication',
  'authentication.method',
  'authentication.realm',
  'authentication.clients.idle.timeout.ms',
  'authentication.clients.max',
  'client.security.protocol',
  'client.sasl.mechanism',
  'client.sasl.jaas.config',
  'client.ssl.truststore.location',
  'client.ssl.truststore.type',
  'client.ssl.endpoint.identification.algorithm',
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
  const listener = parseListener(get('listeners') ?? REST_PROXY_DEFAULTS.listeners);
  return {
    listener,
    tls: listener.scheme === 'https' ? tlsConfig(properties) : null,
    bootstrapServers,
    id: get('id') ?? '',
    hostName: get('host.name') ?? null,
    consumerInstanceTimeoutMs: int('consumer.instance.timeout.ms'),
    consumerRequestTimeoutMs: int('consumer.request.timeout.ms'),
    consumerRequestMaxBytes: int('consumer.request.max.bytes'),
    requestBodyMaxBytes: int('request.body.max.bytes'),
    consumerInstancesMax: int('consumer.instances.max'),
    schemaRegistryUrl: get('schema.registry.url') ?? null,
    client: clientSecurity(properties),
    authentication: authentication(properties, int),
    producer,
  };
}

/** The first of a comma-separated `listeners` list: http or https. */
function parseListener(listeners: string): RestProxyConfig['listener'] {
  const first = listeners.split(',')[0]!.trim();
  const match = /^(https?):\/\/(\[[^\]]+\]|[^:/]*):(\d+)\/?$/.exec(first);
  if (match === null) {
    throw unprocessable(`listeners: cannot serve ${first} (http://host:port or https://host:port)`);
  }
  const host = match[2]!.replace(/^\[|\]$/g, '');
  return {
    host: host === '' ? '0.0.0.0' : host,
    port: Number(match[3]),
    scheme: match[1] as 'http' | 'https',
  };
}

/**
 * The https listener's keystore, by Confluent's (rest-utils') key names. `ssl.keystore.type` is
 * PEM (the file holds the private key and the certificate chain) or PKCS12; without it, a file
 * that starts with `-----BEGIN` is PEM and anything else PKCS12 (JKS is Java's own and refused).
 */
function tlsConfig(properties: ReadonlyMap<string, string>): RestTlsConfig {
  const location = properties.get('ssl.keystore.location');
  if (location === undefined) throw unprocessable('https listeners need ssl.keystore.location');
  const bytes = readConfigFile(location, 'ssl.keystore.location');
  const declared = properties.get('ssl.keystore.type')?.toUpperCase();
  const type =
    declared ?? (bytes.subarray(0, 10).toString('latin1') === '-----BEGIN' ? 'PEM' : 'PKCS12');
  const out: RestTlsConfig = {};
  if (type === 'PEM') {
    out.key = bytes;
    out.cert = bytes;
    const password = properties.get('ssl.key.password') ?? properties.get('ssl.keystore.password');
    if (password !== undefined) out.passphrase = password;
  } else if (type === 'PKCS12') {
    out.pfx = bytes;
    const password = properties.get('ssl.keystore.password');
    if (password !== undefined) out.passphrase = password;
  } else {
    throw unprocessable(`ssl.keystore.type=${type}: use PEM or PKCS12`);
  }
  const trust = properties.get('ssl.truststore.location');
  if (trust !== undefined) {
    const trustType = (properties.get('ssl.truststore.type') ?? 'PEM').toUpperCase();
    if (trustType !== 'PEM') throw unprocessable(`ssl.truststore.type=${trustType}: use PEM`);
    out.ca = readConfigFile(trust, 'ssl.truststore.location');
  }
  const clientAuth = (properties.get('ssl.client.authentication') ?? 'NONE').toUpperCase();
  if (clientAuth === 'REQUESTED' || clientAuth === 'REQUIRED') {
    out.requestCert = true;
    out.rejectUnauthorized = clientAuth === 'REQUIRED';
  } else if (clientAuth !== 'NONE') {
    throw unprocessable('ssl.client.authentication must be NONE, REQUESTED or REQUIRED');
  }
  return out;
}

function clientSecurity(properties: ReadonlyMap<string, string>): RestClientSecurity {
  const protocol = (properties.get('client.security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'].includes(protocol)) {
    throw unprocessable(
      `client.security.protocol=${protocol}: use PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL`,
    );
  }
  const mechanism = (properties.get('client.sasl.mechanism') ?? 'PLAIN').toUpperCase();
  if (!['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
    throw unprocessable(
      `client.sasl.mechanism=${mechanism}: use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512`,
    );
  }
  const jaas = properties.get('client.sasl.jaas.config');
  let credentials: RestClientSecurity['credentials'] = null;
  if (jaas !== undefined) {
    // Kafka's PlainLoginModule and ScramLoginModule take `username="..." password="..."`.
    const username = /\busername="([^"]*)"/.exec(jaas)?.[1];
    const password = /\bpassword="([^"]*)"/.exec(jaas)?.[1];
    if (username === undefined || password === undefined) {
      throw unprocessable('client.sasl.jaas.config must give username="..." and password="..."');
    }
    credentials = { username, password };
  }
  const trust = properties.get('client.ssl.truststore.location');
  const trustType = (properties.get('client.ssl.truststore.type') ?? 'PEM').toUpperCase();
  if (trust !== undefined && trustType !== 'PEM') {
    throw unprocessable(`client.ssl.truststore.type=${trustType}: use PEM`);
  }
  return {
    securityProtocol: protocol as RestClientSecurity['securityProtocol'],
    saslMechanism: mechanism as RestClientSecurity['saslMechanism'],
    credentials,
    ca: trust === undefined ? null : readConfigFile(trust, 'client.ssl.truststore.location'),
    checkHostname: properties.get('client.ssl.endpoint.identification.algorithm') !== '',
  };
}

function authentication(
  properties: ReadonlyMap<string, string>,
  int: (key: 'authentication.clients.idle.timeout.ms' | 'authentication.clients.max') => number,
): RestAuthentication {
  const method = (properties.get('authentication.method') ?? 'NONE').toUpperCase();
  if (method !== 'NONE' && method !== 'BASIC') {
    throw unprocessable(`authentication.method=${method}: use NONE or BASIC`);
  }
  const protocol = (properties.get('client.security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (method === 'BASIC' && !protocol.startsWith('SASL_')) {
    throw unprocessable(
      'authentication.method=BASIC passes credentials on as SASL: set client.security.protocol to SASL_PLAINTEXT or SASL_SSL',
    );
  }
  return {
    method,
    realm: properties.get('authentication.realm') ?? 'KafkaRest',
    clientsIdleTimeoutMs: int('authentication.clients.idle.timeout.ms'),
    clientsMax: int('authentication.clients.max'),
  };
}

function readConfigFile(path: string, key: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw unprocessable(`${key}: cannot read ${path}: ${(err as Error).message}`);
  }
}
