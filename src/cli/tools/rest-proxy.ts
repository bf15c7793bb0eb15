// `rivulet rest-proxy`: Confluent's REST Proxy (API v2 and v3) in the foreground, against any
// Kafka cluster, until SIGTERM or SIGINT. Configuration keys are Confluent's
// (kafka-rest.properties): --config reads such a file, --override sets one key.
import { HttpError } from '../../http/index.js';
import { RestProxy, registrySchemaFormats, type RestProxyOptions } from '../../rest/index.js';
import {
  EXIT_OK,
  failure,
  intFlag,
  keyValues,
  listFlag,
  parseFlags,
  readPropertiesFile,
  stringFlag,
  UsageError,
  type ToolSpec,
} from './tool-support.js';

const SPEC: ToolSpec = {
  name: 'rest-proxy',
  help: `Usage: rivulet rest-proxy --bootstrap-server HOST:PORT [options]

Serves Confluent's REST Proxy API (v2 and v3) for a Kafka cluster.

Options:
  --bootstrap-server HOST:PORT  The cluster (bootstrap.servers).
  --port N                      HTTP(S) port (default 8082; 0 takes a free one).
  --host HOST                   Address to listen on (default 0.0.0.0).
  --config FILE                 Read a kafka-rest.properties file (listeners,
                                bootstrap.servers, id, host.name, consumer.instance.timeout.ms,
                                consumer.request.timeout.ms, consumer.request.max.bytes,
                                request.body.max.bytes, consumer.instances.max,
                                schema.registry.url, producer.*, ssl.* for
                                listeners=https://..., authentication.method=BASIC,
                                client.security.protocol, client.sasl.*, client.ssl.*).
  --override KEY=VALUE          Set one configuration key; repeatable, after --config.
  -h, --help                    Show this help.`,
  options: {
    'bootstrap-server': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    override: { type: 'string', multiple: true },
  },
};

export async function runRestProxy(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  let proxy: RestProxy;
  // Listen for signals before announcing readiness, so a stop request is never missed.
  const signal = new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  try {
    proxy = await RestProxy.start({
      config: configOf(flags),
      schemaFormats: registrySchemaFormats,
    });
  } catch (err) {
    if (err instanceof HttpError) return failure(SPEC.name, new UsageError(err.message));
    return failure(SPEC.name, err);
  }
  console.log(
    `Rivulet REST proxy listening on ${proxy.url} (cluster: ${proxy.config.bootstrapServers})`,
  );
  await signal;
  await proxy.close();
  return EXIT_OK;
}

function configOf(flags: Parameters<typeof stringFlag>[0]): RestProxyOptions['config'] {
  const props = new Map<string, string>();
  const file = stringFlag(flags, 'config');
  if (file !== undefined) for (const [k, v] of readPropertiesFile(file)) props.set(k, v);
  for (const [k, v] of keyValues(listFlag(flags, 'override'))) props.set(k, v);
  const bootstrap = stringFlag(flags, 'bootstrap-server');
  if (bootstrap !== undefined) props.set('bootstrap.servers', bootstrap);
  if (!props.has('bootstrap.servers')) throw new UsageError('--bootstrap-server is required');
  const port = intFlag(flags, 'port');
  const host = stringFlag(flags, 'host');
  if (port !== undefined || host !== undefined || !props.has('listeners')) {
    const current = /^(https?):\/\/(\[[^\]]+\]|[^:/]*):(\d+)/.exec(props.get('listeners') ?? '');
    const scheme = current?.[1] ?? 'http';
    const h = host ?? current?.[2] ?? '0.0.0.0';
    const p = port ?? (current === null ? 8082 : Number(current[3]));
    if (p < 0 || p > 65535) throw new UsageError(`--port ${p} is not a port number`);
    props.set(
      'listeners',
      `${scheme}://${h.includes(':') && !h.startsWith('[') ? `[${h}]` : h}:${p}`,
    );
  }
  return Object.fromEntries(props);
}
