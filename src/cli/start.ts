// `rivulet start`: runs one broker in the foreground until SIGTERM or SIGINT.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  createLogger,
  describeError,
  parseLogLevel,
  startBroker,
  type Logger,
} from '../broker/index.js';
import { BROKER_CONFIG_KEYS, parseOverride, parseProperties } from '../broker/config/index.js';
import { takeHostedRegistry, type HostedRegistry } from './hosted-registry.js';
import { startHostedRestProxy, takeRestProxyConfig } from './hosted-rest-proxy.js';
import { startHostedConsole, takeConsoleConfig } from './hosted-console.js';

const HELP = `Usage: rivulet start [options]

Starts a broker that Kafka clients can use unchanged: a single node, or with
metadata.etcd.endpoints set, a member of a cluster on etcd (docs/cluster.md).

Options:
  --config FILE         Read broker configuration from a server.properties file.
  --override KEY=VALUE  Set one configuration key; repeatable, applied after --config.
  --port N              Port of the first listener (default 9092).
  --data-dir DIR        Where partition data lives (log.dirs; default ./rivulet-data).
  --metrics-port N      Serve Prometheus metrics on http://0.0.0.0:N/metrics
                        (metrics.listener; off by default).
  -S, --add-scram MECHANISM=[name=USER,password=PASSWORD]
                        Add a SCRAM user before the listeners open, as Kafka's
                        kafka-storage format --add-scram; repeatable. A user who
                        already has a credential for MECHANISM keeps it.
  --log-level LEVEL     error, warn, info (default) or debug; or RIVULET_LOG_LEVEL.
  --log-format FORMAT   text (default, Kafka's log4j layout) or json (one object per
                        line); or RIVULET_LOG_FORMAT. Logs go to stderr.
  -h, --help            Show this help.

Configuration keys use Kafka's names (listeners, log.dirs, num.partitions, ...).
rest.listener=http://HOST:PORT also starts the REST proxy beside the broker (other rest.*
keys are the proxy's, e.g. rest.consumer.instance.timeout.ms).
console.listener=http://HOST:PORT also serves the web console (and console.metrics.url
its throughput chart), connected to this broker; console.auth.basic.users=FILE (user:password
lines) makes it ask for a login.
Stop with Ctrl-C or SIGTERM: requests in flight are answered first.`;

const USAGE_ERROR = 2;

type Parsed = {
  config?: string;
  override?: string[];
  port?: string;
  'data-dir'?: string;
  'metrics-port'?: string;
  'log-level'?: string;
  'log-format'?: string;
  'add-scram'?: string[];
};

export async function runStart(args: string[]): Promise<number> {
  let flags: Parsed & { help?: boolean };
  try {
    flags = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        override: { type: 'string', multiple: true },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        'metrics-port': { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        'add-scram': { type: 'string', short: 'S', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  if (flags.help === true) {
    console.log(HELP);
    return 0;
  }
  const logger = loggerOf(flags);
  if (typeof logger === 'string') return usageError(logger);
  const props = await gatherProperties(flags);
  if (typeof props === 'number') return props;
  return run(props, { logger, addScram: flags['add-scram'] ?? [] });
}

/** The logger asked for by --log-level/--log-format, else RIVULET_LOG_LEVEL/_FORMAT. */
function loggerOf(flags: Parsed): Logger | string {
  const levelText = flags['log-level'] ?? process.env['RIVULET_LOG_LEVEL'] ?? 'info';
  const from = flags['log-level'] !== undefined ? '--log-level' : 'RIVULET_LOG_LEVEL';
  const level = parseLogLevel(levelText);
  if (level === null) return `${from} '${levelText}' is not one of error, warn, info, debug`;
  const format = flags['log-format'] ?? process.env['RIVULET_LOG_FORMAT'] ?? 'text';
  if (format !== 'text' && format !== 'json') {
    const source = flags['log-format'] !== undefined ? '--log-format' : 'RIVULET_LOG_FORMAT';
    return `${source} '${format}' is not text or json`;
  }
  return createLogger({ level, format });
}

async function gatherProperties(flags: Parsed): Promise<Map<string, string> | number> {
  const props = new Map<string, string>();
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.config, 'utf8');
    } catch (err) {
      console.error(
        `rivulet start: cannot read --config ${flags.config}: ${(err as Error).message}`,
      );
      return 1;
    }
    for (const [k, v] of parseProperties(text)) props.set(k, v);
  }
  for (const arg of flags.override ?? []) {
    const kv = parseOverride(arg);
    if (typeof kv === 'string') return usageError(`--override ${kv}`);
    props.set(kv[0], kv[1]);
  }
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) {
      return usageError(`--port '${flags.port}' is not a port number`);
    }
    const listeners = props.get('listeners') ?? defaultOf('listeners');
    props.set('listeners', withPort(listeners, port));
    // The advertised address of that listener follows (0: whatever port was bound).
    const name = /^\s*([A-Za-z0-9_]+):\/\//.exec(listeners)?.[1]?.toUpperCase();
    const advertised = props.get('advertised.listeners');
    if (advertised !== undefined && name !== undefined) {
      props.set('advertised.listeners', withPortOf(advertised, name, port));
    }
  }
  if (flags['data-dir'] !== undefined) props.set('log.dirs', flags['data-dir']);
  if (flags['metrics-port'] !== undefined) {
    const port = Number(flags['metrics-port']);
    if (!/^\d+$/.test(flags['metrics-port']) || port > 65535) {
      return usageError(`--metrics-port '${flags['metrics-port']}' is not a port number`);
    }
    props.set('metrics.listener', `http://0.0.0.0:${port}`);
  }
  // The CLI keeps Kafka's fixed defaults; the embedded API prefers a free port and a temp dir.
  if (!props.has('listeners')) props.set('listeners', defaultOf('listeners'));
  if (!props.has('log.dirs') && !props.has('log.dir')) props.set('log.dirs', defaultOf('log.dir'));
  return props;
}

