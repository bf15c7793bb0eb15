// Maps API keys to handlers and turns request frames into handler calls. One handler per API
// key lives in its own file named in key order (`18-api-versions.ts`) and is listed in
// `./index.ts`. The registry checks the API key and version, then runs the request through
// the broker's request pipeline (server/request-pipeline.ts: authenticate, authorize, quota,
// the handler, metrics); the handler stage it gives the pipeline decodes the body with the
// generated codecs, runs the handler and encodes its response at the request's version with
// the matching response header. It also answers which versions each API supports
// (ApiVersions).
import {
  API_VERSIONS_API_KEY,
  Writer,
  apiByKey,
  encodeApiVersionsFallback,
  writeResponseHeader,
  type ApiSpec,
} from '../../protocol/index.js';
import {
  RequestPipeline,
  type ApiRequestContext,
  type ApiStage,
  type RequestContext,
  type RequestHandler,
  type ResponseParts,
} from '../server/index.js';

/** Everything a handler learns about one request besides its body (see ApiRequestContext). */
export type ApiContext = ApiRequestContext;

export interface ApiHandler {
  apiKey: number;
  /** Kafka's name of the API, e.g. `ApiVersions`. */
  name: string;
  /** The advertised range. */
  minVersion: number;
  maxVersion: number;
  /**
   * Versions from minVersion up to (not including) this one are advertised but close the
   * connection when used, as Kafka does for Produce v0-2. Default: minVersion.
   */
  minServedVersion?: number;
  /**
   * Answers a decoded request with the response body to encode at the request's version, or
   * null to send nothing (Produce with acks=0). Expected failures are error codes in the
   * response; a rejection closes the connection.
   */
  handle(request: unknown, ctx: ApiContext): Promise<unknown>;
  /** Takes the raw frame instead of `handle` (the request is not decoded). For tests. */
  handleFrame?: RequestHandler;
  /**
   * The handler keeps no part of its request (no byte view) once its promise settles, so the
   * server may put the frame in recycled memory (see RequestHandler). Default false.
   */
  recyclesFrame?: boolean;
}

/**
 * A handler's response body, with optional work for once its bytes are written: a Fetch
 * response hands its read buffers back there. The encoder reads only the body's fields.
 */
export type HandlerResult<Res> = Res & { afterWrite?: () => void };

/** A handler with typed request and response, for `defineHandler`. */
export interface TypedApiHandler<Req, Res> extends Omit<ApiHandler, 'handle'> {
  handle(request: Req, ctx: ApiContext): Promise<HandlerResult<Res> | null>;
}

/** Declares a handler with its request and response types (the registry casts at the edge). */
export function defineHandler<Req, Res>(handler: TypedApiHandler<Req, Res>): ApiHandler {
  return handler as ApiHandler;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export { ANONYMOUS_PRINCIPAL } from '../server/index.js';

export class HandlerRegistry {
  private readonly byKey = new Map<number, ApiHandler>();
  /** The handler stage of each API, made once at registration. */
  private readonly stages = new Map<number, ApiStage>();

  /**
   * The server's request handler. Like Kafka, a request for an unknown API or an unsupported
   * version closes the connection, and so does a body that does not decode. ApiVersions is the
   * exception: at a version it does not know, the broker answers UNSUPPORTED_VERSION with its
   * own ApiVersions range in a v0 body, so clients can negotiate down.
   */
  readonly dispatch: RequestHandler;

  constructor(readonly pipeline: RequestPipeline = new RequestPipeline()) {
    this.dispatch = Object.assign((ctx: RequestContext, frame: Buffer) => this.handle(ctx, frame), {
      recyclesFrame: (apiKey: number) => this.byKey.get(apiKey)?.recyclesFrame === true,
      measuresTime: pipeline.measuresTime,
    });
  }

  register(handler: ApiHandler): void {
    if (this.byKey.has(handler.apiKey)) {
      throw new Error(`a handler for api key ${handler.apiKey} is already registered`);
    }
    const spec = apiByKey(handler.apiKey);
    if (handler.handleFrame === undefined && spec?.decodeRequest === undefined) {
      throw new Error(`api key ${handler.apiKey} has no generated codecs`);
    }
    this.byKey.set(handler.apiKey, handler);
    if (spec?.decodeRequest !== undefined)
      this.stages.set(handler.apiKey, handlerStage(handler, spec));
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.byKey.get(apiKey);
  }

  /** Supported API keys and versions, in key order. */
  versions(): ApiVersionRange[] {
    return [...this.byKey.values()]
      .sort((a, b) => a.apiKey - b.apiKey)
      .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }));
  }

  private handle(ctx: RequestContext, frame: Buffer): Promise<ResponseParts | null> {
    const handler = this.byKey.get(ctx.apiKey);
    if (handler === undefined) {
      return Promise.reject(new Error(`unsupported api key ${ctx.apiKey}`));
    }
    const version = ctx.apiVersion;
    if (version < handler.minVersion || version > handler.maxVersion) {
      if (ctx.apiKey === API_VERSIONS_API_KEY) {
        // The fallback is a whole frame; the server adds the size prefix itself.
        return Promise.resolve([encodeApiVersionsFallback(ctx.correlationId).subarray(4)]);
      }
      return Promise.reject(new Error(unsupported(handler, version)));
    }
    if (version < (handler.minServedVersion ?? handler.minVersion)) {
      return Promise.reject(new Error(unsupported(handler, version)));
    }
    if (handler.handleFrame !== undefined) return handler.handleFrame(ctx, frame);
    return this.pipeline.run(ctx, frame, this.stages.get(ctx.apiKey)!);
  }
}

/** Decode, handle, encode: the handler stage of the request pipeline for one API. */
function handlerStage(handler: ApiHandler, spec: ApiSpec): ApiStage {
  return {
    decode: spec.decodeRequest!,
    handle: handler.handle as ApiStage['handle'],
    encode: (ctx: RequestContext, response: object) => {
      const w = new Writer();
      writeResponseHeader(w, ctx);
      spec.encodeResponse!(w, ctx.apiVersion, response);
      const parts: ResponseParts = w.toBuffers();
      // The handler's release of what the response points into (read buffers), run once the
      // bytes are written.
      const { afterWrite } = response as HandlerResult<object>;
      if (afterWrite !== undefined) parts.afterWrite = afterWrite;
      return parts;
    },
  };
}

function unsupported(handler: ApiHandler, version: number): string {
  const range = `${handler.minServedVersion ?? handler.minVersion}-${handler.maxVersion}`;
  return `${handler.name} v${version} is not supported (supported: ${range})`;
}
