// The client's view of the cluster: bootstrap, the metadata cache (brokers, topics, partition
// leaders), one connection per broker, and routing of requests to a broker, the controller or
// any broker. Metadata is refreshed when an operation reports a stale view (the caller calls
// `refreshMetadata`) and on a schedule (metadata.max.age.ms), for the topics in use.
import { ZERO_UUID, type MetadataResponse } from '../protocol/index.js';
import { ApiKey } from './api-versions.js';
import { Connection, type ConnectionOptions, type SendOptions } from './connection.js';
import { ClientError, KafkaError } from './errors.js';
import { withRetries, type RetryOptions } from './retry.js';

export interface ClusterOptions extends ConnectionOptions, RetryOptions {
  /** bootstrap.servers: "host:port" entries, as a list or comma-separated. */
  bootstrapServers: string | readonly string[];
  /** metadata.max.age.ms */
  metadataMaxAgeMs?: number;
  /** allow.auto.create.topics: ask the broker to create topics that metadata requests name. */
  allowAutoCreateTopics?: boolean;
}

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partition: number;
  errorCode: number;
  leaderId: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadata {
  name: string;
  topicId: string;
  errorCode: number;
  isInternal: boolean;
  partitions: PartitionMetadata[];
}

/** A request target: a node id, the controller, or whichever broker is at hand. */
export type Target = number | 'any' | 'controller';

export class Cluster {
  readonly options: ClusterOptions;
  readonly brokers = new Map<number, BrokerInfo>();
  readonly topics = new Map<string, TopicMetadata>();
  clusterId: string | null = null;
  controllerId = -1;
  private readonly bootstrap: { host: string; port: number }[];
  private readonly connections = new Map<string, Promise<Connection>>();
  /** Topics whose metadata is kept fresh. */
  private readonly interest = new Set<string>();
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(options: ClusterOptions) {
    this.options = options;
    this.bootstrap = parseServers(options.bootstrapServers);
    if (this.bootstrap.length === 0) {
      throw new ClientError('ERR_INVALID_ARGUMENT', 'bootstrapServers names no server');
    }
  }

  /** Connects to a bootstrap server and loads the broker list. */
  async connect(): Promise<void> {
    await this.refreshMetadata();
    const maxAgeMs = this.options.metadataMaxAgeMs ?? 300_000;
    this.timer = setInterval(() => void this.refreshMetadata().catch(() => {}), maxAgeMs);
    this.timer.unref();
  }

  /** The connection to a broker (opened on first use, reopened after it closed). */
  async connection(target: Target): Promise<Connection> {
    if (this.closed) throw new ClientError('ERR_CLOSED', 'the client is closed');
    if (target === 'any') return this.anyConnection();
    const nodeId = target === 'controller' ? this.controllerId : target;
    const broker = this.brokers.get(nodeId);
    if (broker === undefined) {
      if (target === 'controller') return this.anyConnection();
      throw new ClientError('ERR_CONNECTION', `broker ${nodeId} is not in the metadata`);
    }
    return this.open(broker.host, broker.port);
  }

  /** Sends a request to `target` once (no retries). */
  async send<T>(target: Target, apiKey: number, body: object, options?: SendOptions) {
    const connection = await this.connection(target);
    return connection.send<T>(apiKey, body, options);
  }

  /** Runs `operation` with retries; metadata is refreshed before each retry. */
  retry<T>(operation: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
    return withRetries(operation, {
      ...this.options,
      ...options,
      onRetry: async () => {
        await this.refreshMetadata().catch(() => {});
      },
    });
  }

  /** Adds topics to those whose metadata is kept fresh. */
  addTopics(topics: Iterable<string>): void {
    for (const t of topics) this.interest.add(t);
  }

  /**
   * Reloads brokers and the metadata of the topics in use plus `topics`. Concurrent calls
   * share one request when they ask for nothing new.
   */
  refreshMetadata(topics: readonly string[] = []): Promise<void> {
    const fresh = topics.filter((t) => !this.interest.has(t));
    this.addTopics(topics);
    if (this.refreshing !== null && fresh.length === 0) return this.refreshing;
    const run = this.loadMetadata().finally(() => {
      if (this.refreshing === run) this.refreshing = null;
    });
    this.refreshing = run;
    return run;
  }

  /** Metadata of every topic in the cluster (also refreshes the cache). */
  async listTopics(): Promise<TopicMetadata[]> {
    const response = await this.requestMetadata(null);
    return response.topics.map(toTopicMetadata);
  }

  /** The cached metadata of `topic` when every partition has a leader; sends nothing. */
  usableTopic(topic: string): TopicMetadata | undefined {
    const t = this.topics.get(topic);
    return t !== undefined && isUsable(t) ? t : undefined;
  }

  /**
   * Metadata for `topic`, refreshed until the topic exists with leaders for all partitions or
   * the retry budget runs out (UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE).
   */
  async topicMetadata(topic: string, options: RetryOptions = {}): Promise<TopicMetadata> {
    const cached = this.topics.get(topic);
    if (cached !== undefined && isUsable(cached)) return cached;
    return this.retry(async () => {
      await this.refreshMetadata([topic]);
      const t = this.topics.get(topic);
      if (t === undefined) throw new KafkaError(3);
      if (t.errorCode !== 0) throw new KafkaError(t.errorCode);
      if (!isUsable(t)) throw new KafkaError(5);
      return t;
    }, options);
  }

