// Maps API keys to handlers. One handler per API key lives in its own file named in key order
// (`18-api-versions.ts`) and is listed in `./index.ts`. The registry also answers which
// versions each API supports, which is what ApiVersions reports.
import type { RequestContext, RequestHandler } from '../server/index.js';

export interface ApiHandler {
  apiKey: number;
  /** Kafka's name of the API, e.g. `ApiVersions`. */
  name: string;
  minVersion: number;
  maxVersion: number;
  handle: RequestHandler;
}

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export class HandlerRegistry {
  private readonly byKey = new Map<number, ApiHandler>();

  register(handler: ApiHandler): void {
    if (this.byKey.has(handler.apiKey)) {
      throw new Error(`a handler for api key ${handler.apiKey} is already registered`);
    }
    this.byKey.set(handler.apiKey, handler);
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

  /**
   * The server's request handler. Like Kafka, a request for an unknown API or an unsupported
   * version closes the connection (ApiVersions is the exception: its handler accepts every
   * version and answers UNSUPPORTED_VERSION itself, so clients can negotiate).
   */
  readonly dispatch: RequestHandler = (ctx: RequestContext, frame: Buffer) => {
    const handler = this.byKey.get(ctx.apiKey);
    if (handler === undefined) {
      return Promise.reject(new Error(`unsupported api key ${ctx.apiKey}`));
    }
    if (ctx.apiVersion < handler.minVersion || ctx.apiVersion > handler.maxVersion) {
      const range = `${handler.minVersion}-${handler.maxVersion}`;
      const why = `${handler.name} v${ctx.apiVersion} is not supported (supported: ${range})`;
      return Promise.reject(new Error(why));
    }
    return handler.handle(ctx, frame);
  };
}
