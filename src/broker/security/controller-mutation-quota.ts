// Controller mutation quotas (KIP-599): `controller_mutation_rate` bounds the partitions a user
// and client id may create or delete per second, through CreateTopics, CreatePartitions and
// DeleteTopics. Kafka measures it with a token bucket rather than a sampled rate, so that a
// burst is allowed and the wait after it is the time to earn back what it overspent:
//   - the bucket holds at most quota × controller.quota.window.num ×
//     controller.quota.window.size.seconds tokens and starts full;
//   - it refills at `quota` tokens per second;
//   - a mutation of N partitions is admitted while the bucket is not negative, and takes N
//     tokens, so one large mutation may drive it below zero;
//   - the throttle time is then -tokens / quota seconds.
// Requests at versions since KIP-599 (CreateTopics v6, CreatePartitions v3, DeleteTopics v5)
// are strict: once the bucket is negative, each further topic gets THROTTLING_QUOTA_EXCEEDED.
// Older versions are permissive: everything is admitted and charged, and the response is
// throttled (throttle_time_ms and a muted connection) by what it overspent.
import type { MutationQuota } from '../server/index.js';

/** Kafka's TokenBucket stat. Times are milliseconds on a monotonic clock. */
export class TokenBucket {
  private tokens: number;
  private lastUpdateMs: number;

  constructor(private readonly options: { ratePerSec: number; burst: number; nowMs: number }) {
    this.tokens = options.burst;
    this.lastUpdateMs = options.nowMs;
  }

  /** The tokens in the bucket now (negative after an overspending burst). */
  measure(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens;
  }

  record(amount: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens = Math.min(this.options.burst, this.tokens - amount);
  }

  /** Milliseconds until the bucket is no longer negative. */
  throttleTimeMs(nowMs: number): number {
    const tokens = this.measure(nowMs);
    return tokens >= 0 ? 0 : Math.round((-tokens / this.options.ratePerSec) * 1000);
  }

  private refill(nowMs: number): void {
    const elapsedSec = Math.max(0, nowMs - this.lastUpdateMs) / 1000;
    this.tokens = Math.min(this.options.burst, this.tokens + this.options.ratePerSec * elapsedSec);
    this.lastUpdateMs = nowMs;
  }
}

/** Kafka's StrictControllerMutationQuota: refuses mutations once the bucket is negative. */
export class StrictMutationQuota implements MutationQuota {
  private throttleMs = 0;

  constructor(
    private readonly bucket: TokenBucket,
    private readonly nowMs: () => number,
  ) {}

  admit(partitions: number): boolean {
    if (this.throttleMs > 0) return false;
    const now = this.nowMs();
    const throttle = this.bucket.throttleTimeMs(now);
    if (throttle > 0) {
      this.throttleMs = throttle;
      return false;
    }
    this.bucket.record(partitions, now);
    return true;
  }

  throttleTimeMs(): number {
    return this.throttleMs;
  }
}

/** Kafka's PermissiveControllerMutationQuota: admits everything, throttles what overspent. */
export class PermissiveMutationQuota implements MutationQuota {
  private throttleMs = 0;

  constructor(
    private readonly bucket: TokenBucket,
    private readonly nowMs: () => number,
  ) {}

  admit(partitions: number): boolean {
    const now = this.nowMs();
    this.bucket.record(partitions, now);
    this.throttleMs = Math.max(this.throttleMs, this.bucket.throttleTimeMs(now));
    return true;
  }

  throttleTimeMs(): number {
    return this.throttleMs;
  }
}
