// The REST proxy: Confluent REST Proxy's API v2 and v3 over HTTP, on rivulet/client only, so
// it serves any Kafka cluster. One admin client and one producer are shared by every request;
// v2 consumer instances each have their own consumer.
import { Admin, Producer, type ClusterOptions, type ProducerOptions } from '../client/index.js';
import { HttpServer, unprocessable, type HttpRequest, type HttpRoute } from '../http/index.js';
import { ConsumerInstances } from './consumer-instances.js';
import {
  NoSchemaFormats,
  type SchemaFormats,
  type SchemaFormatsFactory,
} from './embedded-formats.js';
import { PrincipalClients, type Credentials } from './principal-clients.js';
import { registrySchemaFormats } from './registry-schema-formats.js';
import { parseJsonOrSequence } from './json-sequence.js';
import { RestContext } from './rest-context.js';
import { parseRestProxyConfig, type RestProxyConfig } from './rest-proxy-config.js';
import { v2ConsumerRoutes } from './v2-consumer-routes.js';
import { V2_JSON_TYPES } from './v2-media-types.js';
import { v2TopicRoutes } from './v2-topic-routes.js';
import { v3AclRoutes } from './v3-acl-routes.js';
import { v3ClusterRoutes } from './v3-cluster-routes.js';
import { v3GroupRoutes } from './v3-group-routes.js';
import { isStreamedProduce, v3ProduceRoutes } from './v3-produce.js';
import { v3TopicRoutes } from './v3-topic-routes.js';

export interface RestProxyOptions {
  /** Confluent's config keys (`bootstrap.servers`, `listeners`, ...), or a parsed config. */
  config: RestProxyConfig | Readonly<Record<string, string>>;
  /** The schema formats for `schema.registry.url` (default: the registry's serdes). */
  schemaFormats?: SchemaFormatsFactory;
  /** Told of every request answered with a 5xx status. */
  onServerError?(error: Error, request: { method: string; url: string }): void;
}

export class RestProxy {
  private constructor(
    readonly config: RestProxyConfig,
    readonly url: string,
    private readonly server: HttpServer,
    /** The shared clients; null with Basic authentication, where each principal has its own. */
    private readonly context: RestContext | null,
    private readonly principals: PrincipalClients | null,
    private readonly instances: ConsumerInstances,
  ) {}

  /** Connects to the cluster and starts serving on `listeners` (port 0: a free one). */
  static async start(options: RestProxyOptions): Promise<RestProxy> {
    const config = isParsed(options.config)
      ? options.config
      : parseRestProxyConfig(new Map(Object.entries(options.config)));
    const schemaFormats =
      config.schemaRegistryUrl === null
        ? new NoSchemaFormats()
        : (options.schemaFormats ?? registrySchemaFormats)(config.schemaRegistryUrl);
    const basic = config.authentication.method === 'BASIC';
    const context = basic
      ? null
      : await connectContext(config, schemaFormats, config.client.credentials);
    const instances = new ConsumerInstances({
      proxyId: config.id,
      instanceTimeoutMs: config.consumerInstanceTimeoutMs,
      instancesMax: config.consumerInstancesMax,
    });
    const principals = basic
      ? new PrincipalClients(config.authentication, (credentials) =>
          connectContext(config, schemaFormats, credentials),
        )
      : null;
    const server = new HttpServer({
      jsonContentTypes: V2_JSON_TYPES,
      bodyLimitBytes: config.requestBodyMaxBytes,
      bodyOnGet: true,
      ...(config.tls === null ? {} : { tls: config.tls }),
      parseJson: parseJsonOrSequence,
      streamBody: isStreamedProduce,
      ...(options.onServerError === undefined ? {} : { onServerError: options.onServerError }),
    });
    server.route({ method: 'GET', url: '/', handler: () => ({}) });
    if (context !== null) {
      for (const route of routesOf(context, instances)) server.route(route);
    } else {
      for (const route of principalRoutes(principals!, instances)) server.route(route);
    }
    try {
      const address = await server.listen(config.listener);
      config.listener.port = address.port;
      return new RestProxy(config, address.url, server, context, principals, instances);
    } catch (err) {
      await instances.close();
      await principals?.close();
      if (context !== null) await closeContext(context);
      throw err;
    }
  }

  /** v2 consumer instances held now. */
  get consumerInstances(): number {
    return this.instances.size;
  }

  /** Principals whose clients are held now (with Basic authentication). */
  get principalClients(): number {
    return this.principals?.size ?? 0;
  }

  /** Stops serving, closes every consumer instance (they leave their groups) and the clients. */
  async close(): Promise<void> {
    await this.server.close();
    await this.instances.close();
    await this.principals?.close();
    if (this.context !== null) await closeContext(this.context);
  }
}

