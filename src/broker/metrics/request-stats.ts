// Kafka's kafka.network:type=RequestMetrics per API: RequestsPerSec (by version), ErrorsPerSec
// (by error code name, NONE included) and the time histograms. The request pipeline's metrics
// stage records here with array lookups and additions only; the endpoint reads it at scrape.
//
// Times measured (see request-pipeline.ts): TotalTimeMs (from the frame read whole until its
// response was sent), RequestQueueTimeMs, LocalTimeMs (the stages, decoding, the handler and
// encoding), RemoteTimeMs (waiting in a purgatory: acks=all, fetch min.bytes),
// ResponseQueueTimeMs, ResponseSendTimeMs and ThrottleTimeMs (the quota stage's answer).
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
  requestQueueTimeMs: HistogramCounts;
  localTimeMs: HistogramCounts;
  remoteTimeMs: HistogramCounts;
  responseQueueTimeMs: HistogramCounts;
  responseSendTimeMs: HistogramCounts;
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
    s.requestQueueTimeMs.observe(timings.queueMs ?? 0);
    // Kafka's LocalTimeMs covers all the broker does itself: here the stages and the handler.
    const localMs =
      timings.authenticateMs + timings.authorizeMs + timings.quotaMs + timings.handlerMs;
    s.localTimeMs.observe(localMs);
    s.remoteTimeMs.observe(timings.remoteMs ?? 0);
    s.responseQueueTimeMs.observe(timings.responseQueueMs ?? 0);
    s.responseSendTimeMs.observe(timings.sendMs ?? 0);
    s.throttleTimeMs.observe(timings.throttleTimeMs ?? 0);
  }

  private create(apiKey: number): ApiStats {
    const s: ApiStats = {
      request: apiByKey(apiKey)?.name ?? String(apiKey),
      versions: new Map(),
      errors: new Map(),
      totalTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      requestQueueTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      localTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      remoteTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      responseQueueTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
      responseSendTimeMs: new HistogramCounts(REQUEST_TIME_BUCKETS_MS),
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
