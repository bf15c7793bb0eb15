// Kafka Connect's REST API on the shared HTTP layer: the same paths, bodies and status codes
// (201 on create, 409 when a connector exists or the group is rebalancing, 202 on pause and
// resume, 204 on delete, 400 with every config error listed), so curl recipes, scripts and
// tools written for Kafka Connect work unchanged. A distributed worker that is not the
// group's leader forwards config writes to the leader, as Kafka's workers do.
import { HttpError, HttpResponse, HttpServer, type HttpRequest } from '../../http/index.js';
import { VERSION } from '../../util/version.js';
import type { Herder } from '../runtime/herder.js';
import { HerderError } from '../runtime/herder.js';
import type { OffsetEntry } from '../runtime/offset-store.js';
import type { LoggerLevels } from './logger-levels.js';

/** Thrown by a herder for a write only the leader may do: the REST layer forwards it. */
export class NotLeaderError extends Error {
  constructor(readonly leaderUrl: string | null) {
    super(
      leaderUrl === null
        ? 'Cannot complete request because of a conflicting operation (e.g. worker rebalance)'
        : `Cannot complete request because this worker is not the leader; the leader is ${leaderUrl}`,
    );
  }
}

export interface ConnectRestOptions {
  herder: Herder;
  kafkaClusterId(): Promise<string | null>;
  loggers: LoggerLevels;
}

