// The broker's storage and replica manager: opens every log of log.dirs (recovering after a
// crash), opens the partitions the metadata image says this node leads and follows the image,
// and closes it all in the order a clean shutdown needs (producer snapshots, then logs with
// their checkpoints and clean-shutdown markers).
import { METADATA_LOG_DIR_NAME, type ClusterMetadata } from '../metadata/index.js';
import { LogManager } from '../storage/index.js';
import type { Environment } from '../util/index.js';
import type { BrokerConfig } from './config/index.js';
import { namedLogger, type Logger } from './logger.js';
import { ReplicaManager, type ReplicaManagerOptions } from './partition/index.js';
import { syncWithMetadata } from './partition/metadata-sync.js';
import { ReplicaFetcherManager } from './partition/replica-fetcher-manager.js';
import { ReplicationQuota, isThrottledReplica } from './partition/replication-quota.js';
import { parseReplicaSelector, type ReplicaSelector } from './partition/replica-selector.js';
import { localControllerChannel, type ControllerChannel } from './partition/controller-channel.js';
import type { InterBrokerSecurity } from './partition/inter-broker-connection.js';

const PRODUCER_EXPIRATION_CHECK_MS = 600_000;
/** SecurityProtocol id of PLAINTEXT in broker registrations. */
const PLAINTEXT = 0;

export interface DataPlane {
  logs: LogManager;
  replicas: ReplicaManager;
  close(): Promise<void>;
}

