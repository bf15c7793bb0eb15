// Admin.describeReplicaLogDirs, as Kafka's Admin#describeReplicaLogDirs: where given partition
// replicas live on their brokers and how big they are. One DescribeLogDirs request per broker
// naming only the wanted partitions, so a broker with thousands of partitions does not size
// them all to answer about a few.
import {
  createDescribeLogDirsRequest,
  type DescribeLogDirsResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';

export interface TopicPartitionReplica {
  topic: string;
  partition: number;
  brokerId: number;
}

export interface ReplicaLogDirInfo extends TopicPartitionReplica {
  /** The log directory holding the replica; null when the broker does not hold it. */
  currentReplicaLogDir: string | null;
  /** Bytes of the replica's log; -1 when the broker does not hold it. */
  sizeBytes: bigint;
  offsetLag: bigint;
}

/** One attempt per broker; the caller retries what is retriable. */
export async function describeReplicaLogDirs(
  cluster: Cluster,
  replicas: readonly TopicPartitionReplica[],
  retry: <T>(operation: () => Promise<T>) => Promise<T>,
): Promise<ReplicaLogDirInfo[]> {
  const byBroker = new Map<number, Map<string, number[]>>();
  for (const r of replicas) {
    const topics = byBroker.get(r.brokerId) ?? new Map<string, number[]>();
    topics.set(r.topic, [...(topics.get(r.topic) ?? []), r.partition]);
    byBroker.set(r.brokerId, topics);
  }
  const found = new Map<string, Omit<ReplicaLogDirInfo, keyof TopicPartitionReplica>>();
  await Promise.all(
    [...byBroker].map(async ([brokerId, topics]) => {
      const response = await retry(() =>
        cluster.send<DescribeLogDirsResponse>(
          brokerId,
          ApiKey.DescribeLogDirs,
          createDescribeLogDirsRequest({
            topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
          }),
        ),
      );
      if (response.errorCode !== 0) throw new KafkaError(response.errorCode);
      for (const dir of response.results) {
        if (dir.errorCode !== 0) continue;
        for (const t of dir.topics) {
          for (const p of t.partitions) {
            found.set(`${brokerId}:${t.name}:${p.partitionIndex}`, {
              currentReplicaLogDir: dir.logDir,
              sizeBytes: p.partitionSize,
              offsetLag: p.offsetLag,
            });
          }
        }
      }
    }),
  );
  return replicas.map((r) => ({
    ...r,
    ...(found.get(`${r.brokerId}:${r.topic}:${r.partition}`) ?? {
      currentReplicaLogDir: null,
      sizeBytes: -1n,
      offsetLag: -1n,
    }),
  }));
}
