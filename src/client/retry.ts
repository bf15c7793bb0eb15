// Retrying an operation while it fails with retriable errors: exponential backoff with jitter
// between retry.backoff.ms and retry.backoff.max.ms (KIP-580), bounded by a deadline (Kafka's
// default.api.timeout.ms / delivery.timeout.ms) and a retry count.
import { isRetriable } from './errors.js';

export interface RetryOptions {
  /** retries: attempts after the first. */
  retries?: number;
  /** retry.backoff.ms */
  retryBackoffMs?: number;
  /** retry.backoff.max.ms */
  retryBackoffMaxMs?: number;
  /** Give up once this much time has passed since the first attempt. */
  timeoutMs?: number;
  /** Called before each retry, e.g. to refresh metadata. */
  onRetry?(error: unknown, attempt: number): void | Promise<void>;
  random?: () => number;
  now?: () => number;
}

/** The delay before retry number `attempt` (1-based), with ±20% jitter like Kafka's. */
export function backoffMs(attempt: number, options: RetryOptions = {}): number {
  const base = options.retryBackoffMs ?? 100;
  const max = options.retryBackoffMaxMs ?? 1000;
  const exp = Math.min(max, base * 2 ** (attempt - 1));
  const jitter = 0.8 + 0.4 * (options.random ?? Math.random)();
  return Math.round(exp * jitter);
}

export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  const retries = options.retries ?? Number.MAX_SAFE_INTEGER;
  const timeoutMs = options.timeoutMs ?? 60_000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      const delayMs = backoffMs(attempt + 1, options);
      const outOfTime = now() - started + delayMs > timeoutMs;
      if (!isRetriable(err) || attempt >= retries || outOfTime) throw err;
      await options.onRetry?.(err, attempt + 1);
      await sleep(delayMs);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
