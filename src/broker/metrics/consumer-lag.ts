// Consumer lag computed by the broker itself, in the names kafka-exporter (the exporter most
// Kafka dashboards read lag from) gives it: for every committed offset of a group, the
// partition's high watermark minus that offset. Only partitions this node leads are known
// here; in a cluster each broker reports the lag of the partitions it leads for the groups it
// coordinates.
import type { GroupCoordinator } from '../group/index.js';
import type { ReplicaManager } from '../partition/index.js';
import type { SnapshotSample } from './snapshot-metric.js';

export interface ConsumerLagSamples {
  currentOffset: SnapshotSample[];
  currentOffsetSum: SnapshotSample[];
  lag: SnapshotSample[];
  lagSum: SnapshotSample[];
  partitionCurrent: SnapshotSample[];
  partitionOldest: SnapshotSample[];
}

export function consumerLagSamples(
  groups: GroupCoordinator,
  replicas: ReplicaManager,
): ConsumerLagSamples {
  const out: ConsumerLagSamples = {
    currentOffset: [],
    currentOffsetSum: [],
    lag: [],
    lagSum: [],
    partitionCurrent: [],
    partitionOldest: [],
  };
  const sums = new Map<
    string,
    { consumergroup: string; topic: string; offset: number; lag: number }
  >();
  for (const c of groups.committedOffsets()) {
    const p = replicas.getPartition(c.topic, c.partition);
    if (p === undefined || !p.isLeader) continue;
    const labels = { consumergroup: c.groupId, topic: c.topic, partition: c.partition };
    // A committed offset past the high watermark (after a truncation) is no lag, not a negative.
    const lag = Math.max(0, p.highWatermark - c.offset);
    out.currentOffset.push({ labels, value: c.offset });
    out.lag.push({ labels, value: lag });
    const key = `${c.groupId}\u0000${c.topic}`;
    const sum = sums.get(key) ?? { consumergroup: c.groupId, topic: c.topic, offset: 0, lag: 0 };
    sum.offset += c.offset;
    sum.lag += lag;
    sums.set(key, sum);
  }
  for (const s of sums.values()) {
    const labels = { consumergroup: s.consumergroup, topic: s.topic };
    out.currentOffsetSum.push({ labels, value: s.offset });
    out.lagSum.push({ labels, value: s.lag });
  }
  for (const p of replicas.heldPartitions()) {
    if (!p.isLeader) continue;
    const labels = { topic: p.topic, partition: p.partition };
    out.partitionCurrent.push({ labels, value: p.highWatermark });
    out.partitionOldest.push({ labels, value: p.logStartOffset });
  }
  return out;
}
