// Starting the group coordinator inside a broker: make sure __consumer_offsets exists (as a
// compacted internal topic with offsets.topic.num.partitions partitions), open its partition
// logs and load every partition, since a single node coordinates every group.
import type { ClusterMetadata } from '../../metadata/index.js';
import type { LogConfig, LogManager } from '../../storage/index.js';
import type { BrokerConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import { CONSUMER_OFFSETS_TOPIC, ConsumerOffsetsLog } from './consumer-offsets-log.js';
import { GroupCoordinator } from './group-coordinator.js';
import { groupConfigFrom } from './group-config.js';
import type { GroupTimer } from './group-timer.js';

export interface OpenGroupCoordinatorOptions {
  config: BrokerConfig;
  metadata: ClusterMetadata;
  logs: LogManager;
  logger: Logger;
  timer?: GroupTimer;
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
    create: (p) => {
      // The topic is created once the broker is registered; its id goes to partition.metadata.
      const topicId = metadata.image.topic(CONSUMER_OFFSETS_TOPIC)?.topicId;
      return logs.createLog(
        CONSUMER_OFFSETS_TOPIC,
        p,
        logConfig,
        topicId === undefined ? {} : { topicId },
      );
    },
  });
  const coordinator = new GroupCoordinator({
    log,
    config: groupConfig,
    timer: options.timer,
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
    },
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
