// `rivulet schema-registry`: Confluent's schema-registry-start — a schema registry over a Kafka
// cluster, configured with Confluent's property names (from a file, or --override), running
// until interrupted.
import { startSchemaRegistry } from '../../registry/index.js';
import {
  clientOptions,
  EXIT_OK,
  failure,
  keyValues,
  listFlag,
  parseFlags,
  readPropertiesFile,
  stringFlag,
  usageError,
} from './tool-support.js';

const SPEC = {
  name: 'schema-registry',
  help: `Usage: rivulet schema-registry --bootstrap-server HOST:PORT [--port 8081] [options]

Runs a schema registry that speaks Confluent's Schema Registry API and keeps its state in the
compacted topic _schemas of the Kafka cluster. Several instances elect one writer through the
Kafka group schema-registry; the others forward writes to it.

Options:
  --bootstrap-server LIST   Brokers to connect to (kafkastore.bootstrap.servers). Required
                            unless the config file names kafkastore.bootstrap.servers.
  --port PORT               Port to listen on (default 8081; 0 takes a free port).
  --host ADDRESS            Address to listen on (default 0.0.0.0).
  --config FILE             A schema-registry.properties file.
  --override KEY=VALUE      A config, repeatable: listeners, host.name, leader.eligibility,
                            kafkastore.topic, kafkastore.topic.replication.factor,
                            kafkastore.timeout.ms, schema.compatibility.level,
                            schema.registry.group.id.
  -h, --help                Show this help.`,
  options: {
    'bootstrap-server': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    override: { type: 'string', multiple: true },
  },
} as const;

const KNOWN = new Set([
  'listeners',
  'host.name',
  'leader.eligibility',
  'master.eligibility',
  'kafkastore.bootstrap.servers',
  'kafkastore.topic',
  'kafkastore.topic.replication.factor',
  'kafkastore.timeout.ms',
  'schema.compatibility.level',
  'schema.registry.group.id',
]);

export async function runSchemaRegistry(args: string[]): Promise<number> {
  const flags = parseFlags(SPEC, args);
  if (typeof flags === 'number') return flags;
  try {
    const file = stringFlag(flags, 'config');
    const props = file === undefined ? new Map<string, string>() : readPropertiesFile(file);
    for (const [k, v] of keyValues(listFlag(flags, 'override'))) props.set(k, v);
    for (const key of props.keys())
      if (!KNOWN.has(key))
        console.error(`rivulet schema-registry: config ${key} is not supported and is ignored`);
    const bootstrap =
      stringFlag(flags, 'bootstrap-server') ??
      props.get('kafkastore.bootstrap.servers')?.replace(/PLAINTEXT:\/\//g, '');
    if (bootstrap === undefined) return usageError(SPEC.name, '--bootstrap-server is required');
    const listener = props.get('listeners')?.split(',')[0];
    const listenerUrl = listener === undefined ? undefined : new URL(listener);
    const port = Number(stringFlag(flags, 'port') ?? listenerUrl?.port ?? 8081);
    const num = (key: string) => (props.has(key) ? Number(props.get(key)) : undefined);
    const server = await startSchemaRegistry({
      ...clientOptions(bootstrap, props),
      clientId: 'schema-registry',
      timeoutMs: undefined,
      host: stringFlag(flags, 'host') ?? listenerUrl?.hostname ?? '0.0.0.0',
      port,
      hostName: props.get('host.name'),
      leaderEligibility:
        (props.get('leader.eligibility') ?? props.get('master.eligibility') ?? 'true') === 'true',
      topic: props.get('kafkastore.topic'),
      replicationFactor: num('kafkastore.topic.replication.factor'),
      storeTimeoutMs: num('kafkastore.timeout.ms'),
      compatibilityLevel: props.get('schema.compatibility.level'),
      groupId: props.get('schema.registry.group.id'),
    });
    console.log(`Schema registry listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return EXIT_OK;
  } catch (err) {
    return failure(SPEC.name, err);
  }
}
