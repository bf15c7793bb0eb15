// `rivulet console`: the web console (src/console/) against any Kafka cluster, until Ctrl-C.
import type { ClusterOptions } from '../../client/index.js';
import { parseBasicAuthUser, readBasicAuthUsers, startConsole } from '../../console/index.js';
import {
  clientOptions,
  EXIT_OK,
  failure,
  intFlag,
  parseFlags,
  readPropertiesFile,
  requireFlag,
  stringFlag,
  UsageError,
} from './tool-support.js';

const SPEC = {
  name: 'console',
  help: `Usage: rivulet console --bootstrap-server HOST:PORT [--port 8080] [--host 127.0.0.1] [--metrics-url URL]
                      [--basic-auth USER:PASSWORD | --basic-auth-file FILE]

Serve the web console: cluster overview, topics (search, create, configs, delete), a message
browser with a produce form, consumer groups (lag, reset offsets, delete) and, with
--metrics-url, live throughput. Works against any Kafka cluster.

Options:
  --bootstrap-server LIST     Brokers to connect to. Required.
  --port N                    Port to listen on (default 8080; 0 picks a free one).
  --host HOST                 Address to listen on (default 127.0.0.1).
  --metrics-url URL           A Prometheus endpoint with Kafka's BrokerTopicMetrics (the
                              broker's /metrics, or a JMX exporter) for the throughput chart.
  --command-config FILE       Client properties file.
  --basic-auth USER:PASSWORD  Ask for this login (HTTP Basic authentication) on every page.
  --basic-auth-file FILE      Ask for a login of one of the users of FILE (user:password
                              per line, # comments).
  -h, --help                  Show this help.

Exit status: 0 stopped by Ctrl-C or SIGTERM, 1 could not start, 2 bad command line.`,
  options: {
    'bootstrap-server': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    'metrics-url': { type: 'string' },
    'command-config': { type: 'string' },
    'basic-auth': { type: 'string' },
    'basic-auth-file': { type: 'string' },
  },
} as const;

export async function runConsole(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  try {
    const bootstrap = requireFlag(flags, 'bootstrap-server');
    const port = intFlag(flags, 'port') ?? 8080;
    if (port < 0 || port > 65535) throw new UsageError(`--port ${port} is out of range`);
    const file = stringFlag(flags, 'command-config');
    const props = file === undefined ? new Map<string, string>() : readPropertiesFile(file);
    const client: Partial<ClusterOptions> = clientOptions(bootstrap, props);
    delete client.bootstrapServers;
    const metricsUrl = stringFlag(flags, 'metrics-url');
    const basicAuthUsers = loginUsers(
      stringFlag(flags, 'basic-auth'),
      stringFlag(flags, 'basic-auth-file'),
    );
    const running = await startConsole({
      bootstrapServers: bootstrap,
      client: { ...client, clientId: props.get('client.id') ?? 'rivulet-console' },
      host: stringFlag(flags, 'host') ?? '127.0.0.1',
      port,
      ...(metricsUrl === undefined ? {} : { metricsUrl }),
      ...(basicAuthUsers === undefined ? {} : { basicAuthUsers }),
    });
    console.log(`Rivulet console at ${running.url} (cluster ${bootstrap}). Ctrl-C to stop.`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await running.close();
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  }
}

/** The console's users from --basic-auth or --basic-auth-file (not both); undefined: no login. */
function loginUsers(
  pair: string | undefined,
  file: string | undefined,
): Map<string, string> | undefined {
  if (pair !== undefined && file !== undefined) {
    throw new UsageError('give --basic-auth or --basic-auth-file, not both');
  }
  if (file !== undefined) return readBasicAuthUsers(file);
  if (pair === undefined) return undefined;
  try {
    return new Map([parseBasicAuthUser(pair)]);
  } catch {
    throw new UsageError('--basic-auth wants USER:PASSWORD');
  }
}
