// Starting and stopping one broker: resolve the configuration, bind the listeners, lock and
// open the data directories, then let requests through to the handler registry.
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ClusterMetadata,
  PartitionLogMetadataStore,
  type ClusterMetadataOptions,
  ensureMetaProperties,
  type MetadataLogStore,
} from '../metadata/index.js';
import {
  createDataDir,
  describeStorageFailure,
  lockDataDirs,
  type DataDirLock,
} from '../storage/index.js';
import {
  NodeFileSystem,
  systemEnvironment,
  type Environment,
  type FileSystem,
} from '../util/index.js';
import type { BrokerContext } from './broker-context.js';
import { interBrokerEndpoint, openDataPlane, type DataPlane } from './data-plane.js';
import { retryingControllerChannel, rpcControllerChannel } from './partition/controller-channel.js';
import {
  connectCluster,
  etcdEndpointsOf,
  retryEtcd,
  type ClusterConnection,
} from './cluster-mode.js';
import { ClusterMember } from './controller/cluster-member.js';
import {
  parseConnectionOverrides,
  resolveBrokerConfig,
  type BrokerConfig,
} from './config/index.js';
import { openGroupCoordinator, type GroupCoordinator } from './group/index.js';
import { createHandlerRegistry, type HandlerFactory } from './handlers/index.js';
import { METADATA_VERSION_RANGE } from './handlers/18-api-versions.js';
import { namedLogger, silentLogger, type Logger } from './logger.js';
import { BrokerSecurity } from './security/broker-security.js';
import {
  BrokerTopicStats,
  HistogramCounts,
  REQUEST_TIME_BUCKETS_MS,
  RequestStats,
  clusterLeaderOffsets,
  createBrokerMetrics,
  parseMetricsListener,
  startMetricsServer,
  type MetricsServer,
} from './metrics/index.js';
import {
  TxnMarkerChannel,
  openTransactionCoordinator,
  type OpenedTransactionCoordinator,
  type TransactionCoordinator,
} from './txn/index.js';
import {
  RequestPipeline,
  formatHostPort,
  startServer,
  type Authorizer,
  type ListenerAddress,
  type QuotaManager,
  type RequestMetrics,
  type RequestContext,
  type RequestHandler,
  type Session,
} from './server/index.js';
import { brokerAuthorizer, brokerQuotas } from './security/index.js';
import { seedScramCredentials } from './security/scram-seed.js';

export interface StartBrokerOptions {
  /** Port of the first listener; 0 picks a free one. Default: 0 unless `listeners` is set. */
  port?: number;
  /** Data directory (log.dirs). Default: a new temporary directory, removed on close. */
  dataDir?: string;
  /** Broker configuration by Kafka name, e.g. `{ 'num.partitions': 3 }`. */
  config?: Readonly<Record<string, string | number | boolean>> | ReadonlyMap<string, string>;
  logger?: Logger;
  /** Reject unknown configuration keys instead of warning about them. Default false. */
  strict?: boolean;
  /** Replaces the API handlers (the network benchmark uses the null handler). */
  handler?: RequestHandler;
  /** Handlers to register instead of the built-in list (tests). */
  handlers?: readonly HandlerFactory[];
  /** Keeps the metadata log here instead of `__cluster_metadata-0` (tests). */
  metadataStore?: MetadataLogStore;
  /** How long close() waits for requests in flight. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  /** The file system of the partition logs (tests inject failures through it). */
  fs?: FileSystem;
  /** Decides per resource what each principal may do. Default: everything is allowed. */
  authorizer?: Authorizer;
  /**
   * The principal of each connection, decided before each of its requests from its session
   * (listener, address, client id), as a custom `principal.builder.class` in Kafka. Tests give
   * plaintext clients principals with it. Default: the authenticated principal.
   */
  principalBuilder?: (session: Session) => string;
  /** Throttle times per principal and client id. Default: nothing is throttled. */
  quotas?: QuotaManager;
  /**
   * SCRAM credentials to add before any listener opens, as Kafka's `kafka-storage format
   * --add-scram` takes them: `SCRAM-SHA-256=[name=admin,password=admin-secret]`. A user that
   * already has a credential for the mechanism keeps it (security/scram-seed.ts).
   */
  addScram?: readonly string[];
  /** Receives each request's count, error codes and stage times. Default: nowhere. */
  requestMetrics?: RequestMetrics;
  /**
   * Clock, timers, randomness, logger, metrics, file system and network of this broker.
   * Default: the real ones (the disk with log.max.open.files, node:net). Tests pass a
   * SimulatedEnvironment to move time by hand. `logger` and `fs`, when given, win over it.
   */
  environment?: Environment;
}

