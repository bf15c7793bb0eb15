// Keeps the replica manager in step with the metadata image: at start every partition this
// node leads is opened, then each committed change creates, extends, reconfigures or deletes
// partitions. Listeners run before the metadata operation resolves, so a topic's logs exist by
// the time CreateTopics answers.
import type { ClusterMetadata, TopicImage } from '../../metadata/index.js';
import { forEachConcurrently } from '../../util/index.js';
import type { ReplicaManager } from './replica-manager.js';

/** Partitions opened (or created) at once: their file system calls overlap. */
const OPEN_CONCURRENCY = 32;

export async function openLedPartitions(
  replicas: ReplicaManager,
  topic: TopicImage,
  nodeId: number,
  partitionIds?: readonly number[],
): Promise<void> {
  const wanted = partitionIds === undefined ? null : new Set(partitionIds);
  const led = topic.partitions.filter(
    (p): p is NonNullable<typeof p> =>
      p !== undefined && p.leader === nodeId && (wanted === null || wanted.has(p.partitionId)),
  );
  await forEachConcurrently(led, OPEN_CONCURRENCY, async (p) => {
    await replicas.ensurePartition(
      {
        topic: topic.name,
        partition: p.partitionId,
        topicId: topic.topicId,
        leaderEpoch: p.leaderEpoch,
      },
      topic.configs,
    );
  });
}

/** Opens the partitions of the current image and follows its changes; returns the unsubscribe. */
export async function syncWithMetadata(
  replicas: ReplicaManager,
  metadata: ClusterMetadata,
): Promise<() => void> {
  const nodeId = metadata.nodeId;
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
        return;
    }
  });
}
