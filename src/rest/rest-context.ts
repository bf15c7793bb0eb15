// What every route of the proxy shares: its config, one admin client and one producer on the
// cluster, the schema-based formats, and the URLs its answers point at.
import { Admin, KafkaError, Producer, type TopicMetadata } from '../client/index.js';
import type { HttpRequest } from '../http/index.js';
import type { SchemaFormats } from './embedded-formats.js';
import type { RestProxyConfig } from './rest-proxy-config.js';
import { notFoundV3 } from './rest-errors.js';

export class RestContext {
  private clusterIdCache: string | null = null;

  constructor(
    readonly config: RestProxyConfig,
    readonly admin: Admin,
    readonly producer: Producer,
    readonly schemaFormats: SchemaFormats,
  ) {}

  /** The Kafka cluster's id (asked once, again when a request names another). */
  async clusterId(): Promise<string> {
    if (this.clusterIdCache === null) {
      const description = await this.admin.describeCluster();
      this.clusterIdCache = description.clusterId ?? '';
    }
    return this.clusterIdCache;
  }

  /** Checks the `cluster_id` of a v3 path; Confluent answers 404 for another cluster. */
  async checkCluster(clusterId: string | undefined): Promise<string> {
    let id = await this.clusterId();
    if (clusterId !== id) {
      this.clusterIdCache = null;
      id = await this.clusterId();
    }
    if (clusterId !== id) throw notFoundV3(`Cluster ${clusterId ?? ''} cannot be found.`);
    return id;
  }

  /** `http(s)://host:port` of this proxy as the client reached it (or as host.name says). */
  baseUrl(request: HttpRequest): string {
    const hostHeader = request.headers.host;
    const host = typeof hostHeader === 'string' && hostHeader !== '' ? hostHeader : null;
    const { port, scheme } = this.config.listener;
    if (this.config.hostName !== null) return `${scheme}://${this.config.hostName}:${port}`;
    return `${scheme}://${host ?? `localhost:${port}`}`;
  }

  /**
   * A topic's metadata with every partition led, from the producer's cache when it has it;
   * throws KafkaError UNKNOWN_TOPIC_OR_PARTITION when the topic does not exist.
   */
  async topic(name: string): Promise<TopicMetadata> {
    const cached = this.producer.cluster.usableTopic(name);
    if (cached !== undefined) return cached;
    const [topic] = await this.admin.describeTopics([name]);
    if (topic === undefined) throw new KafkaError(3);
    return topic;
  }
}
