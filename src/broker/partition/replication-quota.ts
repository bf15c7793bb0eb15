// The follower side of Kafka's replication throttle (KIP-73): the replica fetcher of a broker
// fetches the throttled replicas (topic config `follower.replication.throttled.replicas`,
// `<partition>:<broker>` pairs or `*`) at most `follower.replication.throttled.rate` bytes per
// second together, over all its fetch loops. Kafka measures the rate over sampled windows and
// leaves throttled partitions out of a fetch while it is exceeded; this is the same rule as a
// token bucket holding at most one second of the rate: a throttled partition is left out while
// the bucket is empty, and a fetch asks no more of it than the bucket holds (the leader still
// returns at least one whole batch, so the rate may be passed by one batch, then paid back).
export interface ReplicationQuotaOptions {
  /** Bytes per second; Long.MAX (the default) means no throttle. */
  rateBytesPerSec: () => number;
  monotonicMs: () => number;
}

/** Rates at or above this are Kafka's "unlimited" default (Long.MAX_VALUE). */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

export class ReplicationQuota {
  private tokens = 0;
  private lastMs: number;
  private lastRate = -1;

  constructor(private readonly o: ReplicationQuotaOptions) {
    this.lastMs = o.monotonicMs();
  }

  /** Whether a rate is set at all. */
  get enabled(): boolean {
    return this.o.rateBytesPerSec() < UNLIMITED;
  }

  /** Bytes throttled replicas may fetch now (≤ 0: none until the bucket refills). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Counts bytes fetched for throttled replicas. */
  record(bytes: number): void {
    this.refill();
    this.tokens -= bytes;
  }

  /** Milliseconds until throttled replicas may fetch again (0: now). */
  waitMs(): number {
    const rate = this.o.rateBytesPerSec();
    const tokens = this.available();
    if (tokens > 0 || rate >= UNLIMITED) return 0;
    return Math.ceil(((1 - tokens) * 1000) / rate);
  }

  private refill(): void {
    const rate = this.o.rateBytesPerSec();
    const now = this.o.monotonicMs();
    if (rate !== this.lastRate) {
      // A new rate (set or changed at run time) starts with one second's worth.
      this.lastRate = rate;
      this.tokens = Math.min(rate, UNLIMITED);
    } else {
      this.tokens = Math.min(rate, this.tokens + ((now - this.lastMs) * rate) / 1000);
    }
    this.lastMs = now;
  }
}

/** Whether `follower.replication.throttled.replicas` (or the leader one) names this replica. */
export function isThrottledReplica(
  value: string | undefined,
  partition: number,
  brokerId: number,
): boolean {
  if (value === undefined || value.trim() === '') return false;
  if (value.trim() === '*') return true;
  return value.split(',').some((pair) => {
    const [p, b] = pair.trim().split(':');
    return Number(p) === partition && Number(b) === brokerId;
  });
}
