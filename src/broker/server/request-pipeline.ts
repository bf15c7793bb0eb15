// The stages every request of the broker's APIs runs through, in order:
//   authenticate (authenticate.ts) → authorize (authorizer.ts) → quota (quota.ts) →
//   the handler (an ApiStage: decode, handle, encode) → metrics (request-metrics.ts).
// The pipeline reads the request header, keeps the session up to date (client id; client
// software from ApiVersions v3+, as Kafka's network layer does for KIP-511), and gives the
// handler a context made of the session and a small per-request part, never the socket.
// What each stage decides is in that context: the principal, the authorizer to ask per
// resource, the throttle time (also written into the response's throttle_time_ms).
//
// Times, as Kafka's RequestMetrics splits them: queue (the frame read whole until the pipeline
// starts), local (the stages and the handler, without its waits), remote (the handler waiting
// in a purgatory: acks=all for the ISR, a fetch for min.bytes; the handler says when with
// enterRemote/leaveRemote), response queue (the response ready until the connection starts
// writing it) and send (writing until the socket accepted the last byte). The last two happen
// after the pipeline: the connection reports them through RequestCompletion, and the metrics
// stage records the request then.
import { Reader, readRequestHeader } from '../../protocol/index.js';
import { authenticate } from './authenticate.js';
import { allowAllAuthorizer, type AuthorizableRequest, type Authorizer } from './authorizer.js';
import { noQuotas, type QuotaManager } from './quota.js';
import type { RequestCompletion, RequestContext, ResponseParts } from './request-handler.js';
import {
  collectErrorCodes,
  noRequestMetrics,
  type RequestMetrics,
  type StageTimings,
} from './request-metrics.js';
import type { Session } from './session.js';

/** Everything a handler learns about its request besides the body. */
export interface ApiRequestContext extends RequestContext, AuthorizableRequest {
  /** The request header's client id (null if the client sent none). */
  clientId: string | null;
  /** The session's principal when the request passed the authenticate stage. */
  principal: string;
  /** Ask it about each resource the request touches (see authorizer.ts). */
  authorizer: Authorizer;
  /**
   * The quota manager, for quotas a handler charges itself (KIP-599 controller mutations). A
   * handler that throttles raises `throttleTimeMs`; the connection is muted for it.
   */
  quotas: QuotaManager;
  /**
   * The handler starts waiting on others (a purgatory): Kafka's RemoteTimeMs runs until
   * leaveRemote. Calls while already waiting are ignored.
   */
  enterRemote(): void;
  /** The wait is over (ignored when not waiting). */
  leaveRemote(): void;
}

/** The context of one request; a class so every request's has one shape and no closures. */
class ApiCall implements ApiRequestContext {
  throttleTimeMs = 0;
  /** performance.now() when the current remote wait began; 0 when not waiting. */
  remoteStartedMs = 0;
  remoteMs = 0;

  constructor(
    readonly apiKey: number,
    readonly apiVersion: number,
    readonly correlationId: number,
    readonly session: Session,
    readonly clientId: string | null,
    readonly principal: string,
    readonly authorizer: Authorizer,
    readonly quotas: QuotaManager,
    /** False when nobody records times: the remote marks then cost a comparison. */
    private readonly measuring: boolean,
  ) {}

  enterRemote(): void {
    if (this.measuring && this.remoteStartedMs === 0) this.remoteStartedMs = performance.now();
  }

  leaveRemote(): void {
    if (this.remoteStartedMs === 0) return;
    this.remoteMs += performance.now() - this.remoteStartedMs;
    this.remoteStartedMs = 0;
  }
}

/**
 * The times of one measured request, kept until its response has gone out; then the metrics
 * stage records it.
 */
class RequestTiming implements StageTimings, RequestCompletion {
  queueMs = 0;
  authenticateMs = 0;
  authorizeMs = 0;
  quotaMs = 0;
  handlerMs = 0;
  remoteMs = 0;
  responseQueueMs = 0;
  sendMs = 0;
  totalMs = 0;
  throttleTimeMs = 0;

  constructor(
    private readonly metrics: RequestMetrics,
    private readonly ctx: RequestContext,
    private readonly errorCodes: readonly number[],
    /** Where the total starts: the frame's arrival, or the pipeline's start if unknown. */
    private readonly startMs: number,
  ) {}

  responseSent(readyAtMs: number, writeStartMs: number, sentAtMs: number): void {
    this.responseQueueMs = Math.max(0, writeStartMs - readyAtMs);
    this.sendMs = Math.max(0, sentAtMs - writeStartMs);
    this.totalMs = sentAtMs - this.startMs;
    this.throttleTimeMs = this.ctx.throttleTimeMs;
    this.metrics.record(this.ctx.apiKey, this.ctx.apiVersion, this.errorCodes, this);
  }
}

