// The quota stage: a QuotaManager decides how long a request's principal and client id are
// throttled. As in Kafka since KIP-219, the broker answers at once with that time in the
// response's throttle_time_ms, then reads nothing more from the connection for that long, so a
// client that ignores the field is held back all the same. Without configured quotas nothing
// is throttled, as in Kafka.
import type { Session } from './session.js';

/** What a quota manager learns about one request. */
export interface QuotaRequest {
  apiKey: number;
  apiVersion: number;
  /** The request header's client id (null if none). */
  clientId: string | null;
  /** Bytes of the request frame (header and body). */
  sizeBytes: number;
}

export interface QuotaManager {
  /** Milliseconds to throttle this request by (0: none); the manager records the request. */
  throttleTimeMs(session: Session, request: QuotaRequest): number;
  /** Whether any quota is set now; when false the pipeline skips the after-handler charge. */
  isActive?(): boolean;
  /**
   * After the handler: milliseconds to throttle by for what the response cost (Fetch bytes,
   * handler time), recorded by the manager. Called only while `isActive()`.
   */
  responseThrottleTimeMs?(
    session: Session,
    request: QuotaRequest,
    response: { sizeBytes: number; handlerMs: number },
  ): number;
  /**
   * KIP-599: the controller mutation quota of this request's user and client id, for
   * CreateTopics, CreatePartitions and DeleteTopics (null: no controller_mutation_rate applies).
   * `strict` requests are refused mutations once the quota is exceeded; the others are only
   * throttled.
   */
  controllerMutationQuota?(
    session: Session,
    request: { clientId: string | null; strict: boolean },
  ): MutationQuota | null;
}

/** The controller mutation quota of one request: partitions created or deleted are charged. */
export interface MutationQuota {
  /**
   * Whether a mutation of `partitions` partitions may go ahead; it is charged when it may. A
   * strict quota refuses every mutation once one was refused.
   */
  admit(partitions: number): boolean;
  /** Milliseconds to throttle the request by for its mutations (0: none). */
  throttleTimeMs(): number;
}

/** Throttles nothing. */
export const noQuotas: QuotaManager = {
  throttleTimeMs: () => 0,
};