export interface Broker {
  /** `host:port` of the first advertised listener, for a client's bootstrap.servers. */
  bootstrap: string;
  port: number;
  /** Every listener as bound (name, host, port), in the order of `listeners`. */
  listeners: readonly ListenerAddress[];
  nodeId: number;
  dataDir: string;
  config: BrokerConfig;
  /** The Prometheus endpoint (metrics.listener) as bound, or null when it is off. */
  metrics: { host: string; port: number; url: string } | null;
  /** The network server's figures now (connections, request memory). */
  network(): NetworkStats;
  /** Stops accepting, lets requests in flight finish, closes every connection. */
  close(): Promise<void>;
}

export interface NetworkStats {
  connections: number;
  /** Bytes of request frames held now: being read, waiting, being handled. */
  requestBytes: number;
  /** The most held at once since start. */
  requestBytesPeak: number;
  /** queued.max.request.bytes in effect (Infinity: unbounded). */
  requestBytesLimit: number;
  /** Connections not reading until request memory is released. */
  waitingForMemory: number;
}

export async function startBroker(options: StartBrokerOptions = {}): Promise<Broker> {
  const root = options.logger ?? options.environment?.logger ?? silentLogger;
  // Kafka's log4j logger names, so an operator's filters and habits carry over.
  const logger = namedLogger(root, 'kafka.server');
  const props = toProperties(options);
  const resolved = resolveBrokerConfig(props);
  if (options.strict === true && resolved.unknown.length > 0) {
    resolved.errors.push(...resolved.unknown.map((k) => `${k}: unknown configuration key`));
    resolved.config = null;
  }
  for (const warning of resolved.warnings) logger.warn(warning);
  if (resolved.config === null) {
    throw new Error(`invalid broker configuration:\n  ${resolved.errors.join('\n  ')}`);
  }
  const config = resolved.config;
  const environment = environmentOf(options, config, root);
  const ownsDataDir = options.dataDir === undefined && !props.has('log.dirs');
  // Requests that arrive before the broker is ready wait for it (the listeners are bound first,
  // so that a port in use fails the start before any data directory is touched).
  let dispatch: RequestHandler | null = null;
  let ready!: (handler: RequestHandler) => void;
  let failed!: (err: unknown) => void;
  const whenReady = new Promise<RequestHandler>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  whenReady.catch(() => {});
  const gate: RequestHandler = Object.assign(
    (ctx: RequestContext, frame: Buffer) =>
      dispatch !== null ? dispatch(ctx, frame) : whenReady.then((h) => h(ctx, frame)),
    { recyclesFrame: (apiKey: number) => dispatch?.recyclesFrame?.(apiKey) ?? false },
  );
  // TLS contexts and SASL mechanisms are checked before anything is bound: a bad keystore or
  // JAAS configuration fails the start, naming the listener and key.
  const security = await BrokerSecurity.open(config, namedLogger(root, 'kafka.network'), {
    nowMs: () => environment.clock.nowMs(),
  });
  // How this broker reaches the others (followers' fetches, ISR changes to the controller). A
  // cluster checks it at start; a single node, which never connects to another, does not.
  const clustered = config.values['metadata.etcd.endpoints'] !== null;
  let interBroker: ReturnType<BrokerSecurity['interBrokerSecurity']>;
  try {
    interBroker = security.interBrokerSecurity(config);
  } catch (err) {
    if (clustered) throw new Error(`invalid broker configuration: ${(err as Error).message}`);
  }
  const server = await startServer(gate, {
    listeners: config.listeners,
    tls: security.tls,
    limits: limitsOf(config),
    logger: namedLogger(root, 'kafka.network'),
    timers: environment.timers,
    network: environment.network,
  });
  let dataDir = config.logDirs[0]!;
  let logDirs: string[] = [];
  let lock: DataDirLock | undefined;
  let advertised: ListenerAddress[] = [];
  let metadata: ClusterMetadata | undefined;
  let data: DataPlane | undefined;
  let groups: GroupCoordinator | undefined;
  let txn: OpenedTransactionCoordinator | undefined;
  let metricsServer: MetricsServer | undefined;
  let cluster: ClusterConnection | undefined;
  let member: ClusterMember | undefined;
  try {
    if (ownsDataDir) dataDir = await mkdtemp(join(tmpdir(), 'rivulet-'));
    logDirs = ownsDataDir ? [resolve(dataDir)] : [];
    for (const dir of ownsDataDir ? [] : config.logDirs) logDirs.push(await createDataDir(dir));
    // Nothing in a data directory is read or written before its lock is held.
    lock = await lockDataDirs(logDirs);
    if (etcdEndpointsOf(config) !== null) {
      cluster = await connectCluster(config, { environment, logger });
    }
    const clusterId = await ensureMetaProperties(
      logDirs,
      config.nodeId,
      (n) => environment.random.bytes(n),
      cluster?.clusterId,
    );
    const openCluster = cluster;
    const metadataOptions: ClusterMetadataOptions = {
      store: openCluster?.store ?? (await openMetadataStore(options, logDirs, environment)),
      nodeId: config.nodeId,
      clock: () => environment.clock.nowMs(),
      randomUuid: () => environment.random.uuid(),
      onListenerError: (err, change) =>
        logger.error(`applying metadata change ${change.type} failed`, { err }),
      onFollowerFailure: (err) =>
        logger.error(
          'the metadata log can no longer be followed: this broker serves stale metadata until it is restarted',
          { err },
        ),
      onVolatileRegistration: (err) =>
        logger.error(
          `cannot write the metadata log (${describeStorageFailure(err)}): this start's ` +
            'broker registration is kept in memory only',
        ),
    };
    metadata =
      openCluster === undefined
        ? await ClusterMetadata.open(metadataOptions)
        : await retryEtcd(
            'read the metadata log',
            { endpoints: openCluster.endpoints, logger },
            () => ClusterMetadata.open(metadataOptions),
          );
    logMetadataChanges(metadata, namedLogger(root, 'kafka.controller'));
    if (options.addScram !== undefined && options.addScram.length > 0) {
      await seedScramCredentials(metadata, options.addScram, {
        randomBytes: (n) => environment.random.bytes(n),
        logger,
      });
    }
    // With the endpoint off, nothing on the hot path counts (the stats stay undefined).
    const metricsOn = config.values['metrics.listener'] !== null;
    const flushTimes = metricsOn ? new HistogramCounts(REQUEST_TIME_BUCKETS_MS) : undefined;
    // The coordinator is opened after the logs (it replays __transaction_state from them), but
    // the partitions ask it about transactional batches: until it is there, nothing verifies.
    const opening: { transactions?: TransactionCoordinator } = {};
    // In a cluster, ISR changes go over the network to the elected controller (its
    // inter-broker listener); the member that knows the election is created below.
    const electedController = () => {
      const id = member?.controllerId() ?? -1;
      if (id < 0) return null;
      return interBrokerEndpoint(
        replayed,
        id,
        config.values['inter.broker.listener.name'] as string | null,
      );
    };
    const replayed = metadata;
    const controller =
      openCluster === undefined
        ? undefined
        : retryingControllerChannel(
            rpcControllerChannel(electedController, {
              clientId: `broker-${config.nodeId}-alter-partition`,
              requestTimeoutMs: Number(config.values['replica.socket.timeout.ms']),
              security: interBroker,
            }),
            {
              backoffMs: Number(config.values['replica.fetch.backoff.ms']),
              attempts: 20,
              schedule: (ms, fn) => environment.timers.schedule(ms, fn),
            },
          );
    data = await openDataPlane(config, {
      controller,
      interBrokerSecurity: interBroker,
      logDirs,
      environment,
      metadata,
      logger,
      onLogFlushed: flushTimes === undefined ? undefined : (ms) => flushTimes.observe(ms),
      verifyTransaction: (producerId, producerEpoch, topic, partition) =>
        opening.transactions === undefined
          ? 'INVALID_TXN_STATE'
          : opening.transactions.verifyProduce(producerId, producerEpoch, topic, partition),
    });
    const txnMarkers = new TxnMarkerChannel(data.replicas, logger);
    const groupLogger = namedLogger(root, 'kafka.coordinator.group');
    const txnLogger = namedLogger(root, 'kafka.coordinator.transaction');
    groups = await openGroupCoordinator({
      config,
      metadata,
      logger: groupLogger,
      replicas: data.replicas,
      txnMarkers,
      environment,
    });
    txn = await openTransactionCoordinator({
      config,
      metadata,
      replicas: data.replicas,
      logger: txnLogger,
      markers: txnMarkers,
      environment,
      interBrokerSecurity: interBroker,
    });
    const transactions = (opening.transactions = txn.coordinator);
    advertised = advertisedAddresses(config, server.boundListeners);
    const topicStats = metricsOn ? new BrokerTopicStats() : undefined;
    const requestStats = metricsOn ? new RequestStats() : undefined;
    const context: BrokerContext = {
      config,
      logger,
      environment,
      advertisedListeners: () => advertised,
      logDirs,
      clusterId,
      metadata,
      replicas: data.replicas,
      groups,
      transactions,
      txnMarkers,
      topicStats,
      security,
    };
    const opened = metadata;
    security.useScramCredentials((user, mechanism) =>
      opened.image.scramCredential(user, mechanism.type),
    );
    const pipeline = new RequestPipeline({
      maxUnauthenticatedBytes: security.maxUnauthenticatedBytes,
      nowMs: () => environment.clock.nowMs(),
      authorizer: options.authorizer ?? brokerAuthorizer(config, metadata),
      quotas: options.quotas ?? brokerQuotas(config, { metadata, environment }),
      principalBuilder: options.principalBuilder,
      metrics: bothRequestMetrics(options.requestMetrics, requestStats),
    });
    const handler =
      options.handler ?? createHandlerRegistry(context, options.handlers, pipeline).dispatch;
    const features = new Map([['metadata.version', METADATA_VERSION_RANGE.max]]);
    if (openCluster === undefined) {
      // Queued before any request can reach the metadata, so requests see this broker live.
      await metadata.registerBroker(advertised, features);
    } else {
      member = clusterMember(openCluster, { config, metadata, advertised, features, environment });
      context.cluster = member;
      // Requests wait at the gate until the controller has registered and unfenced this broker.
      await member.start();
    }
    if (topicStats !== undefined && requestStats !== undefined) {
      const listener = parseMetricsListener(String(config.values['metrics.listener']));
      if (typeof listener === 'string') throw new Error(`metrics.listener: ${listener}`);
      const opened = { replicas: data.replicas, groups, metadata };
      metricsServer = await startMetricsServer(
        createBrokerMetrics({
          // A single node is its own controller; in a cluster, the elected one is.
          isActiveController: () => member?.isActiveController() ?? true,
          replicas: opened.replicas,
          logs: data.logs,
          groups: opened.groups,
          metadata: opened.metadata,
          topicStats,
          requests: requestStats,
          connectionsByListener: () => server.connectionsByListener(),
          environment: environment.metrics,
          logFlushTimes: flushTimes,
          // In a cluster, lag of partitions led elsewhere is asked of their leaders.
          leaderOffsets:
            openCluster === undefined
              ? undefined
              : clusterLeaderOffsets(opened.metadata, {
                  nodeId: config.nodeId,
                  interBrokerListener: config.values['inter.broker.listener.name'] as string | null,
                  monotonicMs: () => environment.clock.monotonicMs(),
                  security: interBroker,
                }),
        }),
        { listener, logger },
      );
      // Kafka forgets a deleted topic's metrics.
      metadata.subscribe((change) => {
        if (change.type === 'topic-deleted') topicStats.removeTopic(change.topic.name);
      });
      logger.info(`Prometheus metrics on ${metricsServer.url}`);
    }
    dispatch = handler;
    ready(handler);
    logger.info(`[KafkaServer id=${config.nodeId}] started`, {
      listeners: advertised.map((a) => `${a.name}://${formatHostPort(a.host, a.port)}`),
      logDirs,
    });
  } catch (err) {
    failed(err);
    await metricsServer?.close();
    await server.stop({ timeoutMs: 0 });
    await member?.close();
    await txn?.close();
    groups?.close();
    await data?.close();
    await metadata?.close();
    cluster?.client.close();
    await lock?.release();
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const first = advertised[0]!;
  const openedMetadata = metadata;
  const openedData = data;
  const openedGroups = groups;
  const openedTxn = txn;
  const openedLock = lock;
  const openedMetrics = metricsServer;
  const openedMember = member;
  const openedCluster = cluster;
  let closing: Promise<void> | undefined;
  return {
    bootstrap: formatHostPort(first.host, first.port),
    port: server.boundListeners[0]!.port,
    listeners: server.boundListeners,
    nodeId: config.nodeId,
    dataDir,
    config,
    metrics:
      openedMetrics === undefined
        ? null
        : { host: openedMetrics.host, port: openedMetrics.port, url: openedMetrics.url },
    network: () => ({
      connections: server.connectionCount,
      requestBytes: server.memory.usedBytes,
      requestBytesPeak: server.memory.peakBytes,
      requestBytesLimit: server.memory.limitBytes,
      waitingForMemory: server.memory.waitingCount,
    }),
    // Closing twice waits for the first close.
    close: () =>
      (closing ??= (async () => {
        if (openedMember !== undefined) {
          // Controlled shutdown: leaderships move away while this broker still serves.
          const enabled = config.values['controlled.shutdown.enable'];
          const timeoutMs = enabled ? Number(config.values['controlled.shutdown.timeout.ms']) : 0;
          // etcd may be unreachable (its calls then wait): the broker stops all the same.
          const givenUp = await settledWithin(
            openedMember.shutdown({ timeoutMs }),
            timeoutMs + MEMBER_CLOSE_GRACE_MS,
          );
          if (givenUp) {
            logger.warn('[ControlledShutdown] etcd did not answer; stopping without it');
            // Closing stops the membership's loops at once, whatever its etcd calls do.
            await settledWithin(openedMember.close(), MEMBER_CLOSE_GRACE_MS);
          }
        }
        await openedMetrics?.close();
        await server.stop({ timeoutMs: options.shutdownTimeoutMs ?? 5000 });
        await openedTxn.close();
        openedGroups.close();
        await openedData.close();
        await openedMetadata.close();
        openedCluster?.client.close();
        await openedLock.release();
        logger.info(`[KafkaServer id=${config.nodeId}] shut down completed`);
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

/** How long closing the cluster membership may take beyond its controlled-shutdown time. */
const MEMBER_CLOSE_GRACE_MS = 10_000;

/** Waits for `promise` at most `timeoutMs`; true when it had not settled by then. */
async function settledWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<true>(
    (resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)),
  );
  try {
    return await Promise.race([
      promise.then(
        () => false,
        () => false,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The request metrics of the options and of the metrics endpoint; either may be absent. */
function bothRequestMetrics(
  given: RequestMetrics | undefined,
  stats: RequestStats | undefined,
): RequestMetrics | undefined {
  if (given === undefined || stats === undefined) return given ?? stats;
  return {
    record: (apiKey, apiVersion, errorCodes, timings) => {
      given.record(apiKey, apiVersion, errorCodes, timings);
      stats.record(apiKey, apiVersion, errorCodes, timings);
    },
  };
}

/** This broker's registration, controller election and controller in a cluster on etcd. */
function clusterMember(
  cluster: ClusterConnection,
  parts: {
    config: BrokerConfig;
    metadata: ClusterMetadata;
    advertised: readonly ListenerAddress[];
    features: ReadonlyMap<string, number>;
    environment: Environment;
  },
): ClusterMember {
  const { config, environment } = parts;
  const v = config.values;
  return new ClusterMember({
    client: cluster.client,
    prefix: cluster.prefix,
    endpoints: cluster.endpoints,
    nodeId: config.nodeId,
    rack: v['broker.rack'],
    listeners: parts.advertised,
    metadata: parts.metadata,
    store: cluster.store,
    sessionTimeoutMs: v['broker.session.timeout.ms'],
    heartbeatIntervalMs: v['broker.heartbeat.interval.ms'],
    uncleanLeaderElection: v['unclean.leader.election.enable'],
    features: parts.features,
    snapshotIntervalBatches: v['metadata.etcd.snapshot.interval.batches'],
    leaderBalance: {
      enabled: v['auto.leader.rebalance.enable'],
      intervalMs: Math.min(
        2 ** 31 - 1,
        Number(v['leader.imbalance.check.interval.seconds']) * 1000,
      ),
      percentage: v['leader.imbalance.per.broker.percentage'],
    },
    nowMs: () => environment.clock.nowMs(),
    randomUuid: () => environment.random.uuid(),
    logger: namedLogger(environment.logger, 'kafka.controller'),
  });
}

/** Topics created, deleted and changed, as Kafka's controller reports them. */
function logMetadataChanges(metadata: ClusterMetadata, logger: Logger): void {
  metadata.subscribe((change) => {
    switch (change.type) {
      case 'topic-created': {
        const { name, topicId, partitions } = change.topic;
        logger.info(`Created topic ${name} with topic ID ${topicId}`, {
          partitions: partitions.length,
          replicationFactor: partitions[0]?.replicas.length ?? 0,
          configs: Object.fromEntries(change.topic.configs),
        });
        break;
      }
      case 'topic-deleted':
        logger.info(`Deleted topic ${change.topic.name} with topic ID ${change.topic.topicId}`);
        break;
      case 'partitions-added':
        logger.info(`Added partitions to topic ${change.topic.name}`, {
          partitions: change.partitionIds,
        });
        break;
      case 'topic-config-changed':
        logger.info(`Changed configs of topic ${change.topic.name}`, { names: change.names });
        break;
      case 'broker-config-changed':
        logger.info(`Changed broker configs`, { broker: change.brokerId, names: change.names });
        break;
    }
  });
}

/** Where the metadata log lives. */
function openMetadataStore(
  options: StartBrokerOptions,
  logDirs: readonly string[],
  environment: Environment,
): Promise<MetadataLogStore> {
  if (options.metadataStore !== undefined) return Promise.resolve(options.metadataStore);
  return PartitionLogMetadataStore.open({ logDir: logDirs[0]!, fs: environment.fs });
}

/** The given environment (with `logger` and `fs` of the options, when given), else the real one. */
function environmentOf(
  options: StartBrokerOptions,
  config: BrokerConfig,
  logger: Logger,
): Environment {
  const fs = options.fs;
  if (options.environment !== undefined) {
    const env = options.environment;
    return {
      clock: env.clock,
      timers: env.timers,
      random: env.random,
      metrics: env.metrics,
      network: env.network,
      logger,
      fs: fs ?? env.fs,
    };
  }
  const maxOpenFiles = Number(config.values['log.max.open.files']);
  return systemEnvironment({ logger, fs: fs ?? new NodeFileSystem({ maxOpenFiles }) });
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

/** listener.name.<l>.max.connection.creation.rate of each listener that sets one. */
function listenerCreationRates(config: BrokerConfig): Map<string, number> {
  const rates = new Map<string, number>();
  for (const l of config.listeners) {
    const raw = config.explicit.get(
      `listener.name.${l.name.toLowerCase()}.max.connection.creation.rate`,
    );
    if (raw !== undefined && /^\d+$/.test(raw.trim())) rates.set(l.name, Number(raw));
  }
  return rates;
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
    maxConnectionsPerIpOverrides: parseConnectionOverrides(
      v['max.connections.per.ip.overrides'],
    ) as Map<string, number>,
    maxConnectionCreationRate: v['max.connection.creation.rate'],
    listenerConnectionCreationRates: listenerCreationRates(config),
    // Rivulet's default never refuses a frame socket.request.max.bytes allows; an explicit
    // value below it is a configuration error, as in Kafka. 0 or less: unbounded.
    maxQueuedRequestBytes:
      v['queued.max.request.bytes'] > 0
        ? Math.max(v['queued.max.request.bytes'], v['socket.request.max.bytes'])
        : 0,
  };
}

/**
 * advertised.listeners, else the listeners as bound. An advertised port 0 means the port its
 * listener of the same name was bound to (`rivulet start --port 0` on a file that advertises).
 */
function advertisedAddresses(
  config: BrokerConfig,
  bound: readonly ListenerAddress[],
): ListenerAddress[] {
  if (config.advertisedListeners === null) return bound.map(advertise);
  return config.advertisedListeners.map((a) => {
    const listener = bound.find((b) => b.name === a.name);
    // The listener's security protocol goes into the registration with its address.
    const securityProtocol = a.securityProtocol ?? listener?.securityProtocol;
    const port = a.port !== 0 ? a.port : (listener?.port ?? 0);
    return securityProtocol === undefined ? { ...a, port } : { ...a, port, securityProtocol };
  });
}

/** A listener bound to all interfaces is advertised under this machine's host name. */
function advertise(bound: ListenerAddress): ListenerAddress {
  const wildcard = bound.host === '' || bound.host === '0.0.0.0' || bound.host === '::';
  return wildcard ? { ...bound, host: hostname() } : bound;
}