  /** The leader of a partition per the cache, or -1. */
  leaderFor(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leaderId ?? -1;
  }

  /** Closes every connection (requests in flight fail); later requests open new ones. */
  disconnect(): void {
    for (const c of this.connections.values()) void c.then((conn) => conn.close()).catch(() => {});
    this.connections.clear();
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    for (const c of this.connections.values()) void c.then((conn) => conn.close()).catch(() => {});
    this.connections.clear();
  }

  private async loadMetadata(): Promise<void> {
    await this.requestMetadata([...this.interest]);
  }

  private async requestMetadata(topics: string[] | null): Promise<MetadataResponse> {
    const connection = await this.anyConnection();
    const version = connection.versionFor(ApiKey.Metadata);
    const names = topics?.map((name) => ({ topicId: ZERO_UUID, name }));
    const allowAuto = this.options.allowAutoCreateTopics ?? false;
    const response = await connection.send<MetadataResponse>(ApiKey.Metadata, {
      topics: names ?? (version === 0 ? [] : null),
      allowAutoTopicCreation: version >= 4 ? allowAuto : true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    this.apply(response, topics);
    return response;
  }

  private apply(response: MetadataResponse, asked: string[] | null): void {
    this.brokers.clear();
    for (const b of response.brokers) {
      this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
    }
    this.clusterId = response.clusterId;
    this.controllerId = response.controllerId;
    if (asked === null) this.topics.clear();
    for (const t of response.topics) {
      if (t.name === null) continue;
      this.topics.set(t.name, toTopicMetadata(t));
    }
  }

  private async anyConnection(): Promise<Connection> {
    if (this.closed) throw new ClientError('ERR_CLOSED', 'the client is closed');
    // Prefer an open connection, then known brokers, then the bootstrap list.
    for (const c of this.connections.values()) {
      const conn = await c.catch(() => null);
      if (conn?.isOpen) return conn;
    }
    const candidates = [...this.brokers.values(), ...this.bootstrap];
    let last: unknown = null;
    for (const { host, port } of candidates) {
      try {
        return await this.open(host, port);
      } catch (err) {
        // A refused login is final, as in Kafka's clients: other brokers would refuse it too.
        if (isAuthenticationFailure(err)) throw err;
        last = err;
      }
    }
    throw new ClientError('ERR_NO_BROKERS', `no broker reachable (${this.describeServers()})`, {
      cause: last,
    });
  }

  private open(host: string, port: number): Promise<Connection> {
    const key = `${host}:${port}`;
    const existing = this.connections.get(key);
    if (existing !== undefined) {
      return existing.then((c) => (c.isOpen ? c : this.reopen(key, host, port)));
    }
    return this.reopen(key, host, port);
  }

  private reopen(key: string, host: string, port: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new ClientError('ERR_CLOSED', 'the client is closed'));
    const opening = Connection.connect(host, port, this.options).then((c) => {
      // Closed while this socket was being opened: close() has already gone through the map.
      if (this.closed) {
        c.close();
        throw new ClientError('ERR_CLOSED', 'the client is closed');
      }
      return c;
    });
    this.connections.set(key, opening);
    opening.catch(() => {
      if (this.connections.get(key) === opening) this.connections.delete(key);
    });
    return opening;
  }

  private describeServers(): string {
    return this.bootstrap.map((s) => `${s.host}:${s.port}`).join(',');
  }
}

function isUsable(t: TopicMetadata): boolean {
  return t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0);
}

function toTopicMetadata(t: MetadataResponse['topics'][number]): TopicMetadata {
  const partitions = t.partitions
    .map((p) => ({
      partition: p.partitionIndex,
      errorCode: p.errorCode,
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicas: p.replicaNodes,
      isr: p.isrNodes,
      offlineReplicas: p.offlineReplicas,
    }))
    .sort((a, b) => a.partition - b.partition);
  return {
    name: t.name ?? '',
    topicId: t.topicId,
    errorCode: t.errorCode,
    isInternal: t.isInternal,
    partitions,
  };
}

/** Parses "host:port" entries; IPv6 hosts may be bracketed ("[::1]:9092"). */
export function parseServers(
  servers: string | readonly string[],
): { host: string; port: number }[] {
  const list = typeof servers === 'string' ? servers.split(',') : servers;
  const out: { host: string; port: number }[] = [];
  for (const raw of list) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    const host = colon > 0 ? entry.slice(0, colon) : entry;
    const port = colon > 0 ? Number(entry.slice(colon + 1)) : 9092;
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      throw new ClientError('ERR_INVALID_ARGUMENT', `bad server address '${entry}'`);
    }
    out.push({ host: host.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return out;
}

/** SASL_AUTHENTICATION_FAILED (58), UNSUPPORTED_SASL_MECHANISM (33), ILLEGAL_SASL_STATE (34). */
function isAuthenticationFailure(err: unknown): boolean {
  return err instanceof KafkaError && (err.code === 58 || err.code === 33 || err.code === 34);
}
