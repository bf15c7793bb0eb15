// Keeps the replica manager in step with the metadata image: at start every partition this
// node holds a replica of is opened as leader or follower (the image's leader, leader epoch,
// replicas and ISR), then each committed change creates, extends, reconfigures or deletes
// partitions, and a PartitionChangeRecord moves a partition between becomeLeader and
// becomeFollower. New partitions' logs are made before their records commit (the preparer), so a
// creation that cannot get its logs fails instead of committing a topic with no logs.
// The replica manager announces each partition it opens or moves between roles; each one about
// to be removed is announced here as no longer led, so the coordinators load and unload their
// internal topics.
import type { ClusterMetadata, PartitionPreparer, TopicImage } from '../../metadata/index.js';
import { ErrorCode } from '../../protocol/index.js';
import { forEachConcurrently } from '../../util/index.js';
import { applyDynamicBrokerConfigs, type BrokerConfig } from '../config/index.js';
import type { ReplicaManager } from './replica-manager.js';
import { isStorageFailure } from './storage-failure.js';

/** Partitions opened (or created) at once: their file system calls overlap. */
const OPEN_CONCURRENCY = 32;

/**
 * Opens (or applies the new assignment of) the partitions this node is a replica of. A
 * partition open here that the image no longer lists this node a replica of (a reassignment
 * moved it) is removed with its log.
 */
export async function openLedPartitions(
  replicas: ReplicaManager,
  topic: TopicImage,
  nodeId: number,
  partitionIds?: readonly number[],
  /** At start: a partition whose storage fails is logged and left offline, not fatal. */
  offlineOnFailure?: { error(message: string): void },
): Promise<void> {
  const wanted = partitionIds === undefined ? null : new Set(partitionIds);
  const held = topic.partitions.filter(
    (p): p is NonNullable<typeof p> =>
      p !== undefined &&
      (p.leader === nodeId ||
        p.replicas.includes(nodeId) ||
        replicas.getPartition(topic.name, p.partitionId) !== undefined) &&
      (wanted === null || wanted.has(p.partitionId)),
  );
  await forEachConcurrently(held, OPEN_CONCURRENCY, async (p) => {
    if (!p.replicas.includes(nodeId) && p.leader !== nodeId) {
      await replicas.removeReplica(topic.name, p.partitionId);
      return;
    }
    const spec = {
      topic: topic.name,
      partition: p.partitionId,
      topicId: topic.topicId,
      leaderEpoch: p.leaderEpoch,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      partitionEpoch: p.partitionEpoch,
    };
    try {
      await replicas.ensurePartition(spec, topic.configs);
    } catch (err) {
      if (offlineOnFailure === undefined || !isStorageFailure(err)) throw err;
      const why = err instanceof Error ? err.message : String(err);
      replicas.markOffline(topic.name, p.partitionId, why);
      offlineOnFailure.error(
        `partition ${topic.name}-${p.partitionId} is offline (KAFKA_STORAGE_ERROR until a restart opens it): ${why}`,
      );
    }
  });
}

/** Announces that this node no longer leads the partitions of `topic` it has open. */
async function closeLedPartitions(
  replicas: ReplicaManager,
  topic: TopicImage,
  partitionIds: readonly number[],
): Promise<void> {
  for (const id of partitionIds) {
    if (replicas.getPartition(topic.name, id) === undefined) continue;
    const leaderEpoch = topic.partitions[id]?.leaderEpoch ?? 0;
    await replicas.notifyLeadershipChange({
      topic: topic.name,
      partition: id,
      isLeader: false,
      leaderEpoch,
    });
  }
}

/**
 * Makes the logs of partitions about to be created, before their records commit: a log that
 * cannot be made (KAFKA_STORAGE_ERROR: no space, too many open files, an I/O error) fails the
 * creation instead of leaving the metadata naming a partition that has no log.
 */
export function partitionPreparer(
  replicas: ReplicaManager,
  nodeId: number,
  logger?: { error(message: string): void },
): PartitionPreparer {
  const discard = async (topic: TopicImage, ids: readonly number[]): Promise<void> => {
    await closeLedPartitions(replicas, topic, ids);
    await replicas.discardPartitions(topic.name, ids, {
      forgetTopic: ids.length === topic.partitions.length,
    });
  };
  return {
    prepare: async (topic, ids) => {
      try {
        await openLedPartitions(replicas, topic, nodeId, ids);
        return null;
      } catch (err) {
        await discard(topic, ids);
        if (!isStorageFailure(err)) throw err;
        const why = err instanceof Error ? err.message : String(err);
        logger?.error(`cannot create the logs of ${topic.name}: ${why}`);
        return {
          errorCode: ErrorCode.KAFKA_STORAGE_ERROR,
          errorMessage: `Cannot create the logs of ${topic.name}: ${why}`,
        };
      }
    },
    discard,
  };
}

/** Sets the broker's dynamic config layers from the image (this node's and the default). */
function applyBrokerConfigs(config: BrokerConfig, metadata: ClusterMetadata): void {
  applyDynamicBrokerConfigs(config, {
    perBroker: metadata.image.brokerConfigs(metadata.nodeId),
    clusterDefault: metadata.image.brokerConfigs(null),
  });
}

/**
 * Opens the partitions of the current image and follows its changes; returns the unsubscribe.
 * Dynamic broker configs are applied to `config` first, so topics open with them.
 */
export async function syncWithMetadata(
  replicas: ReplicaManager,
  metadata: ClusterMetadata,
  config: BrokerConfig,
  logger?: { error(message: string): void },
): Promise<() => void> {
  const nodeId = metadata.nodeId;
  applyBrokerConfigs(config, metadata);
  // A partition whose storage cannot be opened must not keep the broker from starting (a
  // restart would fail the same way, over and over): it stays offline and says why.
  const offline = logger ?? { error: () => undefined };
  for (const topic of metadata.image.topics()) {
    await openLedPartitions(replicas, topic, nodeId, undefined, offline);
  }
  const unprepare = metadata.prepareWith(partitionPreparer(replicas, nodeId, logger));
  const unsubscribe = metadata.subscribe(async (change) => {
    switch (change.type) {
      case 'topic-created':
        return openLedPartitions(replicas, change.topic, nodeId);
      case 'partitions-added':
      case 'partitions-changed':
        return openLedPartitions(replicas, change.topic, nodeId, change.partitionIds);
      case 'topic-deleted':
        await closeLedPartitions(
          replicas,
          change.topic,
          change.topic.partitions.map((_, i) => i),
        );
        return replicas.deleteTopic(change.topic.name);
      case 'topic-config-changed':
        return replicas.setTopicConfig(change.topic.name, change.topic.configs);
      case 'broker-config-changed':
        if (change.brokerId !== null && change.brokerId !== nodeId) return;
        applyBrokerConfigs(config, metadata);
        return replicas.refreshTopicSettings();
    }
  });
  return () => {
    unprepare();
    unsubscribe();
  };
}
