// Consumer lag computed by the broker itself, in the names kafka-exporter (the exporter most
// Kafka dashboards read lag from) gives it: for every committed offset of a group, the
// partition's high watermark minus that offset. The broker that coordinates a group reports
// all of its partitions: the high watermark of those it leads from the replica manager, of
// those led elsewhere from their leaders (LeaderOffsets, asked before the scrape). A partition
// whose leader did not answer has no lag series.
import type { GroupCoordinator } from '../group/index.js';
import type { ReplicaManager } from '../partition/index.js';
import type { LeaderOffsets, TopicPartition } from './leader-offsets.js';
import type { SnapshotSample } from './snapshot-metric.js';

export interface ConsumerLagSamples {
  currentOffset: SnapshotSample[];
  currentOffsetSum: SnapshotSample[];
  lag: SnapshotSample[];
  lagSum: SnapshotSample[];
  partitionCurrent: SnapshotSample[];
  partitionOldest: SnapshotSample[];
}

/** The partitions of committed offsets that this broker does not lead. */
export function* partitionsLedElsewhere(
  groups: GroupCoordinator,
  replicas: ReplicaManager,
): Generator<TopicPartition> {
  for (const c of groups.committedOffsets()) {
    const p = replicas.getPartition(c.topic, c.partition);
    if (p === undefined || !p.isLeader) yield { topic: c.topic, partition: c.partition };
  }
}

export function consumerLagSamples(
  groups: GroupCoordinator,
  replicas: ReplicaManager,
  leaders?: LeaderOffsets,
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
    { consumergroup: string; topic: string; offset: number; lag: number | null }
  >();
  for (const c of groups.committedOffsets()) {
    const p = replicas.getPartition(c.topic, c.partition);
    const highWatermark =
      p !== undefined && p.isLeader
        ? p.highWatermark
        : leaders?.highWatermark(c.topic, c.partition);
    const labels = { consumergroup: c.groupId, topic: c.topic, partition: c.partition };
    out.currentOffset.push({ labels, value: c.offset });
    // A committed offset past the high watermark (after a truncation) is no lag, not a negative.
    const lag = highWatermark === undefined ? null : Math.max(0, highWatermark - c.offset);
    if (lag !== null) out.lag.push({ labels, value: lag });
    const key = `${c.groupId}\u0000${c.topic}`;
    const sum = sums.get(key) ?? { consumergroup: c.groupId, topic: c.topic, offset: 0, lag: 0 };
    sum.offset += c.offset;
    // A sum missing a partition would be wrong: none then.
    sum.lag = sum.lag === null || lag === null ? null : sum.lag + lag;
    sums.set(key, sum);
  }
  for (const s of sums.values()) {
    const labels = { consumergroup: s.consumergroup, topic: s.topic };
    out.currentOffsetSum.push({ labels, value: s.offset });
    if (s.lag !== null) out.lagSum.push({ labels, value: s.lag });
  }
  for (const p of replicas.heldPartitions()) {
    if (!p.isLeader) continue;
    const labels = { topic: p.topic, partition: p.partition };
    out.partitionCurrent.push({ labels, value: p.highWatermark });
    out.partitionOldest.push({ labels, value: p.logStartOffset });
  }
  return out;
}
