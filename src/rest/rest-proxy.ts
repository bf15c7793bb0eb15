// The REST proxy: Confluent REST Proxy's API v2 and v3 over HTTP, on rivulet/client only, so
// it serves any Kafka cluster. One admin client and one producer are shared by every request;
// v2 consumer instances each have their own consumer.
import { Admin, Producer, type ClusterOptions, type ProducerOptions } from '../client/index.js';
import { HttpServer } from '../http/index.js';
import { ConsumerInstances } from './consumer-instances.js';
import { NoSchemaFormats, type SchemaFormatsFactory } from './embedded-formats.js';
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
    private readonly context: RestContext,
    private readonly instances: ConsumerInstances,
  ) {}

  /** Connects to the cluster and starts serving on `listeners` (port 0: a free one). */
  static async start(options: RestProxyOptions): Promise<RestProxy> {
    const config = isParsed(options.config)
      ? options.config
      : parseRestProxyConfig(new Map(Object.entries(options.config)));
    const cluster: ClusterOptions = {
      bootstrapServers: config.bootstrapServers,
      clientId: `rest-proxy${config.id === '' ? '' : `-${config.id}`}`,
    };
    const admin = new Admin(cluster);
    const producer = new Producer({
      ...cluster,
      ...producerOptions(config.producer),
      // A record for a missing topic is answered 404, never a topic created on the way.
      allowAutoCreateTopics: false,
    });
    const schemaFormats =
      config.schemaRegistryUrl === null
        ? new NoSchemaFormats()
        : (options.schemaFormats ?? registrySchemaFormats)(config.schemaRegistryUrl);
    try {
      await admin.connect();
      await producer.connect();
    } catch (err) {
      admin.close();
      await producer.close().catch(() => {});
      throw err;
    }
    const context = new RestContext(config, admin, producer, schemaFormats);
    const instances = new ConsumerInstances({
      proxyId: config.id,
      instanceTimeoutMs: config.consumerInstanceTimeoutMs,
      instancesMax: config.consumerInstancesMax,
    });
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
    for (const route of [
      ...v3ClusterRoutes(context),
      ...v3TopicRoutes(context),
      ...v3GroupRoutes(context),
      ...v3AclRoutes(context),
      ...v3ProduceRoutes(context),
      ...v2TopicRoutes(context),
      ...v2ConsumerRoutes(context, instances, cluster),
    ]) {
      server.route(route);
    }
    const address = await server.listen(config.listener);
    config.listener.port = address.port;
    return new RestProxy(config, address.url, server, context, instances);
  }

  /** v2 consumer instances held now. */
  get consumerInstances(): number {
    return this.instances.size;
  }

  /** Stops serving, closes every consumer instance (they leave their groups) and the clients. */
  async close(): Promise<void> {
    await this.server.close();
    await this.instances.close();
    await this.context.producer.close().catch(() => {});
    this.context.admin.close();
  }
}

export function startRestProxy(options: RestProxyOptions): Promise<RestProxy> {
  return RestProxy.start(options);
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
