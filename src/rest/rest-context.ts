// What every route of the proxy shares: its config, one admin client and one producer on the
// cluster, the schema-based formats, and the URLs its answers point at.
import {
  Admin,
  KafkaError,
  Producer,
  type ClusterOptions,
  type TopicMetadata,
} from '../client/index.js';
import type { HttpRequest } from '../http/index.js';
import type { SchemaFormats } from './embedded-formats.js';
import type { RestProxyConfig } from './rest-proxy-config.js';
import { notFoundV3 } from './rest-errors.js';

export class RestContext {
  private clusterIdCache: string | null = null;
  private producerConnected = false;
  private producerConnecting: Promise<Producer> | null = null;

  constructor(
    readonly config: RestProxyConfig,
    readonly admin: Admin,
    readonly producer: Producer,
    readonly schemaFormats: SchemaFormats,
    /** How the clients connect (v2 consumers connect the same way) and as whom. */
    readonly identity: { cluster: ClusterOptions; principal: string },
  ) {}

  /** The client options v2 consumer instances connect with. */
  get cluster(): ClusterOptions {
    return this.identity.cluster;
  }

  /** The Basic-authenticated user these clients act for ('' without authentication). */
  get principal(): string {
    return this.identity.principal;
  }

  /**
   * The producer, connected on first use: a principal that only reads never needs one, and
   * Kafka refuses an idempotent producer id to a principal that may write nowhere, which must
   * not keep it from reading. A failed connection is tried again on the next use.
   */
  connectedProducer(): Producer | Promise<Producer> {
    if (this.producerConnected) return this.producer;
    this.producerConnecting ??= this.producer.connect().then(
      () => {
        this.producerConnected = true;
        return this.producer;
      },
      (err: unknown) => {
        this.producerConnecting = null;
        throw err;
      },
    );
    return this.producerConnecting;
  }

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