function safe(n: number): number {
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

export async function openDataPlane(
  config: BrokerConfig,
  options: {
    logDirs: readonly string[];
    /** Clock, timers, randomness and the partition logs' file system. */
    environment: Environment;
    metadata: ClusterMetadata;
    logger: Logger;
    /** The transaction coordinator's verification (see ReplicaManagerOptions). */
    verifyTransaction?: ReplicaManagerOptions['verifyTransaction'];
    /** Told how long each partition log flush took (the metrics endpoint's flush times). */
    onLogFlushed?: (durationMs: number) => void;
    /** Where ISR changes go; default: this process's metadata writer. */
    controller?: ControllerChannel;
    /** TLS and SASL of the connections to the other brokers; none: PLAINTEXT. */
    interBrokerSecurity?: () => Promise<InterBrokerSecurity>;
  },
): Promise<DataPlane> {
  const v = config.values;
  const env = options.environment;
  const logs = await LogManager.open({
    logDirs: options.logDirs,
    fs: env.fs,
    clock: env.clock,
    scheduler: env.timers,
    random: () => env.random.next(),
    // The metadata log has its own owner (src/metadata), as KRaft's has in Kafka.
    excludeDirs: [METADATA_LOG_DIR_NAME],
    onLogFlushed: options.onLogFlushed,
    logger: namedLogger(options.logger, 'kafka.log'),
    manager: {
      retentionCheckIntervalMs: safe(Number(v['log.retention.check.interval.ms'])),
      flushOffsetCheckpointIntervalMs: safe(Number(v['log.flush.offset.checkpoint.interval.ms'])),
      cleanerBackoffMs: safe(Number(v['log.cleaner.backoff.ms'])),
      cleanerDedupeBufferSize: safe(Number(v['log.cleaner.dedupe.buffer.size'])),
      cleanerEnable: Boolean(v['log.cleaner.enable']),
    },
  });
  const metadata = options.metadata;
  const nodeId = config.nodeId;
  const fetchers = new ReplicaFetcherManager({
    config: {
      localId: nodeId,
      fetchMaxBytes: Number(v['replica.fetch.max.bytes']),
      responseMaxBytes: Number(v['replica.fetch.response.max.bytes']),
      waitMaxMs: Number(v['replica.fetch.wait.max.ms']),
      minBytes: Number(v['replica.fetch.min.bytes']),
      backoffMs: Number(v['replica.fetch.backoff.ms']),
    },
    numFetchers: Number(v['num.replica.fetchers']),
    requestTimeoutMs: Number(v['replica.socket.timeout.ms']),
    endpointOf: (brokerId) =>
      interBrokerEndpoint(metadata, brokerId, v['inter.broker.listener.name']),
    security: options.interBrokerSecurity,
    timers: env.timers,
    monotonicMs: () => env.clock.monotonicMs(),
    logger: namedLogger(options.logger, 'kafka.server.ReplicaFetcherThread'),
    throttle: {
      // Read at each use: `reassign-partitions --throttle` sets it as a dynamic broker config.
      quota: new ReplicationQuota({
        rateBytesPerSec: () => safe(Number(config.values['follower.replication.throttled.rate'])),
        monotonicMs: () => env.clock.monotonicMs(),
      }),
      // As Kafka's fetcher: only a replica out of the ISR is throttled, so a throttle never
      // slows acks=all writes that wait for in-sync followers.
      isThrottled: (p) => {
        const topic = metadata.image.topic(p.topic);
        if (topic?.partitions[p.partition]?.isr.includes(nodeId) !== false) return false;
        const value = topic.configs.get('follower.replication.throttled.replicas');
        return isThrottledReplica(value, p.partition, nodeId);
      },
    },
  });
  const lagMs = safe(Number(v['replica.lag.time.max.ms']));
  const replicas = new ReplicaManager({
    logs,
    broker: config,
    fetchSessionSlots: Number(v['max.incremental.fetch.session.cache.slots']),
    verifyTransaction: options.verifyTransaction,
    nowMs: () => env.clock.nowMs(),
    timers: env.timers,
    random: () => env.random.next(),
    fetchers,
    controller: options.controller ?? localControllerChannel(metadata),
    brokerEpoch: () => metadata.image.broker(nodeId)?.brokerEpoch ?? -1n,
    replicaLagTimeMaxMs: lagMs,
    replicaSelector: replicaSelectorOf(v['replica.selector.class'] as string | null),
    rackOf: (id) => metadata.image.broker(id)?.rack ?? null,
    logger: namedLogger(options.logger, 'kafka.cluster.Partition'),
  });
  await replicas.loadHighWatermarks();
  const unsubscribe = await syncWithMetadata(replicas, options.metadata, config, options.logger);
  const strays = await replicas.deleteStrayLogs();
  if (strays.length > 0) {
    options.logger.warn(
      `deleted logs of partitions the metadata does not have: ${strays.join(', ')}`,
    );
  }
  logs.startBackgroundJobs();
  // Kafka's producer.id.expiration.check.interval.ms default; the check is cheap.
  const expirationMs = Number(v['producer.id.expiration.ms']);
  logs.every('producer-expiration', PRODUCER_EXPIRATION_CHECK_MS, () =>
    Promise.resolve(replicas.expireProducers(expirationMs)),
  );
  // Kafka checks the ISR every half of replica.lag.time.max.ms.
  logs.every('isr-expiration', Math.max(1, Math.floor(lagMs / 2)), () =>
    Promise.resolve(replicas.maybeShrinkIsr()),
  );
  logs.every(
    'highwatermark-checkpoint',
    safe(Number(v['replica.high.watermark.checkpoint.interval.ms'])),
    () => replicas.checkpointHighWatermarks(),
  );
  return {
    logs,
    replicas,
    close: async () => {
      unsubscribe();
      await replicas.close();
      await logs.close();
    },
  };
}

/**
 * The endpoint followers fetch from: the listener named inter.broker.listener.name in the
 * broker's registration, else its first PLAINTEXT one, else its first one.
 */
export function interBrokerEndpoint(
  metadata: ClusterMetadata,
  brokerId: number,
  listenerName: string | null,
): { host: string; port: number } | null {
  const broker = metadata.image.broker(brokerId);
  if (broker === undefined || broker.endpoints.length === 0) return null;
  // Listener names are case-insensitive (the config check upper-cases them). Without
  // inter.broker.listener.name, Kafka's default security.inter.broker.protocol is PLAINTEXT;
  // a broker with no PLAINTEXT listener is reached on its first.
  const wanted = listenerName?.toUpperCase();
  const named =
    wanted === undefined
      ? broker.endpoints.find((e) => e.securityProtocol === PLAINTEXT)
      : broker.endpoints.find((e) => e.name.toUpperCase() === wanted);
  const e = named ?? broker.endpoints[0]!;
  return { host: e.host, port: e.port };
}

/** replica.selector.class as a policy (the config check has refused any other value). */
function replicaSelectorOf(value: string | null): ReplicaSelector {
  const selector = parseReplicaSelector(value);
  return selector === 'rack-aware' ? 'rack-aware' : 'leader';
}
