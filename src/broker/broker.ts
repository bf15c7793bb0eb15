// Starting and stopping one broker: resolve the configuration, prepare the data directory,
// bind the listeners with the handler registry behind them.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrokerContext } from './broker-context.js';
import { resolveBrokerConfig, type BrokerConfig } from './config/index.js';
import { createHandlerRegistry, type HandlerFactory } from './handlers/index.js';
import { silentLogger, type Logger } from './logger.js';
import {
  formatHostPort,
  startServer,
  type ListenerAddress,
  type NetworkServer,
  type RequestHandler,
} from './server/index.js';

export interface StartBrokerOptions {
  /** Port of the first listener; 0 picks a free one. Default: 0 unless `listeners` is set. */
  port?: number;
  /** Data directory (log.dirs). Default: a new temporary directory, removed on close. */
  dataDir?: string;
  /** Broker configuration by Kafka name, e.g. `{ 'num.partitions': 3 }`. */
  config?: Readonly<Record<string, string | number | boolean>> | ReadonlyMap<string, string>;
  logger?: Logger;
  /** Replaces the API handlers (the network benchmark uses the null handler). */
  handler?: RequestHandler;
  /** Handlers to register instead of the built-in list (tests). */
  handlers?: readonly HandlerFactory[];
  /** How long close() waits for requests in flight. Default 5000 ms. */
  shutdownTimeoutMs?: number;
}

export interface Broker {
  /** `host:port` of the first advertised listener, for a client's bootstrap.servers. */
  bootstrap: string;
  port: number;
  nodeId: number;
  dataDir: string;
  config: BrokerConfig;
  /** Stops accepting, lets requests in flight finish, closes every connection. */
  close(): Promise<void>;
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<Broker> {
  const logger = options.logger ?? silentLogger;
  const props = toProperties(options);
  const resolved = resolveBrokerConfig(props);
  for (const warning of resolved.warnings) logger.warn(warning);
  if (resolved.config === null) {
    throw new Error(`invalid broker configuration:\n  ${resolved.errors.join('\n  ')}`);
  }
  const config = resolved.config;
  const ownsDataDir = options.dataDir === undefined && !props.has('log.dirs');
  const dataDir = ownsDataDir ? await mkdtemp(join(tmpdir(), 'rivulet-')) : config.logDirs[0]!;
  if (!ownsDataDir) await Promise.all(config.logDirs.map((d) => mkdir(d, { recursive: true })));
  let advertised: ListenerAddress[] = [];
  const context: BrokerContext = { config, logger, advertisedListeners: () => advertised };
  const handler = options.handler ?? createHandlerRegistry(context, options.handlers).dispatch;
  let server: NetworkServer;
  try {
    server = await startServer(handler, {
      listeners: config.listeners,
      limits: limitsOf(config),
      logger,
    });
  } catch (err) {
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  advertised = config.advertisedListeners ?? server.boundListeners.map(advertise);
  const first = advertised[0]!;
  return {
    bootstrap: formatHostPort(first.host, first.port),
    port: server.boundListeners[0]!.port,
    nodeId: config.nodeId,
    dataDir,
    config,
    close: async () => {
      await server.stop({ timeoutMs: options.shutdownTimeoutMs ?? 5000 });
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Merges the options into Kafka-named properties; `port` and `dataDir` win over `config`. */
function toProperties(options: StartBrokerOptions): Map<string, string> {
  const given = options.config;
  const props =
    given instanceof Map
      ? new Map(given)
      : new Map(Object.entries(given ?? {}).map(([k, v]) => [k, String(v)]));
  if (options.dataDir !== undefined) props.set('log.dirs', options.dataDir);
  if (options.port !== undefined || !props.has('listeners')) {
    props.set('listeners', `PLAINTEXT://127.0.0.1:${options.port ?? 0}`);
  }
  return props;
}

function limitsOf(config: BrokerConfig) {
  const v = config.values;
  return {
    maxRequestBytes: v['socket.request.max.bytes'],
    maxInFlightPerConnection: v['queued.max.requests.per.connection'],
    maxQueuedRequests: v['queued.max.requests'],
    idleTimeoutMs: v['connections.max.idle.ms'],
    maxConnections: v['max.connections'],
    maxConnectionsPerIp: v['max.connections.per.ip'],
  };
}

/** A listener bound to all interfaces is advertised under this machine's host name. */
function advertise(bound: ListenerAddress): ListenerAddress {
  const wildcard = bound.host === '' || bound.host === '0.0.0.0' || bound.host === '::';
  return wildcard ? { ...bound, host: hostname() } : bound;
}
