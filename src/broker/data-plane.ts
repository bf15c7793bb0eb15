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

const PRODUCER_EXPIRATION_CHECK_MS = 600_000;

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
  const replicas = new ReplicaManager({
    logs,
    broker: config,
    fetchSessionSlots: Number(v['max.incremental.fetch.session.cache.slots']),
    verifyTransaction: options.verifyTransaction,
    nowMs: () => env.clock.nowMs(),
    timers: env.timers,
    random: () => env.random.next(),
  });
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