/** Every route of the API, over one set of clients and one principal's consumer instances. */
function routesOf(context: RestContext, instances: ConsumerInstances): HttpRoute[] {
  return [
    ...v3ClusterRoutes(context),
    ...v3TopicRoutes(context),
    ...v3GroupRoutes(context),
    ...v3AclRoutes(context),
    ...v3ProduceRoutes(context),
    ...v2TopicRoutes(context),
    ...v2ConsumerRoutes(context, instances),
  ];
}

/**
 * The routes with Basic authentication: each request runs the same route over its principal's
 * clients and consumer instances. The route tables are built once per principal (closures
 * only; building them uses no client) and the server dispatches by the route's position.
 */
function principalRoutes(principals: PrincipalClients, instances: ConsumerInstances): HttpRoute[] {
  const tables = new WeakMap<RestContext, HttpRoute[]>();
  const tableOf = (context: RestContext) => {
    let table = tables.get(context);
    if (table === undefined) {
      table = routesOf(context, instances.forOwner(context.principal));
      tables.set(context, table);
    }
    return table;
  };
  const shapes = routesOf(UNBOUND, instances);
  return shapes.map((shape, index) => ({
    ...shape,
    handler: (request: HttpRequest) =>
      principals.run(request, async (context) => tableOf(context)[index]!.handler(request)),
  }));
}

export function startRestProxy(options: RestProxyOptions): Promise<RestProxy> {
  return RestProxy.start(options);
}

/** Stands for the clients while route tables are built: building one must not use them. */
const UNBOUND = new Proxy({} as RestContext, {
  get(_target, key) {
    throw new Error(`route tables must not use the clients while they are built (${String(key)})`);
  },
});

/**
 * Connects an admin client and a producer, with `credentials` as their SASL user when given
 * (the proxy's own from client.sasl.jaas.config, or a Basic-authenticated caller's).
 */
async function connectContext(
  config: RestProxyConfig,
  schemaFormats: SchemaFormats,
  credentials: Credentials | null,
): Promise<RestContext> {
  const cluster: ClusterOptions = {
    bootstrapServers: config.bootstrapServers,
    clientId: `rest-proxy${config.id === '' ? '' : `-${config.id}`}`,
    ...clientSecurityOptions(config.client, credentials),
  };
  const admin = new Admin(cluster);
  const producer = new Producer({
    ...cluster,
    ...producerOptions(config.producer),
    // A record for a missing topic is answered 404, never a topic created on the way.
    allowAutoCreateTopics: false,
  });
  try {
    // The admin client's connection checks the cluster and the credentials; the producer
    // connects on first use (RestContext.connectedProducer).
    await admin.connect();
  } catch (err) {
    admin.close();
    await producer.close().catch(() => {});
    throw err;
  }
  return new RestContext(config, admin, producer, schemaFormats, {
    cluster,
    principal: credentials?.username ?? '',
  });
}

async function closeContext(context: RestContext): Promise<void> {
  await context.producer.close().catch(() => {});
  context.admin.close();
}

/** The client's ssl and sasl options from the client.* keys. */
function clientSecurityOptions(
  security: RestProxyConfig['client'],
  credentials: Credentials | null,
): Pick<ClusterOptions, 'ssl' | 'sasl'> {
  const out: Pick<ClusterOptions, 'ssl' | 'sasl'> = {};
  if (security.securityProtocol.endsWith('SSL')) {
    out.ssl = {
      ...(security.ca === null ? {} : { ca: security.ca }),
      ...(security.checkHostname ? {} : { checkHostname: false }),
    };
  }
  if (security.securityProtocol.startsWith('SASL_')) {
    if (credentials === null) {
      throw unprocessable(
        `client.security.protocol=${security.securityProtocol} needs client.sasl.jaas.config or authentication.method=BASIC`,
      );
    }
    out.sasl = { mechanism: security.saslMechanism, ...credentials };
  }
  return out;
}

function isParsed(c: RestProxyOptions['config']): c is RestProxyConfig {
  return typeof (c as RestProxyConfig).listener === 'object';
}

/** The producer.* keys the proxy passes on, by Kafka's names. */
function producerOptions(keys: Record<string, string>): Partial<ProducerOptions> {
  const out: Partial<ProducerOptions> = {};
  const int = (k: string) => (keys[k] === undefined ? undefined : Number(keys[k]));
  if (keys.acks !== undefined) {
    out.acks = keys.acks === 'all' || keys.acks === '-1' ? 'all' : keys.acks === '0' ? 0 : 1;
    if (out.acks !== 'all') out.idempotent = false;
  }
  const linger = int('linger.ms');
  if (linger !== undefined) out.lingerMs = linger;
  const batch = int('batch.size');
  if (batch !== undefined) out.batchSize = batch;
  const maxRequest = int('max.request.size');
  if (maxRequest !== undefined) out.maxRequestSize = maxRequest;
  const compression = keys['compression.type'];
  if (compression !== undefined) out.compression = compression as ProducerOptions['compression'];
  return out;
}
