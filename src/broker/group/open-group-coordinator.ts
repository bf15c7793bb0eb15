// Starting the group coordinator inside a broker: it writes and loads __consumer_offsets
// through the replica manager, and follows the leadership of that topic's partitions: the
// ones this node leads now are loaded before the coordinator is handed out (on a single node,
// all of them), and each later change loads or unloads one. __consumer_offsets itself (a
// compacted internal topic with offsets.topic.num.partitions partitions) is made on first
// use. The coordinator learns of every COMMIT/ABORT marker written to its partitions.
import { internalTopicReplicationFactor } from '../controller/internal-topic-replication.js';
import type { ClusterMetadata } from '../../metadata/index.js';
import type { BrokerConfig } from '../config/index.js';
import type { Logger } from '../logger.js';
import type { ReplicaManager } from '../partition/index.js';
import { ledPartitions } from '../internal-topic-log.js';
import { CONSUMER_OFFSETS_TOPIC, ConsumerOffsetsLog } from './consumer-offsets-log.js';
import { GroupCoordinator } from './group-coordinator.js';
import { groupConfigFrom } from './group-config.js';
import type { Environment } from '../../util/index.js';

export interface OpenGroupCoordinatorOptions {
  config: BrokerConfig;
  metadata: ClusterMetadata;
  logger: Logger;
  environment: Environment;
  /** Where the coordinator's records are produced and fetched, and leadership announced. */
  replicas: ReplicaManager;
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

export async function openGroupCoordinator(
  options: OpenGroupCoordinatorOptions,
): Promise<GroupCoordinator> {
  const { config, metadata, logger, replicas } = options;
  const coordinator = new GroupCoordinator({
    log: new ConsumerOffsetsLog(replicas, () => options.environment.clock.nowMs()),
    config: groupConfigFrom(config),
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
    ensurePartitions: () => ensureConsumerOffsetsTopic({ config, metadata, logger }),
  });
  // Subscribed before loading: a marker written meanwhile is either read by the load or
  // applied here (applying it twice finds nothing left the second time).
  options.txnMarkers?.onTxnMarker((marker) => {
    if (marker.topic === CONSUMER_OFFSETS_TOPIC) coordinator.onTxnMarker(marker.partition, marker);
  });
  replicas.onLeadershipChange((change) =>
    change.topic === CONSUMER_OFFSETS_TOPIC ? coordinator.onLeadershipChange(change) : undefined,
  );
  await Promise.all(
    ledPartitions(metadata, replicas, CONSUMER_OFFSETS_TOPIC).map((led) =>
      coordinator.onLeadershipChange({ ...led, isLeader: true }),
    ),
  );
  return coordinator;
}

/**
 * Creates __consumer_offsets in the metadata (compacted, offsets.topic.num.partitions
 * partitions) if it is missing, so that Metadata lists it like Kafka does. Needs this broker
 * registered. Creating it opens its partitions, whose leadership the coordinator follows.
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
      replicationFactor: internalTopicReplicationFactor(
        config.values['offsets.topic.replication.factor'],
        metadata.liveBrokerIds().length,
      ),
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