/** The handler stage of one API: its codecs and its handler. */
export interface ApiStage {
  decode(r: Reader, version: number): unknown;
  /** The response body, or null to send nothing. Rejects to close the connection. */
  handle(request: unknown, ctx: ApiRequestContext): Promise<object | null>;
  /** The response header and body as parts for a vectored write. */
  encode(ctx: RequestContext, response: object): ResponseParts;
}

export interface PipelineOptions {
  authorizer?: Authorizer;
  /**
   * Decides the session's principal before each request, as a custom `principal.builder.class`
   * does in Kafka (tests give principals to plaintext clients this way, by client id).
   */
  principalBuilder?: (session: Session) => string;
  quotas?: QuotaManager;
  metrics?: RequestMetrics;
  /** sasl.server.max.receive.size: the largest request before SASL authentication. */
  maxUnauthenticatedBytes?: number;
  /** The clock SASL session lifetimes are measured on. Default: Date.now. */
  nowMs?: () => number;
}

const API_VERSIONS_API_KEY = 18;
const NO_ERROR_CODES: readonly number[] = Object.freeze([]);

export class RequestPipeline {
  readonly authorizer: Authorizer;
  readonly quotas: QuotaManager;
  readonly metrics: RequestMetrics;
  private readonly maxUnauthenticatedBytes: number;
  private readonly nowMs: () => number;
  private readonly principalBuilder: ((session: Session) => string) | undefined;
  /** False with the default metrics, which record nothing: the stage then costs nothing. */
  readonly measuresTime: boolean;

  constructor(options: PipelineOptions = {}) {
    this.authorizer = options.authorizer ?? allowAllAuthorizer;
    this.quotas = options.quotas ?? noQuotas;
    this.metrics = options.metrics ?? noRequestMetrics;
    this.principalBuilder = options.principalBuilder;
    this.measuresTime = this.metrics !== noRequestMetrics;
    this.maxUnauthenticatedBytes = options.maxUnauthenticatedBytes ?? 524288;
    this.nowMs = options.nowMs ?? Date.now;
  }

  /** The time for the metrics stage; nothing is read from the clock when nobody records. */
  private now(): number {
    return this.measuresTime ? performance.now() : 0;
  }

  /** Runs `frame` (header and body) through every stage; rejects to close the connection. */
  async run(ctx: RequestContext, frame: Buffer, api: ApiStage): Promise<ResponseParts | null> {
    const session = ctx.session;
    const started = this.now();
    const r = new Reader(frame);
    const clientId = readRequestHeader(r).clientId;
    session.clientId = clientId;
    const refusal =
      session.saslState === 'none'
        ? null
        : authenticate(session, ctx.apiKey, {
            frameBytes: frame.length,
            maxUnauthenticatedBytes: this.maxUnauthenticatedBytes,
            nowMs: this.nowMs(),
          });
    if (refusal !== null) throw new Error(refusal);
    if (this.principalBuilder !== undefined) session.principal = this.principalBuilder(session);
    const authenticated = this.now();
    const apiCtx = new ApiCall(
      ctx.apiKey,
      ctx.apiVersion,
      ctx.correlationId,
      session,
      clientId,
      session.principal,
      this.authorizer,
      this.quotas,
      this.measuresTime,
    );
    const authorized = this.now();
    const throttleTimeMs = this.quotas.throttleTimeMs(session, {
      apiKey: ctx.apiKey,
      apiVersion: ctx.apiVersion,
      clientId,
      sizeBytes: frame.length,
    });
    ctx.throttleTimeMs = throttleTimeMs;
    apiCtx.throttleTimeMs = throttleTimeMs;
    const quotaDone = this.now();
    let request: unknown;
    let response: object | null;
    const charging = this.quotas.isActive?.() === true;
    const handlerStarted = charging ? performance.now() : 0;
    try {
      request = api.decode(r, ctx.apiVersion);
      response = await api.handle(request, apiCtx);
    } catch (err) {
      // The connection closes: there is no response to wait for.
      apiCtx.leaveRemote();
      if (this.measuresTime) {
        const stages = { started, authenticated, authorized, quotaDone };
        const failedMs = performance.now();
        this.timing(ctx, NO_ERROR_CODES, stages, apiCtx).responseSent(failedMs, failedMs, failedMs);
      }
      throw err;
    }
    apiCtx.leaveRemote();
    if (response === null) {
      if (this.measuresTime) {
        this.timing(ctx, NO_ERROR_CODES, { started, authenticated, authorized, quotaDone }, apiCtx);
      }
      return null;
    }
    // A handler that charged a quota of its own may have throttled for longer.
    if (apiCtx.throttleTimeMs > ctx.throttleTimeMs) ctx.throttleTimeMs = apiCtx.throttleTimeMs;
    if (ctx.throttleTimeMs > 0) response = withThrottle(response, ctx.throttleTimeMs);
    // The error codes are gathered for the metrics, and for ApiVersions (whose answer says
    // whether the client's software name and version were valid).
    const errorCodes: number[] = [];
    const apiVersions = ctx.apiKey === API_VERSIONS_API_KEY;
    if (this.measuresTime || apiVersions) collectErrorCodes(response, errorCodes);
    if (apiVersions) learnClientSoftware(session, request, errorCodes);
    let parts = api.encode(ctx, response);
    if (charging) parts = this.chargeResponse(ctx, { response, parts, frame, handlerStarted }, api);
    if (this.measuresTime) {
      this.timing(ctx, errorCodes, { started, authenticated, authorized, quotaDone }, apiCtx);
    }
    return parts;
  }

