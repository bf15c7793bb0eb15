// The metrics stage, last of every request (recorded once its response is sent): per API, the
// number of requests, the error codes of their responses and the time spent in each stage (Kafka's kafka.network:type=RequestMetrics
// Requests, ErrorsPerSec and *TimeMs). The pipeline records into a RequestMetrics given by the
// broker, so the broker's metrics registry can take the figures; InMemoryRequestMetrics keeps
// them in memory, readable by tests and by whoever reports them.

/** Milliseconds one request spent in each stage. */
export interface StageTimings {
  /** From the frame read whole until the pipeline started (RequestQueueTimeMs). */
  queueMs?: number;
  authenticateMs: number;
  authorizeMs: number;
  quotaMs: number;
  /** Decoding, the handler and encoding, without its remote waits (LocalTimeMs). */
  handlerMs: number;
  /** The handler waiting in a purgatory: acks=all, fetch min.bytes (RemoteTimeMs). */
  remoteMs?: number;
  /** From the response ready until the connection started writing it (ResponseQueueTimeMs). */
  responseQueueMs?: number;
  /** From the start of the write until the socket accepted it (ResponseSendTimeMs). */
  sendMs?: number;
  /**
   * From the frame read whole (the pipeline's start when unknown) until the response was
   * sent (TotalTimeMs).
   */
  totalMs: number;
  /** The throttle time the quota stage gave the request (0: none). */
  throttleTimeMs?: number;
}

export interface RequestMetrics {
  /**
   * One request of `apiKey`/`apiVersion` finished. `errorCodes` has one entry per error code
   * field of its response, NONE included (as Kafka's errorCounts); empty when it had none (no
   * response, or a request that closed the connection).
   */
  record(
    apiKey: number,
    apiVersion: number,
    errorCodes: readonly number[],
    timings: StageTimings,
  ): void;
}

/** The figures of one API. */
export interface ApiRequestFigures {
  requests: number;
  /** Occurrences of each error code in responses, NONE (0) included. */
  errors: Map<number, number>;
  /** Requests per version. */
  versions: Map<number, number>;
  /** Sums over every request, in milliseconds. */
  timeMs: StageTimings;
}

/** Records nothing. */
export const noRequestMetrics: RequestMetrics = { record: () => {} };

export class InMemoryRequestMetrics implements RequestMetrics {
  private readonly byApi = new Map<number, ApiRequestFigures>();

  record(
    apiKey: number,
    apiVersion: number,
    errorCodes: readonly number[],
    timings: StageTimings,
  ): void {
    let figures = this.byApi.get(apiKey);
    if (figures === undefined) {
      figures = {
        requests: 0,
        errors: new Map(),
        versions: new Map(),
        timeMs: {
          queueMs: 0,
          authenticateMs: 0,
          authorizeMs: 0,
          quotaMs: 0,
          handlerMs: 0,
          remoteMs: 0,
          responseQueueMs: 0,
          sendMs: 0,
          totalMs: 0,
        },
      };
      this.byApi.set(apiKey, figures);
    }
    figures.requests++;
    figures.versions.set(apiVersion, (figures.versions.get(apiVersion) ?? 0) + 1);
    for (const code of errorCodes) figures.errors.set(code, (figures.errors.get(code) ?? 0) + 1);
    const sum = figures.timeMs;
    sum.queueMs! += timings.queueMs ?? 0;
    sum.remoteMs! += timings.remoteMs ?? 0;
    sum.responseQueueMs! += timings.responseQueueMs ?? 0;
    sum.sendMs! += timings.sendMs ?? 0;
    sum.authenticateMs += timings.authenticateMs;
    sum.authorizeMs += timings.authorizeMs;
    sum.quotaMs += timings.quotaMs;
    sum.handlerMs += timings.handlerMs;
    sum.totalMs += timings.totalMs;
  }

  /** The figures of `apiKey`, or undefined before its first request. */
  api(apiKey: number): Readonly<ApiRequestFigures> | undefined {
    return this.byApi.get(apiKey);
  }

  /** API keys seen so far, in key order. */
  apiKeys(): number[] {
    return [...this.byApi.keys()].sort((a, b) => a - b);
  }
}

/**
 * Every `errorCode` of `response` into `out`: the top-level one and those of the objects in its
 * arrays, at any depth (topics, partitions, …), as Kafka's errorCounts gathers them.
 */
export function collectErrorCodes(response: object, out: number[]): void {
  const code = (response as { errorCode?: unknown }).errorCode;
  if (typeof code === 'number') out.push(code);
  for (const key in response) {
    const value = (response as Record<string, unknown>)[key];
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (typeof item === 'object' && item !== null && !ArrayBuffer.isView(item)) {
        collectErrorCodes(item as object, out);
      }
    }
  }
}
