// Starting the transaction coordinator inside a broker: its state lives in the compacted
// internal topic `__transaction_state` (transaction.state.log.num.partitions partitions, made
// in the metadata on first use, as Kafka does), written and read through the replica manager.
// The partitions this node leads are loaded before the coordinator is handed out (on a
// single node, all of them) and each later leadership change loads or unloads one. Markers go
// to this node's partitions, a periodic job aborts transactions past their timeout and
// retries markers that failed; another deletes transactional ids unused for
// transactional.id.expiration.ms.
import { internalTopicReplicationFactor } from '../controller/internal-topic-replication.js';
import type { ClusterMetadata } from '../../metadata/index.js';
import type { BrokerConfig } from '../config/index.js';
import { ledPartitions } from '../internal-topic-log.js';
import type { Logger } from '../logger.js';
import type { ReplicaManager } from '../partition/index.js';
import type { Environment, Timers } from '../../util/index.js';
import { ProducerIdManager } from './producer-id-manager.js';
import { TransactionCoordinator } from './transaction-coordinator.js';
import { TRANSACTION_STATE_TOPIC, TransactionStateLog } from './transaction-state-log.js';
import type { TxnMarkerChannel } from './txn-marker-channel.js';
import { TxnMarkerRouter } from './txn-marker-router.js';
import { interBrokerEndpoint } from '../data-plane.js';
import { connectToBroker, type InterBrokerSecurity } from '../partition/inter-broker-connection.js';

/** The pause between rounds of marker sends to moved or unreachable leaders. */
const MARKER_RETRY_BACKOFF_MS = 200;
/**
 * How long an EndTxn's markers are retried before the rest is left to the periodic job: a
 * leader election (a few seconds) fits in it, and the client's EndTxn (request.timeout.ms,
 * 30 s) is still answered.
 */
const MARKER_RETRY_FOR_MS = 15_000;

/** Runs `job` every `intervalMs` until the returned function is called. */
export type RepeatScheduler = (intervalMs: number, job: () => Promise<unknown>) => () => void;

export interface OpenTransactionCoordinatorOptions {
  config: BrokerConfig;
  metadata: ClusterMetadata;
  /** Where the coordinator's records are produced and fetched, and leadership announced. */
  replicas: ReplicaManager;
  logger: Logger;
  /** Where markers go (over the ReplicaManager). */
  markers: TxnMarkerChannel;
  /** The clock of transaction timeouts and the timers of the periodic jobs. */
  environment: Environment;
  /** TLS and SASL towards other brokers' inter-broker listener; none: PLAINTEXT. */
  interBrokerSecurity?: () => Promise<InterBrokerSecurity>;
}

export interface OpenedTransactionCoordinator {
  coordinator: TransactionCoordinator;
  /** Stops the expiry job and waits for operations in flight. */
  close(): Promise<void>;
}

