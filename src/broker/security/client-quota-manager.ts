// Client quotas as Kafka's ClientQuotaManager enforces them. Each request is charged to the
// quota entity that Kafka's precedence picks for its principal's user and its client id (the
// first of these with the quota key set):
//   user + client-id, user + default client-id, user,
//   default user + client-id, default user + default client-id, default user,
//   client-id, default client-id.
// Each (quota key, matched entity) has a rate measured over `quota.window.num` samples of
// `quota.window.size.seconds` (Kafka's Rate with its minimum window of n-1 full samples). A
// request that takes the rate over the bound is throttled by
//   (rate - bound) / bound × window
// as KIP-219 computes it: the response carries that throttle_time_ms and the connection reads
// nothing for that long. producer_byte_rate counts Produce request bytes, consumer_byte_rate
// Fetch response bytes, request_percentage the handler time of every request as a
// percentage of one thread's time. controller_mutation_rate is a token bucket per entity
// (controller-mutation-quota.ts) charged by the CreateTopics, CreatePartitions and DeleteTopics
// handlers.
import {
  QUOTA_ENTITY_CLIENT_ID,
  QUOTA_ENTITY_USER,
  type ClientQuotaImage,
  type QuotaEntityPart,
} from '../../metadata/index.js';
import type { Clock } from '../../util/index.js';
import type { MutationQuota, QuotaManager, QuotaRequest, Session } from '../server/index.js';
import {
  PermissiveMutationQuota,
  StrictMutationQuota,
  TokenBucket,
} from './controller-mutation-quota.js';

export const PRODUCER_BYTE_RATE = 'producer_byte_rate';
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate';
export const REQUEST_PERCENTAGE = 'request_percentage';
export const CONTROLLER_MUTATION_RATE = 'controller_mutation_rate';
/** The quota keys of client quotas, with Kafka's names. */
export const CLIENT_QUOTA_KEYS: readonly string[] = [
  PRODUCER_BYTE_RATE,
  CONSUMER_BYTE_RATE,
  REQUEST_PERCENTAGE,
  CONTROLLER_MUTATION_RATE,
];

const PRODUCE_API_KEY = 0;
const FETCH_API_KEY = 1;
/** Rates kept at most; the oldest unused are dropped past this (a limit for everything). */
const MAX_SENSORS = 10_000;

export interface ClientQuotaManagerOptions {
  quotas: () => ClientQuotaImage;
  clock: Clock;
  /** quota.window.num */
  windowNum: number;
  /** quota.window.size.seconds, in ms */
  windowSizeMs: number;
  /** controller.quota.window.num (default: windowNum) */
  controllerWindowNum?: number;
  /** controller.quota.window.size.seconds, in ms (default: windowSizeMs) */
  controllerWindowSizeMs?: number;
}

export class ClientQuotaManager implements QuotaManager {
  private readonly rates = new Map<string, Rate>();
  /** controller_mutation_rate buckets by matched entity, with the bound they were made for. */
  private readonly buckets = new Map<string, { bound: number; bucket: TokenBucket }>();
  /** resolveQuota's answers by key, user and client id, for one version of the quotas. */
  private readonly resolved = new Map<string, { bound: number; sensor: string } | null>();
  private resolvedVersion = -1;

  constructor(private readonly options: ClientQuotaManagerOptions) {}

  isActive(): boolean {
    return this.options.quotas().size > 0;
  }

  throttleTimeMs(session: Session, request: QuotaRequest): number {
    if (this.options.quotas().size === 0) return 0;
    if (request.apiKey !== PRODUCE_API_KEY) return 0;
    return this.charge(session, request.clientId, {
      key: PRODUCER_BYTE_RATE,
      amount: request.sizeBytes,
    });
  }

  /** After the handler: Fetch response bytes and the handler's share of a thread. */
  responseThrottleTimeMs(
    session: Session,
    request: QuotaRequest,
    response: { sizeBytes: number; handlerMs: number },
  ): number {
    let throttle = 0;
    if (request.apiKey === FETCH_API_KEY) {
      const amount = response.sizeBytes;
      throttle = this.charge(session, request.clientId, { key: CONSUMER_BYTE_RATE, amount });
    }
    // request_percentage is in percent of one thread per second: ms of work per 10 ms.
    const amount = response.handlerMs / 10;
    const cpu = this.charge(session, request.clientId, { key: REQUEST_PERCENTAGE, amount });
    return Math.max(throttle, cpu);
  }

  /** KIP-599: the token bucket of the entity whose controller_mutation_rate applies. */
  controllerMutationQuota(
    session: Session,
    request: { clientId: string | null; strict: boolean },
  ): MutationQuota | null {
    if (this.options.quotas().size === 0) return null;
    const user = userName(session.principal);
    const quota = this.quotaFor(CONTROLLER_MUTATION_RATE, user, request.clientId ?? '');
    if (quota === null) return null;
    const clock = this.options.clock;
    let entry = this.buckets.get(quota.sensor);
    if (entry === undefined || entry.bound !== quota.bound) {
      if (this.buckets.size >= MAX_SENSORS) this.buckets.delete(this.buckets.keys().next().value!);
      const samples = this.options.controllerWindowNum ?? this.options.windowNum;
      const windowMs = this.options.controllerWindowSizeMs ?? this.options.windowSizeMs;
      const burst = (quota.bound * samples * windowMs) / 1000;
      const nowMs = clock.monotonicMs();
      entry = {
        bound: quota.bound,
        bucket: new TokenBucket({ ratePerSec: quota.bound, burst, nowMs }),
      };
      this.buckets.set(quota.sensor, entry);
    }
    const now = () => clock.monotonicMs();
    return request.strict
      ? new StrictMutationQuota(entry.bucket, now)
      : new PermissiveMutationQuota(entry.bucket, now);
  }

