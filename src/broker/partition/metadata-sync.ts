// Keeps the replica manager in step with the metadata image: at start every partition this
// node leads is opened, then each committed change creates, extends, reconfigures or deletes
// partitions. Listeners run before the metadata operation resolves, so a topic's logs exist by
// the time CreateTopics answers.
import type { ClusterMetadata, TopicImage } from '../../metadata/index.js';
import { applyDynamicBrokerConfigs, type BrokerConfig } from '../config/index.js';
import type { ReplicaManager } from './replica-manager.js';

async function openLedPartitions(
  replicas: ReplicaManager,
  topic: TopicImage,
  nodeId: number,
  partitionIds?: readonly number[],
): Promise<void> {
  for (const p of topic.partitions) {
    if (p === undefined || p.leader !== nodeId) continue;
    if (partitionIds !== undefined && !partitionIds.includes(p.partitionId)) continue;
    await replicas.ensurePartition(
      {
        topic: topic.name,
        partition: p.partitionId,
        topicId: topic.topicId,
        leaderEpoch: p.leaderEpoch,
      },
      topic.configs,
    );
  }
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
): Promise<() => void> {
  const nodeId = metadata.nodeId;
  applyBrokerConfigs(config, metadata);
  for (const topic of metadata.image.topics()) await openLedPartitions(replicas, topic, nodeId);
  return metadata.subscribe(async (change) => {
    switch (change.type) {
      case 'topic-created':
        return openLedPartitions(replicas, change.topic, nodeId);
      case 'partitions-added':
        return openLedPartitions(replicas, change.topic, nodeId, change.partitionIds);
      case 'topic-deleted':
        return replicas.deleteTopic(change.topic.name);
      case 'topic-config-changed':
        return replicas.setTopicConfig(change.topic.name, change.topic.configs);
      case 'broker-config-changed':
        if (change.brokerId !== null && change.brokerId !== nodeId) return;
        applyBrokerConfigs(config, metadata);
        return replicas.refreshTopicSettings();
    }
  });
}