export function connectRestServer(o: ConnectRestOptions): HttpServer {
  const server = new HttpServer({
    translateError: (err) => {
      if (err instanceof HerderError) return new HttpError(err.status, err.status, err.message);
      if (err.statusCode === 400 || err.validation !== undefined)
        return new HttpError(400, 400, `Cannot deserialize request body: ${err.message}`);
      return undefined;
    },
  });
  const h = o.herder;
  const name = (r: HttpRequest) => r.params['connector']!;
  const withForward = (fn: (r: HttpRequest) => unknown) => async (r: HttpRequest) => {
    try {
      return await fn(r);
    } catch (err) {
      if (!(err instanceof NotLeaderError)) throw err;
      if (err.leaderUrl === null || r.query['forward'] === 'false')
        throw new HttpError(409, 409, err.message);
      return forward(err.leaderUrl, r);
    }
  };

  server.route({
    method: 'GET',
    url: '/',
    handler: async () => ({
      version: VERSION,
      commit: 'rivulet',
      kafka_cluster_id: await o.kafkaClusterId(),
    }),
  });
  server.route({
    method: 'GET',
    url: '/connectors',
    handler: (r) => {
      const expand = [r.query['expand']].flat().filter((x): x is string => typeof x === 'string');
      const names = h.connectors();
      if (expand.length === 0) return names;
      return Object.fromEntries(
        names.map((n) => [
          n,
          Object.fromEntries(
            expand.flatMap((e): [string, unknown][] =>
              e === 'status'
                ? [['status', h.connectorStatus(n)]]
                : e === 'info'
                  ? [['info', h.connectorInfo(n)]]
                  : [],
            ),
          ),
        ]),
      );
    },
  });
  server.route({
    method: 'POST',
    url: '/connectors',
    handler: withForward(async (r) => {
      const body = r.body as { name?: unknown; config?: unknown } | undefined;
      if (typeof body !== 'object' || body === null)
        throw new HttpError(
          400,
          400,
          'Request body must be a JSON object with "name" and "config"',
        );
      const config = stringMap(body.config ?? {});
      const n = typeof body.name === 'string' ? body.name : config['name'];
      if (n === undefined)
        throw new HttpError(400, 400, 'Connector name must be given in "name" or in the config');
      if (config['name'] !== undefined && config['name'] !== n)
        throw new HttpError(
          400,
          400,
          `Connector name configuration (${config['name']}) doesn't match connector name in the URL (${n})`,
        );
      const { info } = await h.putConnectorConfig(n, config, false);
      return new HttpResponse(201, info, { location: `/connectors/${encodeURIComponent(n)}` });
    }),
  });
  server.route({
    method: 'GET',
    url: '/connectors/:connector',
    handler: (r) => h.connectorInfo(name(r)),
  });
  server.route({
    method: 'GET',
    url: '/connectors/:connector/config',
    handler: (r) => h.connectorInfo(name(r)).config,
  });
  server.route({
    method: 'PUT',
    url: '/connectors/:connector/config',
    handler: withForward(async (r) => {
      const { created, info } = await h.putConnectorConfig(name(r), stringMap(r.body), true);
      return new HttpResponse(created ? 201 : 200, info);
    }),
  });
  server.route({
    method: 'PATCH',
    url: '/connectors/:connector/config',
    handler: withForward((r) => h.patchConnectorConfig(name(r), nullableStringMap(r.body))),
  });
  server.route({
    method: 'DELETE',
    url: '/connectors/:connector',
    handler: withForward(async (r) => {
      await h.deleteConnector(name(r));
      return new HttpResponse(204);
    }),
  });
  server.route({
    method: 'GET',
    url: '/connectors/:connector/status',
    handler: (r) => h.connectorStatus(name(r)),
  });
  server.route({
    method: 'GET',
    url: '/connectors/:connector/tasks',
    handler: (r) => h.taskConfigs(name(r)),
  });
  server.route({
    method: 'POST',
    url: '/connectors/:connector/tasks',
    handler: withForward(async (r) => {
      if (h.putTaskConfigs === undefined)
        throw new HttpError(
          404,
          404,
          'Task configs are written by the worker itself in standalone mode',
        );
      if (!Array.isArray(r.body))
        throw new HttpError(400, 400, 'The body must be a list of task configs');
      await h.putTaskConfigs(name(r), (r.body as unknown[]).map(stringMap));
      return new HttpResponse(204);
    }),
  });
  server.route({
    method: 'GET',
    url: '/connectors/:connector/tasks/:task/status',
    handler: (r) => h.taskStatus(name(r), taskNumber(r)),
  });
  server.route({
    method: 'POST',
    url: '/connectors/:connector/tasks/:task/restart',
    handler: withForward(async (r) => {
      await h.restartTask(name(r), taskNumber(r));
      return new HttpResponse(204);
    }),
  });
  server.route({
    method: 'POST',
    url: '/connectors/:connector/restart',
    handler: withForward(async (r) => {
      const status = await h.restartConnector(name(r), {
        includeTasks: r.query['includeTasks'] === 'true',
        onlyFailed: r.query['onlyFailed'] === 'true',
      });
      return status === null ? new HttpResponse(204) : new HttpResponse(202, status);
    }),
  });
  for (const [path, state, code] of [
    ['pause', 'PAUSED', 202],
    ['resume', 'STARTED', 202],
    ['stop', 'STOPPED', 204],
  ] as const) {
    server.route({
      method: 'PUT',
      url: `/connectors/:connector/${path}`,
      handler: withForward(async (r) => {
        await h.setTargetState(name(r), state);
        return new HttpResponse(code);
      }),
    });
  }
  server.route({
    method: 'GET',
    url: '/connectors/:connector/offsets',
    handler: (r) => h.offsets(name(r)),
  });
  server.route({
    method: 'PATCH',
    url: '/connectors/:connector/offsets',
    handler: withForward(async (r) => {
      const body = r.body as { offsets?: unknown } | undefined;
      if (typeof body !== 'object' || body === null || !Array.isArray(body.offsets))
        throw new HttpError(
          400,
          400,
          'Request body must contain an "offsets" list of {"partition", "offset"}',
        );
      const entries: OffsetEntry[] = (
        body.offsets as { partition?: unknown; offset?: unknown }[]
      ).map((e) => {
        if (typeof e.partition !== 'object' || e.partition === null)
          throw new HttpError(400, 400, 'Every entry of "offsets" needs a "partition" object');
        return {
          partition: e.partition as Record<string, unknown>,
          offset: (e.offset ?? null) as Record<string, unknown> | null,
        };
      });
      return { message: await h.alterOffsets(name(r), entries) };
    }),
  });
  server.route({
    method: 'DELETE',
    url: '/connectors/:connector/offsets',
    handler: withForward(async (r) => ({ message: await h.alterOffsets(name(r), null) })),
  });
  server.route({
    method: 'GET',
    url: '/connector-plugins',
    handler: (r) => h.plugins(r.query['connectorsOnly'] !== 'false'),
  });
  server.route({
    method: 'GET',
    url: '/connector-plugins/:plugin/config',
    handler: (r) => {
      const plugin = r.params['plugin']!;
      const keys = h.pluginConfig?.(plugin);
      if (keys === undefined) throw new HttpError(404, 404, `Unknown plugin ${plugin}.`);
      return keys;
    },
  });
  server.route({
    method: 'PUT',
    url: '/connector-plugins/:plugin/config/validate',
    handler: (r) => {
      const config = stringMap(r.body);
      const plugin = r.params['plugin']!;
      return h.validate(config['connector.class'] ?? plugin, config);
    },
  });
  server.route({ method: 'GET', url: '/admin/loggers', handler: () => o.loggers.all() });
  server.route({
    method: 'GET',
    url: '/admin/loggers/:logger',
    handler: (r) => {
      const level = o.loggers.get(r.params['logger']!);
      if (level === undefined)
        throw new HttpError(404, 404, `Logger ${r.params['logger']} not found.`);
      return { level };
    },
  });
  server.route({
    method: 'PUT',
    url: '/admin/loggers/:logger',
    handler: (r) => {
      const level = (r.body as { level?: unknown } | undefined)?.level;
      if (typeof level !== 'string')
        throw new HttpError(400, 400, 'The request body must contain a "level"');
      const changed = o.loggers.set(r.params['logger']!, level);
      if (changed === undefined) throw new HttpError(400, 400, `Invalid log level '${level}'.`);
      return changed;
    },
  });
  return server;
}

function taskNumber(r: HttpRequest): number {
  const t = Number(r.params['task']);
  if (!Number.isInteger(t) || t < 0)
    throw new HttpError(404, 404, `Task ${r.params['task']} not found`);
  return t;
}

function stringMap(body: unknown): Record<string, string> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 400, 'The connector config must be a JSON object of strings');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) {
    if (v === null || typeof v === 'object')
      throw new HttpError(400, 400, `Config ${k} must be a string, number or boolean`);
    out[k] = String(v);
  }
  return out;
}

function nullableStringMap(body: unknown): Record<string, string | null> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HttpError(400, 400, 'The config patch must be a JSON object');
  return Object.fromEntries(
    Object.entries(body).map(([k, v]) => [k, v === null ? null : String(v)]),
  );
}

/** Sends a request on to the leader and answers what it answered. */
async function forward(leaderUrl: string, r: HttpRequest): Promise<HttpResponse> {
  const url = new URL(r.url, leaderUrl);
  url.searchParams.set('forward', 'false');
  const res = await fetch(url, {
    method: r.method,
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    ...(r.body !== undefined && { body: JSON.stringify(r.body) }),
  });
  const text = await res.text();
  return new HttpResponse(res.status, text === '' ? undefined : (JSON.parse(text) as unknown));
}