export async function openTransactionCoordinator(
  options: OpenTransactionCoordinatorOptions,
): Promise<OpenedTransactionCoordinator> {
  const { config, metadata, replicas, logger } = options;
  const v = config.values;
  const log = new TransactionStateLog(
    replicas,
    () => options.environment.clock.nowMs(),
    (partition) =>
      logger.warn(`${TRANSACTION_STATE_TOPIC}-${partition}: a record that does not decode skipped`),
  );
  const ids = new ProducerIdManager(() => metadata.allocateProducerIdBlock());
  // Markers go to each partition's leader: this node's through the channel, the others over
  // the network (a single node leads them all, so nothing leaves the process).
  const markers = new TxnMarkerRouter({
    localId: config.nodeId,
    metadata,
    local: options.markers,
    endpointOf: (id) => interBrokerEndpoint(metadata, id, v['inter.broker.listener.name']),
    connect: (host, port) =>
      connectToBroker(host, port, {
        clientId: `broker-${config.nodeId}-txn-marker-sender`,
        requestTimeoutMs: Number(v['replica.socket.timeout.ms']),
        security: options.interBrokerSecurity,
      }),
    backoffMs: MARKER_RETRY_BACKOFF_MS,
    retryForMs: MARKER_RETRY_FOR_MS,
    monotonicMs: () => options.environment.clock.monotonicMs(),
    schedule: (ms, fn) => options.environment.timers.schedule(ms, fn),
    logger,
  });
  const coordinator = new TransactionCoordinator({
    log,
    markers,
    nowMs: () => options.environment.clock.nowMs(),
    newProducerId: () => ids.generate(),
    // An existing topic keeps its partition count: the ids were placed by it.
    numPartitions:
      metadata.image.topic(TRANSACTION_STATE_TOPIC)?.partitions.length ??
      v['transaction.state.log.num.partitions'],
    maxTimeoutMs: v['transaction.max.timeout.ms'],
    logger,
    ensurePartitions: () => ensureTransactionStateTopic({ config, metadata, logger }),
    coordinatedElsewhere: () =>
      metadata.image
        .topic(TRANSACTION_STATE_TOPIC)
        ?.partitions.some((p) => p.leader !== config.nodeId) ?? false,
  });
  const unsubscribe = replicas.onLeadershipChange((change) =>
    change.topic === TRANSACTION_STATE_TOPIC ? coordinator.onLeadershipChange(change) : undefined,
  );
  await Promise.all(
    ledPartitions(metadata, replicas, TRANSACTION_STATE_TOPIC).map((led) =>
      coordinator.onLeadershipChange({ ...led, isLeader: true }),
    ),
  );
  const every = repeatEvery(options.environment.timers);
  const stop = every(v['transaction.abort.timed.out.transaction.cleanup.interval.ms'], () =>
    coordinator.abortExpired().then((n) => {
      if (n > 0) logger.info(`aborted ${n} timed out transaction(s)`);
    }),
  );
  const expirationMs = v['transactional.id.expiration.ms'];
  const stopRemoval = every(v['transaction.remove.expired.transaction.cleanup.interval.ms'], () =>
    coordinator.removeIdleIds(expirationMs).then((n) => {
      if (n > 0) logger.info(`removed ${n} expired transactional id(s)`);
    }),
  );
  return {
    coordinator,
    close: async () => {
      stop();
      stopRemoval();
      unsubscribe();
      markers.close();
      coordinator.close();
      await coordinator.idle();
    },
  };
}

/**
 * Creates __transaction_state in the metadata (compacted, transaction.state.log.num.partitions
 * partitions) if it is missing, so that Metadata lists it as Kafka does. Needs this broker
 * registered.
 */
export async function ensureTransactionStateTopic(
  options: Pick<OpenTransactionCoordinatorOptions, 'config' | 'metadata' | 'logger'>,
): Promise<void> {
  const { config, metadata, logger } = options;
  if (metadata.image.topic(TRANSACTION_STATE_TOPIC) !== undefined) return;
  const v = config.values;
  const replicationFactor = internalTopicReplicationFactor(
    v['transaction.state.log.replication.factor'],
    metadata.liveBrokerIds().length,
  );
  const configs = new Map([
    ['cleanup.policy', 'compact'],
    ['segment.bytes', String(v['transaction.state.log.segment.bytes'])],
    ['compression.type', 'uncompressed'],
  ]);
  if (replicationFactor > 1) {
    // As in Kafka, transaction.state.log.min.isr becomes the topic's min.insync.replicas.
    const minIsr = Math.min(v['transaction.state.log.min.isr'], replicationFactor);
    configs.set('min.insync.replicas', String(minIsr));
  }
  const [result] = await metadata.createTopics([
    {
      name: TRANSACTION_STATE_TOPIC,
      numPartitions: v['transaction.state.log.num.partitions'],
      replicationFactor,
      configs,
    },
  ]);
  if (
    result &&
    result.errorCode !== 0 &&
    metadata.image.topic(TRANSACTION_STATE_TOPIC) === undefined
  ) {
    logger.warn(
      `${TRANSACTION_STATE_TOPIC} could not be created: ${result.errorMessage ?? result.errorCode}`,
    );
  }
}

/** Runs `job` every `intervalMs` on `timers`, never two runs at once. */
function repeatEvery(timers: Timers): RepeatScheduler {
  return (intervalMs, job) => {
    let stopped = false;
    let cancel = (): void => {};
    const schedule = (): void => {
      cancel = timers.schedule(intervalMs, () => {
        void job()
          .catch(() => undefined)
          .finally(() => {
            if (!stopped) schedule();
          });
      });
    };
    schedule();
    return () => {
      stopped = true;
      cancel();
    };
  };
}
