// The HTTP layer that the metrics endpoint, the web console, the REST proxy, the schema
// registry and Connect share, on fastify. It gives them one way to declare routes (a method, a
// path with `:params`, optional JSON schemas checked before the handler runs, and a handler
// that returns the answer), JSON errors in one shape (`{"error_code", "message"}`, see
// http-error.ts), the JSON media types each service speaks (Confluent's
// `application/vnd.schemaregistry.v1+json`, ...), a bound on request bodies, and a graceful
// close that lets requests under way finish. Handlers never see fastify's objects, so a
// service depends on this file's types only.
import { isAscii } from 'node:buffer';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { HttpError } from './http-error.js';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: string;
  /** The path and query as sent. */
  url: string;
  params: Record<string, string>;
  query: Record<string, string | string[] | undefined>;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string;
}

/** An answer other than `200` with a JSON body: another status, headers, text or bytes. */
export class HttpResponse {
  constructor(
    readonly statusCode: number,
    readonly body: unknown = undefined,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

export interface HttpRoute {
  method: HttpMethod | readonly HttpMethod[];
  /** A fastify path: `/subjects/:subject/versions/:version`. */
  url: string;
  /** JSON schemas checked before the handler runs; a mismatch is a 422. */
  schema?: { body?: object; params?: object; querystring?: object; headers?: object };
  /**
   * Returns the answer: a value is sent as JSON with status 200, an {@link HttpResponse} as
   * it says, and a thrown {@link HttpError} as its JSON error.
   */
  handler(request: HttpRequest): unknown;
}

export interface HttpServerOptions {
  /** Media types whose bodies are parsed as JSON, besides `application/json`. */
  jsonContentTypes?: readonly string[];
  /**
   * Parse HTML form posts (`application/x-www-form-urlencoded`) into an object of strings (an
   * array where a name repeats), for services that serve plain HTML forms (the console).
   */
  parseForms?: boolean;
  /** The Content-Type of JSON answers; `application/json` unless a service speaks another. */
  responseContentType?: string;
  /**
   * Parses JSON bodies in place of JSON.parse, for a service that accepts more than one JSON
   * value per body (the REST proxy's streamed produce); it throws a SyntaxError on bad JSON.
   */
  parseJson?(text: string): unknown;
  /**
   * Says which `application/json` requests get their body unread, as a Readable stream in
   * `body`, for a handler that answers while the body still arrives (the REST proxy's
   * streamed produce over a chunked request).
   */
  streamBody?(request: {
    method: string;
    url: string;
    headers: Record<string, string | string[] | undefined>;
  }): boolean;
  /**
   * Reads and parses a body sent with GET (unread by default), for a service whose API takes
   * one there (Confluent REST Proxy's `GET .../offsets` with `{"partitions": [...]}`).
   */
  bodyOnGet?: boolean;
  /**
   * Serves HTTPS with these node:tls options (PEM `key` and `cert`, or a PKCS12 `pfx`, with
   * `passphrase`); plain HTTP without them.
   */
  tls?: {
    key?: Buffer;
    cert?: Buffer;
    pfx?: Buffer;
    passphrase?: string;
    ca?: Buffer;
    requestCert?: boolean;
    rejectUnauthorized?: boolean;
  };
  /** The largest request body accepted (413 beyond it). */
  bodyLimitBytes?: number;
  /** How long close() waits for requests under way before cutting their connections. */
  closeTimeoutMs?: number;
  /**
   * Turns an error that is not an {@link HttpError} (malformed JSON, a schema mismatch, a
   * service's own error) into the service's error, or returns undefined for the default.
   */
  translateError?(
    error: Error & { statusCode?: number; validation?: unknown },
  ): HttpError | undefined;
  /** Told of every failure answered with a 5xx status, for the service's log. */
  onServerError?(error: Error, request: { method: string; url: string }): void;
}

const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024 * 1024;
const DEFAULT_CLOSE_TIMEOUT_MS = 5_000;

export class HttpServer {
  private readonly app: FastifyInstance;
  private readonly options: HttpServerOptions;
  private listening: { host: string; port: number } | null = null;

  constructor(options: HttpServerOptions = {}) {
    this.options = options;
    this.app = Fastify({
      logger: false,
      ...(options.tls === undefined ? {} : { https: options.tls }),
      bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
      // Idle keep-alive connections go at once on close; busy ones finish their request.
      forceCloseConnections: 'idle',
      return503OnClosing: true,
      // Schema mismatches reach the error handler with every problem listed. Nothing is
      // coerced: a number where a string is due is refused, and path and query values arrive
      // as the strings they are (their schemas say `string`).
      ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false } },
    });
    if (options.bodyOnGet === true) {
      this.app.addHttpMethod('GET', { hasBody: true, overrideExisting: true });
    }
    const parseJson = options.parseJson;
    const fastifyJson = this.app.getDefaultJsonParser('error', 'ignore');
    const jsonParser =
      parseJson === undefined
        ? (
            request: Parameters<typeof fastifyJson>[0],
            text: string | Buffer,
            done: (e: Error | null, v?: unknown) => void,
          ) =>
            // An empty body is no body (clients send DELETEs with a JSON Content-Type and
            // nothing after it); anything else goes to fastify's parser, which guards
            // against prototype poisoning.
            text.length === 0 ? done(null, undefined) : fastifyJson(request, text as string, done)
        : (
            _request: unknown,
            text: string | Buffer,
            done: (e: Error | null, v?: unknown) => void,
          ) => parseJsonBody(parseJson, text, done);
    const streamBody = options.streamBody;
    const limitBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
    if (streamBody !== undefined) {
      this.app.removeContentTypeParser('application/json');
      this.app.addContentTypeParser('application/json', (request, payload, done) => {
        if (streamBody(request)) {
          done(null, payload);
          return;
        }
        readBody(payload, limitBytes).then(
          (text) => jsonParser(request, text, done),
          (err: Error) => done(err),
        );
      });
    } else {
      this.app.removeContentTypeParser('application/json');
      this.app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonParser);
    }
    for (const type of options.jsonContentTypes ?? []) {
      this.app.addContentTypeParser(type, { parseAs: 'string' }, jsonParser);
    }
    if (options.parseForms === true) {
      this.app.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_request, body, done) => done(null, parseForm(body as string)),
      );
    }
    this.app.setNotFoundHandler((request, reply) => {
      this.sendError(
        reply,
        new HttpError(404, 404, `HTTP 404 Not Found: ${request.method} ${request.url}`),
      );
    });
    this.app.setErrorHandler((thrown, request, reply) => {
      const error = thrown instanceof Error ? thrown : new Error(String(thrown));
      const answer = this.toHttpError(error);
      if (answer.statusCode >= 500) this.options.onServerError?.(error, request);
      this.sendError(reply, answer);
    });
  }

  /** Declares a route; call before listen(). */
  route(route: HttpRoute): this {
    this.app.route({
      method: typeof route.method === 'string' ? route.method : [...route.method],
      url: route.url,
      ...(route.schema === undefined ? {} : { schema: route.schema }),
      handler: async (request, reply) => {
        const result: unknown = await route.handler({
          method: request.method,
          url: request.url,
          params: request.params as Record<string, string>,
          query: request.query as HttpRequest['query'],
          body: request.body,
          headers: request.headers,
          remoteAddress: request.ip,
        });
        return this.send(reply, result);
      },
    });
    return this;
  }

  /** Starts serving; `port: 0` takes a free port. Resolves to where it listens. */
  async listen(options: { host?: string; port?: number } = {}) {
    const host = options.host ?? '127.0.0.1';
    await this.app.listen({ host, port: options.port ?? 0 });
    const address = this.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    this.listening = { host, port };
    const scheme = this.options.tls === undefined ? 'http' : 'https';
    return { host, port, url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}` };
  }

  get address(): { host: string; port: number } | null {
    return this.listening;
  }

  /**
   * Stops accepting connections, lets requests under way finish for up to closeTimeoutMs,
   * then cuts whatever is left.
   */
  async close(): Promise<void> {
    const timer = setTimeout(
      () => this.app.server.closeAllConnections(),
      this.options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    );
    try {
      await this.app.close();
    } finally {
      clearTimeout(timer);
      this.listening = null;
    }
  }

  private send(reply: FastifyReply, result: unknown): unknown {
    if (!(result instanceof HttpResponse)) {
      reply.type(this.options.responseContentType ?? 'application/json');
      return result ?? null;
    }
    reply.code(result.statusCode).headers(result.headers);
    if (result.body === undefined) return reply.send();
    if (typeof result.body === 'string' || Buffer.isBuffer(result.body)) {
      if (result.headers['content-type'] === undefined) reply.type('text/plain; charset=utf-8');
      return reply.send(result.body);
    }
    if (result.headers['content-type'] === undefined)
      reply.type(this.options.responseContentType ?? 'application/json');
    return reply.send(result.body);
  }

  private toHttpError(error: FastifyError | Error): HttpError {
    if (error instanceof HttpError) return error;
    const translated = this.options.translateError?.(error);
    if (translated !== undefined) return translated;
    const e = error as FastifyError;
    if (e.validation !== undefined) return new HttpError(422, 422, e.message);
    const status = e.statusCode ?? 500;
    if (status >= 400 && status < 500) return new HttpError(status, status, e.message);
    return new HttpError(500, 500, `Internal Server Error: ${e.message}`);
  }

  private sendError(reply: FastifyReply, error: HttpError): void {
    void reply
      .code(error.statusCode)
      .headers(error.headers)
      .type(this.options.responseContentType ?? 'application/json')
      .send(error.toJSON());
  }
}

function parseJsonBody(
  parse: (text: string) => unknown,
  text: string | Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  const body = typeof text === 'string' ? text : text.toString('utf8');
  if (body.length === 0) {
    done(null, undefined);
    return;
  }
  try {
    done(null, parse(body));
  } catch (err) {
    // A 400 as fastify's own JSON parser answers malformed bodies.
    done(Object.assign(err as Error, { statusCode: 400 }));
  }
}

/** A request body as text, refused with a 413 beyond `limitBytes`. */
function readBody(payload: NodeJS.ReadableStream, limitBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limitBytes) {
        payload.removeListener('data', onData);
        // The rest is read and dropped, so the answer can be written on this connection.
        payload.resume();
        reject(Object.assign(new Error('Request body is too large'), { statusCode: 413 }));
        return;
      }
      chunks.push(chunk);
    };
    payload.on('data', onData);
    payload.on('error', reject);
    payload.on('end', () => {
      if (total > limitBytes) return;
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
      // ASCII text (JSON with base64 data mostly is) decodes as latin1, a plain copy, far
      // faster than UTF-8 decoding, and to the same string.
      resolve(isAscii(body) ? body.toString('latin1') : body.toString('utf8'));
    });
  });
}

/** A form body as an object: each name's value, or the list of its values where it repeats. */
function parseForm(body: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = out[name];
    out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}
