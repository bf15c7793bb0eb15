// The web console: server-rendered HTML pages over `rivulet/client`'s Admin, Producer and
// Consumer, on the shared HTTP layer, so it works against any Kafka cluster. Forms post
// ordinary urlencoded bodies and are answered with a redirect (post-redirect-get), so every
// action works without scripts; the only script refreshes the throughput chart.
import { Admin, KafkaError, type ClusterOptions } from '../client/index.js';
import { HttpError, HttpResponse, HttpServer, type HttpRequest } from '../http/index.js';
import { CONSOLE_CSS, THROUGHPUT_JS } from './assets.js';
import { BASIC_AUTH_REALM, BasicAuth } from './basic-auth.js';
import type { ConsoleContext, ConsoleRoute, FormBody, PageResult } from './console-context.js';
import { html } from './html.js';
import { page } from './layout.js';
import { aclRoutes } from './pages/acls.js';
import { groupRoutes } from './pages/groups.js';
import { messageRoutes } from './pages/messages.js';
import { overviewRoutes } from './pages/overview.js';
import { quotaRoutes } from './pages/quotas.js';
import { throughputRoutes } from './pages/throughput.js';
import { topicRoutes } from './pages/topics.js';
import { ThroughputSource } from './throughput-source.js';

export interface ConsoleOptions {
  /** bootstrap.servers of the cluster to show. */
  bootstrapServers: string;
  /** Client options beyond the bootstrap servers (security, timeouts). */
  client?: Omit<ClusterOptions, 'bootstrapServers'>;
  /** Where to listen; port 0 takes a free port. Default 127.0.0.1:8080. */
  host?: string;
  port?: number;
  /** A Prometheus endpoint of the broker(s) for the throughput chart. */
  metricsUrl?: string;
  /** How often the throughput source scrapes the metrics URL. Default 5000 ms. */
  metricsIntervalMs?: number;
  /**
   * Users (name → password) who may use the console, with HTTP Basic authentication; every
   * page and asset asks for a login. Unset: no login (keep the console on 127.0.0.1).
   */
  basicAuthUsers?: ReadonlyMap<string, string>;
}

export interface RunningConsole {
  /** `http://host:port` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the console; it connects to the cluster before it listens. */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const clientOptions: ClusterOptions = {
    ...(options.client ?? {}),
    bootstrapServers: options.bootstrapServers,
  };
  const admin = new Admin({ ...clientOptions, defaultApiTimeoutMs: 15_000 });
  await admin.connect();
  const throughput =
    options.metricsUrl === undefined
      ? null
      : new ThroughputSource(options.metricsUrl, { intervalMs: options.metricsIntervalMs });
  const ctx: ConsoleContext = {
    admin,
    clientOptions,
    bootstrap: options.bootstrapServers,
    throughput,
  };
  const server = new HttpServer({ parseForms: true, bodyLimitBytes: 2 * 1024 * 1024 });
  const auth = options.basicAuthUsers === undefined ? null : new BasicAuth(options.basicAuthUsers);
  const guard = (handler: (r: HttpRequest) => unknown) => (r: HttpRequest) =>
    auth === null || auth.allows(r.headers['authorization']) ? handler(r) : loginRequired();
  serveAsset(server, '/assets/console.css', 'text/css; charset=utf-8', CONSOLE_CSS, guard);
  serveAsset(
    server,
    '/assets/throughput.js',
    'text/javascript; charset=utf-8',
    THROUGHPUT_JS,
    guard,
  );
  const routes = [
    ...overviewRoutes(ctx),
    ...topicRoutes(ctx),
    ...messageRoutes(ctx),
    ...groupRoutes(ctx),
    ...aclRoutes(ctx),
    ...quotaRoutes(ctx),
    ...throughputRoutes(ctx),
  ];
  for (const route of routes) {
    server.route({
      method: route.method,
      url: route.url,
      handler: guard((r) => answer(ctx, route, r)),
    });
  }
  try {
    const where = await server.listen({
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 8080,
    });
    throughput?.start();
    return {
      url: where.url,
      port: where.port,
      close: async () => {
        throughput?.stop();
        await server.close();
        admin.close();
      },
    };
  } catch (err) {
    admin.close();
    throw err;
  }
}

function serveAsset(
  server: HttpServer,
  url: string,
  type: string,
  body: string,
  guard: (handler: (r: HttpRequest) => unknown) => (r: HttpRequest) => unknown,
): void {
  server.route({
    method: 'GET',
    url,
    handler: guard(
      () => new HttpResponse(200, body, { 'content-type': type, 'cache-control': 'max-age=300' }),
    ),
  });
}

/** 401 with the challenge that makes a browser ask for a user and password. */
function loginRequired(): HttpResponse {
  return new HttpResponse(401, 'A login is required.\n', {
    'content-type': 'text/plain; charset=utf-8',
    'www-authenticate': `Basic realm="${BASIC_AUTH_REALM}", charset="UTF-8"`,
  });
}

async function answer(ctx: ConsoleContext, route: ConsoleRoute, request: HttpRequest) {
  let result: PageResult;
  try {
    result = await route.handler({
      params: request.params,
      query: request.query,
      body: (request.body ?? {}) as FormBody,
    });
  } catch (err) {
    result = errorPage(ctx, err);
  }
  if ('redirect' in result) return new HttpResponse(303, undefined, { location: result.redirect });
  return new HttpResponse(result.status ?? 200, result.html, {
    'content-type': 'text/html; charset=utf-8',
  });
}

/** Kafka's "does not exist" answers are 404 pages; other Kafka errors are the cluster's (502). */
const NOT_FOUND_CODES = new Set([3, 69]);

function errorPage(ctx: ConsoleContext, err: unknown): PageResult {
  let status = 500;
  let title = 'Error';
  let message = err instanceof Error ? err.message : String(err);
  if (err instanceof HttpError) {
    status = err.statusCode;
    title = status === 404 ? 'Not found' : 'Request refused';
  } else if (err instanceof KafkaError) {
    status = NOT_FOUND_CODES.has(err.code) ? 404 : 502;
    title = status === 404 ? 'Not found' : 'The cluster refused';
    message = `${err.name}: ${err.message}`;
  }
  return {
    status,
    html: page({
      title,
      section: 'none',
      bootstrap: ctx.bootstrap,
      error: message,
      body: html`<p><a href="/">Back to the overview</a></p>`,
    }),
  };
}
