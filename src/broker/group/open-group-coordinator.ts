// Starting the group coordinator inside a broker: make sure __consumer_offsets exists (as a
// compacted internal topic with offsets.topic.num.partitions partitions), open its partition
// logs and load every partition, since a single node coordinates every group. Transactional
// offset commits are appended through the replica manager's produce path, and the
// coordinator learns of every COMMIT/ABORT marker written to a __consumer_offsets partition.
import type { ClusterMetadata } from '../../metadata/index.js';
import type { LogConfig, LogManager } from '../../storage/index.js';
import type { BrokerConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { ReplicaManager } from '../partition/index.js';
import type { TxnProducer } from './coordinator-log.js';
import {
  CONSUMER_OFFSETS_TOPIC,
  ConsumerOffsetsLog,
  type TransactionalAppender,
} from './consumer-offsets-log.js';
import { GroupCoordinator } from './group-coordinator.js';
import { groupConfigFrom } from './group-config.js';
import type { Environment } from '../../util/index.js';

export interface OpenGroupCoordinatorOptions {
  config: BrokerConfig;
  metadata: ClusterMetadata;
  logs: LogManager;
  logger: Logger;
  environment: Environment;
  /** The produce path for transactional offset commits; without it TxnOffsetCommit fails. */
  replicas?: ReplicaManager;
  /** Where the coordinator learns of markers written to partitions (the transaction side). */
  txnMarkers?: TxnMarkerSource;
}

/** A marker now in the log of `topic`-`partition`. */
export interface WrittenMarker {
  topic: string;
  partition: number;
  producerId: bigint;
  commit: boolean;
}

export interface TxnMarkerSource {
  onTxnMarker(listener: (marker: WrittenMarker) => void): () => void;
}

const INT32_MAX = 2 ** 31 - 1;
/** Produce v9: the version the coordinator's own batches are checked as. */
const PRODUCE_VERSION = 9;

/** Transactional appends through the partitions' produce path, with their verification. */
export function replicaAppender(replicas: ReplicaManager): TransactionalAppender {
  return {
    nextSequence(partition: number, producer: TxnProducer): number {
      const p = replicas.getPartition(CONSUMER_OFFSETS_TOPIC, partition);
      const entry = p?.producers.entry(producer.producerId);
      // A new producer or epoch starts at 0; an older epoch is refused by the partition.
      if (entry === undefined || entry.epoch !== producer.producerEpoch) return 0;
      const last = entry.batches[entry.batches.length - 1]?.lastSequence;
      return last === undefined || last === INT32_MAX ? 0 : last + 1;
    },
    async append(partition: number, batch: Buffer) {
      const result = await replicas.append(CONSUMER_OFFSETS_TOPIC, partition, {
        records: batch,
        acks: -1,
        apiVersion: PRODUCE_VERSION,
      });
      return { error: result.error, baseOffset: result.baseOffset };
    },
  };
}

export async function openGroupCoordinator(
  options: OpenGroupCoordinatorOptions,
): Promise<GroupCoordinator> {
  const { config, metadata, logs, logger } = options;
  const groupConfig = groupConfigFrom(config);
  const segmentBytes = config.values['offsets.topic.segment.bytes'];
  const logConfig: Partial<LogConfig> = { cleanupPolicy: 'compact', segmentBytes };
  const log = new ConsumerOffsetsLog({
    get: (p) => logs.getLog(CONSUMER_OFFSETS_TOPIC, p),
    create: async (p) => {
      // The first write to a partition (an OffsetCommit may come before any FindCoordinator)
      // makes sure the topic exists in the metadata: a log the image does not know is a stray
      // log, deleted at the next start. Creating the topic opens its logs through the replica
      // manager; the log is created here only if that did not happen.
      await ensureConsumerOffsetsTopic({ config, metadata, logger });
      const existing = logs.getLog(CONSUMER_OFFSETS_TOPIC, p);
      if (existing !== undefined) return existing;
      const topicId = metadata.image.topic(CONSUMER_OFFSETS_TOPIC)?.topicId;
      return logs.createLog(
        CONSUMER_OFFSETS_TOPIC,
        p,
        logConfig,
        topicId === undefined ? {} : { topicId },
      );
    },
    transactional: options.replicas && replicaAppender(options.replicas),
    nowMs: () => options.environment.clock.nowMs(),
  });
  const coordinator = new GroupCoordinator({
    log,
    config: groupConfig,
    environment: options.environment,
    logger,
    topics: {
      byName: (name) => {
        const t = metadata.image.topic(name);
        return t && { topicId: t.topicId, partitionCount: t.partitions.length };
      },
      byId: (topicId) => {
        const t = metadata.image.topicById(topicId);
        return t && { name: t.name, partitionCount: t.partitions.length };
      },
      names: () => metadata.image.topics().map((t) => t.name),
    },
    groupConfigs: (groupId) => metadata.image.groupConfigs(groupId),
  });
  // Subscribed before loading: a marker written meanwhile is either read by the load or
  // applied here (applying it twice finds nothing left the second time).
  options.txnMarkers?.onTxnMarker((marker) => {
    if (marker.topic === CONSUMER_OFFSETS_TOPIC) coordinator.onTxnMarker(marker.partition, marker);
  });
  await coordinator.load();
  return coordinator;
}

/**
 * Creates __consumer_offsets in the metadata (compacted, offsets.topic.num.partitions
 * partitions) if it is missing, so that Metadata lists it like Kafka does. Needs this broker
 * registered. Its logs are created by the coordinator on the first write to each partition.
 */
export async function ensureConsumerOffsetsTopic(
  options: Pick<OpenGroupCoordinatorOptions, 'config' | 'metadata' | 'logger'>,
): Promise<void> {
  const { config, metadata, logger } = options;
  if (metadata.image.topic(CONSUMER_OFFSETS_TOPIC) !== undefined) return;
  const topicConfigs = new Map([
    ['cleanup.policy', 'compact'],
    ['segment.bytes', String(config.values['offsets.topic.segment.bytes'])],
    ['compression.type', 'producer'],
  ]);
  const [result] = await metadata.createTopics([
    {
      name: CONSUMER_OFFSETS_TOPIC,
      numPartitions: groupConfigFrom(config).offsetsTopicNumPartitions,
      replicationFactor: 1,
      configs: topicConfigs,
    },
  ]);
  if (
    result &&
    result.errorCode !== 0 &&
    metadata.image.topic(CONSUMER_OFFSETS_TOPIC) === undefined
  ) {
    logger.warn(
      `${CONSUMER_OFFSETS_TOPIC} could not be created: ${result.errorMessage ?? result.errorCode}`,
    );
  }
}
