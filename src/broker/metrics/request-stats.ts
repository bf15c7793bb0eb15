// Kafka's kafka.network:type=RequestMetrics per API: RequestsPerSec (by version), ErrorsPerSec
// (by error code name, NONE included) and the time histograms. The request pipeline's metrics
// stage records here with array lookups and additions only; the endpoint reads it at scrape.
//
// Times measured: TotalTimeMs (the whole pipeline: from the request's header until its
// response was encoded), LocalTimeMs (decoding, the handler and encoding; on one node this
// includes waiting for acks=all and fetch min.bytes, which Kafka counts as RemoteTimeMs) and
// ThrottleTimeMs (the quota stage's answer). Queue and send times are not measured yet.
import { apiByKey, errorByCode } from '../../protocol/index.js';
import type { RequestMetrics, StageTimings } from '../server/index.js';
import { HistogramCounts } from './snapshot-metric.js';

/** Milliseconds, from sub-millisecond answers to the 30 s request timeout. */
export const REQUEST_TIME_BUCKETS_MS: readonly number[] = [
  0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000,
];

export interface ApiStats {
  /** Kafka's API name: Produce, Fetch, ... */
  request: string;
  /** Requests per API version. */
  versions: Map<number, number>;
  /** Occurrences of each error code in responses. */
  errors: Map<number, number>;
  totalTimeMs: HistogramCounts;
  localTimeMs: HistogramCounts;
  throttleTimeMs: HistogramCounts;
}

export class RequestStats implements RequestMetrics {
  private readonly byKey: (ApiStats | undefined)[] = [];

  record(
    apiKey: number,
    apiVersion: number,
    errorCodes: readonly number[],
    timings: StageTimings,
  ): void {
    const s = this.byKey[apiKey] ?? this.create(apiKey);
    s.versions.set(apiVersion, (s.versions.get(apiVersion) ?? 0) + 1);
    for (let i = 0; i < errorCodes.length; i++) {
      const code = errorCodes[i]!;
      s.errors.set(code, (s.errors.get(code) ?? 0) + 1);
    }
    s.totalTimeMs.observe(timings.totalMs);
    s.localTimeMs.observe(timings.handlerMs);
    s.throttleTimeMs.observe(timings.throttleTimeMs ?? 0);
  }

  private create(apiKey: number): ApiStats {
    const s: ApiStats = {
      request: apiByKey(apiKey)?.name ?? String(apiKey),
      versions: new Map(),
      errors: new Map(),
      totalTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      localTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      throttleTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
    };
    this.byKey[apiKey] = s;
    return s;
  }

  /** Every API seen so far, in key order. */
  *apis(): Generator<ApiStats> {
    for (const s of this.byKey) if (s !== undefined) yield s;
  }
}

/** Kafka's name of an error code, as the `error` tag of ErrorsPerSec carries it. */
export function errorTag(code: number): string {
  return errorByCode(code).code === code ? errorByCode(code).name : String(code);
}
