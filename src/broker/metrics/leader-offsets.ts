// The high watermarks of partitions led by other brokers, for consumer lag in a cluster. The
// broker that coordinates a group knows its committed offsets for every partition, but the
// high watermark only of the partitions it leads (a follower's copy lags, and a broker that
// holds no replica knows nothing). So at scrape time it asks each leader with ListOffsets
// (timestamp -1, read_uncommitted: the high watermark), as kafka-exporter and Burrow do, over
// the inter-broker connection (docs/decisions/0003-inter-broker-connection.md).
//
// Bounded: one request per leader per refresh, all leaders at once, each with a timeout; an
// answer is kept for a short time so concurrent or close scrapes share it. A leader that does
// not answer in time (or answers an error for a partition) gives no value: its partitions get
// no lag series rather than a stale or wrong one.
import type { ClusterMetadata } from '../../metadata/index.js';
import type { ListOffsetsResponse } from '../../protocol/index.js';
import { interBrokerEndpoint } from '../data-plane.js';
import {
  connectToBroker,
  type InterBrokerConnection,
  type InterBrokerSecurity,
} from '../partition/inter-broker-connection.js';

export const LIST_OFFSETS_API_KEY = 2;
/** Kafka 3.0's version; this broker answers v1-11. */
export const LIST_OFFSETS_VERSION = 7;
const LATEST_TIMESTAMP = -1n;

export interface LeaderOffsetsOptions {
  /** This broker's id: its own partitions are never asked about. */
  localId: number;
  /** The current leader of a partition (-1 or undefined: none known). */
  leaderOf(topic: string, partition: number): number | undefined;
  /** Where a broker's inter-broker listener is, or null when it is not registered. */
  endpointOf(brokerId: number): { host: string; port: number } | null;
  /** Opens a connection (connectToBroker); rejects when the broker cannot be reached. */
  connect(host: string, port: number): Promise<InterBrokerConnection>;
  /** Connecting plus answering, per leader and refresh. */
  timeoutMs: number;
  /** How long an answer is used before it is asked again. */
  cacheMs: number;
  /** A monotonic clock in milliseconds. */
  nowMs(): number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

interface Known {
  highWatermark: number;
  atMs: number;
}

interface LeaderConnection {
  address: string;
  connection: Promise<InterBrokerConnection>;
}

export class LeaderOffsets {
  private readonly known = new Map<string, Known>();
  private readonly connections = new Map<number, LeaderConnection>();
  private closed = false;
  /** When the latest refresh started: answers fresh then are the ones it relies on. */
  private refreshedAtMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: LeaderOffsetsOptions) {}

  /**
   * Asks the leaders of `partitions` (those not led here, whose answer is older than the
   * cache time) for their high watermarks; resolves once every leader answered or timed out.
   */
  async refresh(partitions: Iterable<TopicPartition>): Promise<void> {
    const now = this.options.nowMs();
    this.refreshedAtMs = now;
    const byLeader = new Map<number, Map<string, Set<number>>>();
    for (const { topic, partition } of partitions) {
      const leader = this.options.leaderOf(topic, partition);
      if (leader === undefined || leader < 0 || leader === this.options.localId) continue;
      const seen = this.known.get(key(topic, partition));
      if (seen !== undefined && now - seen.atMs < this.options.cacheMs) continue;
      let topics = byLeader.get(leader);
      if (topics === undefined) byLeader.set(leader, (topics = new Map()));
      let set = topics.get(topic);
      if (set === undefined) topics.set(topic, (set = new Set()));
      set.add(partition);
    }
    await Promise.all([...byLeader].map(([leader, topics]) => this.ask(leader, topics)));
  }

  /**
   * The high watermark a leader gave in the latest refresh, or before it within the cache
   * time (measured from the refresh's start, which may have waited for a slow leader).
   */
  highWatermark(topic: string, partition: number): number | undefined {
    const seen = this.known.get(key(topic, partition));
    if (seen === undefined || this.refreshedAtMs - seen.atMs >= this.options.cacheMs) {
      return undefined;
    }
    return seen.highWatermark;
  }

