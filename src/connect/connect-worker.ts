// Starts a Connect worker: standalone (configs from files and the REST API, offsets in a
// file) or distributed (configs, offsets and statuses in Kafka topics, work shared through a
// group), with Kafka Connect's worker config names and its REST API.
import { hostname } from 'node:os';
import { Admin, type ClusterOptions } from '../client/index.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { Plugins } from './plugins.js';
import { connectRestServer } from './rest/connect-rest.js';
import { LoggerLevels } from './rest/logger-levels.js';
import { DistributedHerder } from './runtime/distributed-herder.js';
import type { Herder } from './runtime/herder.js';
import { KafkaOffsetStore, KafkaStatusStore } from './runtime/kafka-stores.js';
import { FileOffsetStore, type OffsetBackingStore } from './runtime/offset-store.js';
import { StandaloneHerder } from './runtime/standalone-herder.js';
import { MemoryStatusStore, type StatusStore } from './runtime/status.js';
import { Worker } from './runtime/worker.js';

export interface ConnectWorkerOptions {
  mode: 'standalone' | 'distributed';
  /** Worker properties with Kafka Connect's names (bootstrap.servers, listeners, group.id, …). */
  config: Record<string, string>;
  /** Standalone: connector configs to create at start. */
  connectors?: Record<string, string>[];
  logger?: Logger;
}

export interface ConnectWorker {
  url: string;
  herder: Herder;
  close(): Promise<void>;
}

/** Kafka's defaults, except replication factors: -1 takes the broker's default (KIP-464). */
const DEFAULTS: Record<string, string> = {
  listeners: 'http://:8083',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'offset.flush.interval.ms': '60000',
  'config.storage.replication.factor': '-1',
  'offset.storage.replication.factor': '-1',
  'offset.storage.partitions': '25',
  'status.storage.replication.factor': '-1',
  'status.storage.partitions': '5',
  'scheduled.rebalance.max.delay.ms': '300000',
  'exactly.once.source.support': 'disabled',
  'session.timeout.ms': '10000',
  'heartbeat.interval.ms': '3000',
  'rebalance.timeout.ms': '60000',
};

const REQUIRED_DISTRIBUTED = [
  'group.id',
  'config.storage.topic',
  'offset.storage.topic',
  'status.storage.topic',
];