  /**
   * Charges the response's cost to the client's quotas (Fetch bytes, handler time); when that
   * throttles longer than the quota stage did, the response is encoded again with the longer
   * throttle_time_ms and the connection is muted for it.
   */
  private chargeResponse(
    ctx: RequestContext,
    done: { response: object; parts: ResponseParts; frame: Buffer; handlerStarted: number },
    api: ApiStage,
  ): ResponseParts {
    let sizeBytes = 0;
    for (const part of done.parts) sizeBytes += part.length;
    const throttleTimeMs = this.quotas.responseThrottleTimeMs!(
      ctx.session,
      {
        apiKey: ctx.apiKey,
        apiVersion: ctx.apiVersion,
        clientId: ctx.session.clientId,
        sizeBytes: done.frame.length,
      },
      { sizeBytes, handlerMs: performance.now() - done.handlerStarted },
    );
    if (throttleTimeMs <= ctx.throttleTimeMs) return done.parts;
    ctx.throttleTimeMs = throttleTimeMs;
    return api.encode(ctx, withThrottle(done.response, throttleTimeMs));
  }

  /**
   * The metrics stage (only when measuring): the request's times so far, handed to the
   * connection (ctx.completion), which completes them once the response is out and records them.
   */
  private timing(
    ctx: RequestContext,
    errorCodes: readonly number[],
    stages: { started: number; authenticated: number; authorized: number; quotaDone: number },
    call: ApiCall,
  ): RequestTiming {
    const end = performance.now();
    const received = ctx.receivedAtMs ?? 0;
    const t = new RequestTiming(
      this.metrics,
      ctx,
      errorCodes,
      received > 0 ? received : stages.started,
    );
    t.queueMs = received > 0 ? Math.max(0, stages.started - received) : 0;
    t.authenticateMs = stages.authenticated - stages.started;
    t.authorizeMs = stages.authorized - stages.authenticated;
    t.quotaMs = stages.quotaDone - stages.authorized;
    t.remoteMs = call.remoteMs;
    t.handlerMs = Math.max(0, end - stages.quotaDone - call.remoteMs);
    ctx.completion = t;
    return t;
  }
}

/**
 * `response` with throttle_time_ms at least `throttleTimeMs`, where the response has the field
 * (the encoder leaves it out at versions without it).
 */
function withThrottle(response: object, throttleTimeMs: number): object {
  const current = (response as { throttleTimeMs?: unknown }).throttleTimeMs;
  if (typeof current !== 'number' || current >= throttleTimeMs) return response;
  if (Object.isFrozen(response)) return { ...response, throttleTimeMs };
  (response as { throttleTimeMs: number }).throttleTimeMs = throttleTimeMs;
  return response;
}

/** A valid ApiVersions v3+ request names the client's software (KIP-511). */
function learnClientSoftware(session: Session, request: unknown, errorCodes: number[]): void {
  const { clientSoftwareName, clientSoftwareVersion } = request as {
    clientSoftwareName?: string;
    clientSoftwareVersion?: string;
  };
  // Below v3 the decoder leaves these empty; a malformed pair is answered INVALID_REQUEST.
  if (errorCodes[0] !== 0 || !clientSoftwareName || !clientSoftwareVersion) return;
  session.clientSoftwareName = clientSoftwareName;
  session.clientSoftwareVersion = clientSoftwareVersion;
}