async function run(
  props: Map<string, string>,
  { logger, addScram }: { logger: Logger; addScram: string[] },
): Promise<number> {
  const hosted = takeConsoleConfig(props);
  if (typeof hosted === 'string') return usageError(hosted);
  // Listen for signals before announcing readiness, so a stop request is never missed.
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  const startRegistry = takeHostedRegistry(props);
  const restConfig = takeRestProxyConfig(props);
  let broker;
  let registry: HostedRegistry | null = null;
  try {
    broker = await startBroker({ config: props, logger, addScram });
    if (startRegistry !== null) registry = await startRegistry(broker.bootstrap, logger);
  } catch (err) {
    console.error(`rivulet start: ${describeError(err)}`);
    await broker?.close();
    return 1;
  }
  const dirs = broker.config.logDirs.join(',');
  console.log(`Rivulet broker ${broker.nodeId} listening on ${broker.bootstrap} (data: ${dirs})`);
  if (broker.metrics !== null) console.log(`Prometheus metrics on ${broker.metrics.url}`);
  if (registry !== null) console.log(`Schema registry listening on ${registry.url}`);
  let proxy = null;
  if (restConfig !== null) {
    try {
      proxy = await startHostedRestProxy(broker.bootstrap, restConfig, registry?.url ?? null);
      console.log(`Rivulet REST proxy listening on ${proxy.url}`);
    } catch (err) {
      console.error(`rivulet start: REST proxy: ${(err as Error).message}`);
      await registry?.close();
      await broker.close();
      return 1;
    }
  }
  let webConsole = null;
  if (hosted !== null) {
    try {
      webConsole = await startHostedConsole(hosted, broker.bootstrap);
      console.log(`Rivulet console at ${webConsole.url}`);
    } catch (err) {
      console.error(`rivulet start: the console did not start: ${describeError(err)}`);
      await proxy?.close();
      await registry?.close();
      await broker.close();
      return 1;
    }
  }
  logger.debug(`${await signal}: stopping`);
  await webConsole?.close();
  await proxy?.close();
  await registry?.close();
  await broker.close();
  exitIfStillRunning(logger);
  return 0;
}

/** How long after a clean shutdown the process may take to end by itself. */
const EXIT_GRACE_MS = 5000;

/**
 * Everything is closed, so the process should end now. If something still holds it (a socket
 * or timer nobody closed: a bug), say what and exit anyway, as Kafka's shutdown does: a broker
 * that does not exit on SIGTERM blocks every restart and deploy.
 */
function exitIfStillRunning(logger: Logger): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    logger.warn(
      `still running ${EXIT_GRACE_MS} ms after shutdown, held by ${open.join(', ') || 'nothing known'}; exiting`,
    );
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}

/** Replaces the port of the first listener. */
function withPort(listeners: string, port: number): string {
  const list = listeners.split(',');
  list[0] = list[0]!.trim().replace(/:\d+$/, `:${port}`);
  return list.join(',');
}

/** Replaces the port of the listener named `name`, if the list has one. */
function withPortOf(listeners: string, name: string, port: number): string {
  return listeners
    .split(',')
    .map((l) => {
      const item = l.trim();
      return item.toUpperCase().startsWith(`${name}://`) ? item.replace(/:\d+$/, `:${port}`) : item;
    })
    .join(',');
}

function defaultOf(name: string): string {
  return BROKER_CONFIG_KEYS.find((k) => k.name === name)!.defaultValue!;
}

function usageError(message: string): number {
  console.error(`rivulet start: ${message}\nRun \`rivulet start --help\` for the options.`);
  return USAGE_ERROR;
}