export async function startConnectWorker(options: ConnectWorkerOptions): Promise<ConnectWorker> {
  const config = { ...DEFAULTS, ...options.config };
  const logger = options.logger ?? silentLogger;
  const bootstrap = config['bootstrap.servers'];
  if (bootstrap === undefined || bootstrap.trim() === '')
    throw new Error('Missing required configuration "bootstrap.servers"');
  const cluster: ClusterOptions = { bootstrapServers: bootstrap, clientId: 'connect-worker' };
  if (options.mode === 'distributed')
    for (const k of REQUIRED_DISTRIBUTED)
      if (config[k] === undefined || config[k] === '')
        throw new Error(`Missing required configuration "${k}" which has no default value.`);
  const plugins = new Plugins();
  const loaded = await plugins.loadPluginPath(config['plugin.path']);
  if (loaded.length > 0) logger.info(`Loaded plugins: ${loaded.join(', ')}`);

  const { host, port } = parseListener(config['listeners']!);
  const loggers = new LoggerLevels('info', ['org.apache.kafka.connect']);
  // The REST server starts first: distributed workers advertise its URL to the group.
  const ref: { herder?: Herder } = {};
  const rest = connectRestServer({
    herder: new Proxy({} as Herder, {
      get: (_t, prop) => {
        if (ref.herder === undefined) throw new Error('the worker is starting');
        const v = (ref.herder as unknown as Record<string | symbol, unknown>)[prop];
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(ref.herder) : v;
      },
    }),
    kafkaClusterId: async () => {
      const admin = new Admin(cluster);
      try {
        return (await admin.describeCluster()).clusterId;
      } finally {
        admin.close();
      }
    },
    loggers,
  });
  const listening = await rest.listen({ host, port });
  const advertisedHost =
    config['rest.advertised.host.name'] ??
    (host === '0.0.0.0' || host === '::' ? hostname() : host);
  const advertisedPort = Number(config['rest.advertised.port'] ?? listening.port);
  const url = `http://${advertisedHost}:${advertisedPort}`;
  const workerId = `${advertisedHost}:${advertisedPort}`;

  let statusStore: StatusStore;
  let offsetStore: OffsetBackingStore;
  let herder: Herder;
  let generation = 0;
  const common = {
    workerId,
    cluster,
    workerConfig: config,
    plugins,
    logger,
    generation: () => generation,
    offsetFlushIntervalMs: Number(config['offset.flush.interval.ms']),
  };
  if (options.mode === 'standalone') {
    const file = config['offset.storage.file.filename'];
    if (file === undefined)
      throw new Error(
        'Missing required configuration "offset.storage.file.filename" which has no default value.',
      );
    statusStore = new MemoryStatusStore();
    offsetStore = new FileOffsetStore(file);
    const worker = new Worker({ ...common, statusStore, offsetStore });
    herder = new StandaloneHerder(worker, plugins, statusStore, offsetStore);
  } else {
    const statuses = new KafkaStatusStore(cluster, {
      topic: config['status.storage.topic']!,
      partitions: Number(config['status.storage.partitions']),
      replicationFactor: Number(config['status.storage.replication.factor']),
    });
    const offsets = new KafkaOffsetStore(cluster, {
      topic: config['offset.storage.topic']!,
      partitions: Number(config['offset.storage.partitions']),
      replicationFactor: Number(config['offset.storage.replication.factor']),
    });
    const eos = config['exactly.once.source.support'] === 'enabled';
    const groupId = config['group.id']!;
    const worker = new Worker({
      ...common,
      statusStore: statuses,
      offsetStore: offsets,
      ...(eos && {
        exactlyOnce: {
          // Kafka Connect's transactional id for a source task (KIP-618).
          transactionalId: (connector: string, task: number) => `${groupId}-${connector}-${task}`,
          offsetRecords: (connector, entries) => offsets.records(connector, entries),
          offsetsCommitted: (connector, entries) => offsets.applied(connector, entries),
          readOffsetsToEnd: () => offsets.readToEnd(),
        },
      }),
    });
    herder = new DistributedHerder(worker, plugins, statuses, offsets, {
      cluster,
      groupId,
      url,
      configTopic: {
        topic: config['config.storage.topic']!,
        replicationFactor: Number(config['config.storage.replication.factor']),
      },
      sessionTimeoutMs: Number(config['session.timeout.ms']),
      rebalanceTimeoutMs: Number(config['rebalance.timeout.ms']),
      heartbeatIntervalMs: Number(config['heartbeat.interval.ms']),
      scheduledRebalanceMaxDelayMs: Number(config['scheduled.rebalance.max.delay.ms']),
      logger,
    });
    generation = 0;
  }
  ref.herder = herder;
  try {
    await herder.start();
    for (const c of options.connectors ?? []) {
      const name = c['name'];
      if (name === undefined) throw new Error('A connector config file needs a "name"');
      await herder.putConnectorConfig(name, c, true);
    }
  } catch (err) {
    await rest.close();
    await herder.stop().catch(() => undefined);
    throw err;
  }
  logger.info(`Kafka Connect ${options.mode} worker started, REST API at ${url}`);
  return {
    url: listening.url,
    herder,
    close: async () => {
      await rest.close();
      await herder.stop();
    },
  };
}

function parseListener(listeners: string): { host: string; port: number } {
  const first = listeners.split(',')[0]!.trim();
  const m = /^https?:\/\/(\[[^\]]*\]|[^:/]*)(?::(\d+))?\/?$/.exec(first);
  if (m === null)
    throw new Error(`Invalid listeners value: ${listeners} (expected http://host:port)`);
  const host = m[1] === '' ? '0.0.0.0' : m[1]!.replace(/^\[|\]$/g, '');
  return { host, port: m[2] === undefined ? 8083 : Number(m[2]) };
}