  /** resolveQuota, remembered until the quotas change (bounded like the rates). */
  private quotaFor(key: string, user: string, clientId: string) {
    const quotas = this.options.quotas();
    if (quotas.version !== this.resolvedVersion) {
      this.resolved.clear();
      this.resolvedVersion = quotas.version;
    }
    const id = `${key}\u0000${user}\u0000${clientId}`;
    let quota = this.resolved.get(id);
    if (quota === undefined) {
      quota = resolveQuota(quotas, { user, clientId }, key);
      if (this.resolved.size >= MAX_SENSORS) this.resolved.clear();
      this.resolved.set(id, quota);
    }
    return quota;
  }

  /** Records `amount` on the entity's rate; the throttle time when it is over its bound. */
  private charge(
    session: Session,
    clientId: string | null,
    usage: { key: string; amount: number },
  ): number {
    const quota = this.quotaFor(usage.key, userName(session.principal), clientId ?? '');
    if (quota === null) return 0;
    const id = `${usage.key}\u0000${quota.sensor}`;
    let rate = this.rates.get(id);
    if (rate === undefined) {
      if (this.rates.size >= MAX_SENSORS) this.rates.delete(this.rates.keys().next().value!);
      rate = new Rate(this.options.windowNum, this.options.windowSizeMs);
      this.rates.set(id, rate);
    }
    const now = this.options.clock.monotonicMs();
    rate.record(usage.amount, now);
    const { value, windowMs } = rate.measure(now);
    if (value <= quota.bound) return 0;
    return Math.round(((value - quota.bound) / quota.bound) * windowMs);
  }
}

/** The name of a `User:<name>` principal, as quota entities name users. */
function userName(principal: string): string {
  return principal.startsWith('User:') ? principal.slice(5) : principal;
}

/**
 * The bound for `key` that applies to this user and client id, by Kafka's precedence, and the
 * name of the rate it is measured by (one per matched entity and actual user / client id).
 */
export function resolveQuota(
  quotas: ClientQuotaImage,
  who: { user: string; clientId: string },
  key: string,
): { bound: number; sensor: string } | null {
  const { user, clientId } = who;
  const u = (name: string | null): QuotaEntityPart => ({
    entityType: QUOTA_ENTITY_USER,
    entityName: name,
  });
  const c = (name: string | null): QuotaEntityPart => ({
    entityType: QUOTA_ENTITY_CLIENT_ID,
    entityName: name,
  });
  const levels: [QuotaEntityPart[], string][] = [
    [[u(user), c(clientId)], `u=${user}\u0000c=${clientId}`],
    [[u(user), c(null)], `u=${user}\u0000c=${clientId}`],
    [[u(user)], `u=${user}`],
    [[u(null), c(clientId)], `u=${user}\u0000c=${clientId}`],
    [[u(null), c(null)], `u=${user}\u0000c=${clientId}`],
    [[u(null)], `u=${user}`],
    [[c(clientId)], `c=${clientId}`],
    [[c(null)], `c=${clientId}`],
  ];
  for (const [entity, sensor] of levels) {
    const bound = quotas.values(entity).get(key);
    if (bound !== undefined) return { bound, sensor };
  }
  return null;
}

/**
 * Kafka's SampledStat Rate: `samples` windows of `windowMs`; the rate is the total of the live
 * samples over the time they cover, never less than samples-1 full windows (so a first burst is
 * not measured over a few milliseconds).
 */
export class Rate {
  private readonly starts: number[];
  private readonly totals: number[];
  private current = 0;

  constructor(
    private readonly samples: number,
    private readonly windowMs: number,
  ) {
    this.starts = new Array<number>(samples).fill(-Infinity);
    this.totals = new Array<number>(samples).fill(0);
  }

  record(amount: number, nowMs: number): void {
    if (this.starts[this.current] === -Infinity) this.starts[this.current] = nowMs;
    else if (nowMs >= this.starts[this.current]! + this.windowMs) {
      this.current = (this.current + 1) % this.samples;
      this.starts[this.current] = nowMs;
      this.totals[this.current] = 0;
    }
    this.totals[this.current]! += amount;
  }

  /** The rate per second now, and the window (ms) it was measured over. */
  measure(nowMs: number): { value: number; windowMs: number } {
    const oldestAllowed = nowMs - this.samples * this.windowMs;
    let total = 0;
    let oldest = nowMs;
    for (let i = 0; i < this.samples; i++) {
      const start = this.starts[i]!;
      if (start === -Infinity || start < oldestAllowed) continue;
      total += this.totals[i]!;
      if (start < oldest) oldest = start;
    }
    let elapsedMs = nowMs - oldest;
    const minFull = (this.samples - 1) * this.windowMs;
    if (elapsedMs < minFull) elapsedMs = minFull + (elapsedMs % this.windowMs);
    elapsedMs = Math.max(elapsedMs, 1);
    return { value: (total * 1000) / elapsedMs, windowMs: elapsedMs };
  }
}
