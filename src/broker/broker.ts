// Starting and stopping one broker: resolve the configuration, prepare the data directory,
// bind the listeners with the handler registry behind them.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ClusterMetadata,
  PartitionLogMetadataStore,
  ensureMetaProperties,
  type MetadataLogStore,
} from '../metadata/index.js';
import type { FileSystem } from '../storage/index.js';
import type { BrokerContext } from './broker-context.js';
import { openDataPlane, type DataPlane } from './data-plane.js';
import { resolveBrokerConfig, type BrokerConfig } from './config/index.js';
import { openGroupCoordinator, type GroupCoordinator } from './group/index.js';
import { createHandlerRegistry, type HandlerFactory } from './handlers/index.js';
import { METADATA_VERSION_RANGE } from './handlers/18-api-versions.js';
import { silentLogger, type Logger } from './logger.js';
import {
  TxnMarkerChannel,
  openTransactionCoordinator,
  type OpenedTransactionCoordinator,
  type TransactionCoordinator,
} from './txn/index.js';
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
  /** Keeps the metadata log here instead of `__cluster_metadata-0` (tests). */
  metadataStore?: MetadataLogStore;
  /** How long close() waits for requests in flight. Default 5000 ms. */
  shutdownTimeoutMs?: number;
  /** The file system of the partition logs (tests inject failures through it). */
  fs?: FileSystem;
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
  const logDirs = (ownsDataDir ? [dataDir] : config.logDirs).map((d) => resolve(d));
  let advertised: ListenerAddress[] = [];
  let metadata: ClusterMetadata | undefined;
  let data: DataPlane | undefined;
  let groups: GroupCoordinator | undefined;
  let txn: OpenedTransactionCoordinator | undefined;
  let server: NetworkServer;
  try {
    const clusterId = await ensureMetaProperties(logDirs, config.nodeId);
    metadata = await ClusterMetadata.open({
      store: await openMetadataStore(options, logDirs),
      nodeId: config.nodeId,
      onListenerError: (err, change) =>
        logger.error(`applying metadata change ${change.type} failed: ${String(err)}`),
    });
    // The coordinator is opened after the logs (it replays __transaction_state from them), but
    // the partitions ask it about transactional batches: until it is there, nothing verifies.
    const ready: { transactions?: TransactionCoordinator } = {};
    data = await openDataPlane(config, {
      logDirs,
      fs: options.fs,
      metadata,
      logger,
      verifyTransaction: (producerId, producerEpoch, topic, partition) =>
        ready.transactions === undefined
          ? 'INVALID_TXN_STATE'
          : ready.transactions.state.verifyProduce(producerId, producerEpoch, topic, partition),
    });
    const txnMarkers = new TxnMarkerChannel(data.replicas, logger);
    groups = await openGroupCoordinator({
      config,
      metadata,
      logs: data.logs,
      logger,
      replicas: data.replicas,
      txnMarkers,
    });
    txn = await openTransactionCoordinator({
      config,
      metadata,
      logs: data.logs,
      logger,
      markers: txnMarkers,
    });
    const transactions = (ready.transactions = txn.coordinator);
    const context: BrokerContext = {
      config,
      logger,
      advertisedListeners: () => advertised,
      logDirs,
      clusterId,
      metadata,
      replicas: data.replicas,
      groups,
      transactions,
      txnMarkers,
    };
    const handler = options.handler ?? createHandlerRegistry(context, options.handlers).dispatch;
    server = await startServer(handler, {
      listeners: config.listeners,
      limits: limitsOf(config),
      logger,
    });
    advertised = config.advertisedListeners ?? server.boundListeners.map(advertise);
    // Queued before any request can reach the metadata, so requests see this broker live.
    await metadata.registerBroker(
      advertised,
      new Map([['metadata.version', METADATA_VERSION_RANGE.max]]),
    );
  } catch (err) {
    await txn?.close();
    groups?.close();
    await data?.close();
    await metadata?.close();
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const first = advertised[0]!;
  const openedMetadata = metadata;
  const openedData = data;
  const openedGroups = groups;
  const openedTxn = txn;
  let closing: Promise<void> | undefined;
  return {
    bootstrap: formatHostPort(first.host, first.port),
    port: server.boundListeners[0]!.port,
    nodeId: config.nodeId,
    dataDir,
    config,
    // Closing twice waits for the first close.
    close: () =>
      (closing ??= (async () => {
        await server.stop({ timeoutMs: options.shutdownTimeoutMs ?? 5000 });
        await openedTxn.close();
        openedGroups.close();
        await openedData.close();
        await openedMetadata.close();
        if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

/** Where the metadata log lives. */
function openMetadataStore(
  options: StartBrokerOptions,
  logDirs: readonly string[],
): Promise<MetadataLogStore> {
  if (options.metadataStore !== undefined) return Promise.resolve(options.metadataStore);
  return PartitionLogMetadataStore.open({ logDir: logDirs[0]! });
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