  close(): void {
    this.closed = true;
    for (const c of this.connections.values()) void c.connection.then((x) => x.close(), noop);
    this.connections.clear();
  }

  private async ask(leader: number, topics: Map<string, Set<number>>): Promise<void> {
    // Partitions not answered now lose their old answer: no value rather than a stale one.
    for (const [topic, set] of topics) for (const p of set) this.known.delete(key(topic, p));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.options.timeoutMs);
    });
    try {
      const answer = await Promise.race([this.send(leader, topics), timeout]);
      if (answer === null) return this.drop(leader);
      const atMs = this.options.nowMs();
      for (const t of answer.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0 || p.offset < 0n) continue;
          this.known.set(key(t.name, p.partitionIndex), { highWatermark: Number(p.offset), atMs });
        }
      }
    } catch {
      this.drop(leader);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(
    leader: number,
    topics: Map<string, Set<number>>,
  ): Promise<ListOffsetsResponse | null> {
    const connection = await this.connectionTo(leader);
    if (connection === null) return null;
    return connection.send<ListOffsetsResponse>(
      LIST_OFFSETS_API_KEY,
      {
        replicaId: -1,
        isolationLevel: 0,
        timeoutMs: this.options.timeoutMs,
        topics: [...topics].map(([name, set]) => ({
          name,
          partitions: [...set].map((partitionIndex) => ({
            partitionIndex,
            currentLeaderEpoch: -1,
            timestamp: LATEST_TIMESTAMP,
          })),
        })),
      },
      { version: LIST_OFFSETS_VERSION, timeoutMs: this.options.timeoutMs },
    );
  }

  /** One connection per leader, opened again when it closed or the leader moved. */
  private async connectionTo(leader: number): Promise<InterBrokerConnection | null> {
    if (this.closed) return null;
    const endpoint = this.options.endpointOf(leader);
    if (endpoint === null) return null;
    const address = `${endpoint.host}:${endpoint.port}`;
    const open = this.connections.get(leader);
    if (open !== undefined && open.address === address) {
      const connection = await open.connection;
      if (connection.isOpen) return connection;
    }
    this.drop(leader);
    const connection = this.options.connect(endpoint.host, endpoint.port);
    this.connections.set(leader, { address, connection });
    return connection;
  }

  /** Forgets (and closes) the connection to a leader that failed or did not answer in time. */
  private drop(leader: number): void {
    const open = this.connections.get(leader);
    if (open === undefined) return;
    this.connections.delete(leader);
    void open.connection.then((c) => c.close(), noop);
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function noop(): void {}

/** How long a scrape waits for each leader (connecting and answering). */
export const LEADER_OFFSETS_TIMEOUT_MS = 2_000;
/** Answers shared by scrapes this close together. */
export const LEADER_OFFSETS_CACHE_MS = 1_000;

/** LeaderOffsets over a cluster's metadata image and the inter-broker listeners. */
export function clusterLeaderOffsets(
  metadata: ClusterMetadata,
  options: {
    nodeId: number;
    interBrokerListener: string | null;
    monotonicMs: () => number;
    /** TLS and SASL of the inter-broker listener; none: PLAINTEXT. */
    security?: () => Promise<InterBrokerSecurity>;
  },
): LeaderOffsets {
  const timeoutMs = LEADER_OFFSETS_TIMEOUT_MS;
  return new LeaderOffsets({
    localId: options.nodeId,
    leaderOf: (topic, partition) => metadata.image.topic(topic)?.partitions[partition]?.leader,
    endpointOf: (id) => interBrokerEndpoint(metadata, id, options.interBrokerListener),
    connect: (host, port) =>
      connectToBroker(host, port, {
        clientId: `broker-${options.nodeId}-consumer-lag`,
        requestTimeoutMs: timeoutMs,
        security: options.security,
      }),
    timeoutMs,
    cacheMs: LEADER_OFFSETS_CACHE_MS,
    nowMs: options.monotonicMs,
  });
}
