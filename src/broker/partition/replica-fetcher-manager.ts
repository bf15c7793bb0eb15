// The follower side of replication on one broker: which fetch loop follows which partition.
// As in Kafka's ReplicaFetcherManager, a partition goes to the loop of its leader and of its
// fetcher id (a hash of topic and partition modulo num.replica.fetchers), so the partitions of
// one leader spread over that many connections. A partition that changes leader (or leader
// epoch) moves, and truncates again first; loops left with no partition stop.
import type { Logger, Timers } from '../../util/index.js';
import { connectToBroker, type InterBrokerSecurity } from './inter-broker-connection.js';
import type { Partition } from './partition.js';
import {
  ReplicaFetcher,
  type ReplicaFetcherConfig,
  type ReplicationThrottle,
} from './replica-fetcher.js';

export interface ReplicaFetcherManagerOptions {
  config: ReplicaFetcherConfig;
  /** num.replica.fetchers */
  numFetchers: number;
  /** replica.socket.timeout.ms */
  requestTimeoutMs: number;
  /** The inter-broker endpoint of a broker, from the metadata image; null when unknown. */
  endpointOf: (brokerId: number) => { host: string; port: number } | null;
  /** TLS and SASL towards the inter-broker listener; none: PLAINTEXT. */
  security?: () => Promise<InterBrokerSecurity>;
  timers: Timers;
  monotonicMs: () => number;
  logger: Logger;
  /** The follower replication throttle, shared by every loop. */
  throttle?: ReplicationThrottle;
}

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<string, ReplicaFetcher>();
  private closed = false;

  constructor(private readonly o: ReplicaFetcherManagerOptions) {}

  /** Fetch loops running now (tests, metrics). */
  get fetcherCount(): number {
    return this.fetchers.size;
  }

  /** The leader `p` is followed from, or undefined. */
  leaderOf(p: Partition): number | undefined {
    for (const f of this.fetchers.values()) if (f.has(p)) return f.leaderId;
    return undefined;
  }

  /** Follows `p` from `leaderId` in `leaderEpoch` (truncating first); moves it if it was elsewhere. */
  follow(p: Partition, leaderId: number, leaderEpoch: number): void {
    if (this.closed || leaderId < 0) {
      this.unfollow(p);
      return;
    }
    const key = `${leaderId}:${fetcherId(p, this.o.numFetchers)}`;
    for (const [k, f] of this.fetchers) if (k !== key) f.remove(p);
    let fetcher = this.fetchers.get(key);
    if (fetcher === undefined) {
      const n = key.split(':')[1];
      fetcher = new ReplicaFetcher({
        config: this.o.config,
        leaderId,
        connect: () => this.connect(leaderId, n!),
        timers: this.o.timers,
        monotonicMs: this.o.monotonicMs,
        logger: this.o.logger,
        throttle: this.o.throttle,
      });
      this.fetchers.set(key, fetcher);
    }
    fetcher.add(p, leaderEpoch);
    void this.stopIdle();
  }

  /** Stops following `p` (it leads now, or it is deleted). */
  unfollow(p: Partition): void {
    for (const f of this.fetchers.values()) f.remove(p);
    void this.stopIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    await Promise.all(all.map((f) => f.close()));
  }

  private async stopIdle(): Promise<void> {
    for (const [key, f] of [...this.fetchers]) {
      if (f.size > 0) continue;
      this.fetchers.delete(key);
      await f.close();
    }
  }

  private connect(leaderId: number, n: string) {
    const endpoint = this.o.endpointOf(leaderId);
    if (endpoint === null) {
      return Promise.reject(new Error(`broker ${leaderId} has no known endpoint`));
    }
    return connectToBroker(endpoint.host, endpoint.port, {
      clientId: `broker-${this.o.config.localId}-fetcher-${n}`,
      requestTimeoutMs: this.o.requestTimeoutMs,
      security: this.o.security,
    });
  }
}

/** Kafka's fetcher id: (31 * hash(topic) + partition) mod num.replica.fetchers. */
function fetcherId(p: Partition, numFetchers: number): number {
  let h = 0;
  for (let i = 0; i < p.topic.length; i++) h = (Math.imul(31, h) + p.topic.charCodeAt(i)) | 0;
  return Math.abs((Math.imul(31, h) + p.partition) | 0) % Math.max(1, numFetchers);
}
