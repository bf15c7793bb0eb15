// Pure pieces of topic creation and growth: checking replication factors and manual
// assignments against the live brokers, placing replicas, and the records that describe new
// partitions. ClusterMetadata decides when they apply; nothing here reads or writes state.
import { ErrorCode } from '../protocol/index.js';
import { MetadataRecordType, type MetadataRecord } from './records.js';

export interface Outcome {
  errorCode: number;
  errorMessage: string | null;
}

export const fail = (errorCode: number, errorMessage: string): Outcome => ({
  errorCode,
  errorMessage,
});

/** Why `replicationFactor` cannot be met by the live brokers, or null if it can. */
export function replicationFactorProblem(
  replicationFactor: number,
  liveBrokerIds: readonly number[],
): Outcome | null {
  if (replicationFactor <= 0) {
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
  }
  const live = liveBrokerIds.length;
  if (replicationFactor > live) {
    const why = `Unable to replicate the partition ${replicationFactor} time(s): The target replication factor of ${replicationFactor} cannot be reached because only ${live} broker(s) are registered.`;
    return fail(ErrorCode.INVALID_REPLICATION_FACTOR, why);
  }
  return null;
}

/** Why a manual assignment (replicas per partition, from `firstPartition`) is invalid. */
export function assignmentProblem(
  assignments: readonly (readonly number[])[],
  options: { firstPartition: number; liveBrokerIds: readonly number[] },
): Outcome | null {
  if (assignments.length === 0) {
    return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The replica assignment is empty.');
  }
  const live = new Set(options.liveBrokerIds);
  const size = assignments[0]!.length;
  for (const [i, replicas] of assignments.entries()) {
    const partition = options.firstPartition + i;
    let why: string | null = null;
    const unknown = replicas.find((id) => !live.has(id));
    if (replicas.length === 0) {
      why = `The manual partition assignment includes an empty replica list for partition ${partition}.`;
    } else if (new Set(replicas).size !== replicas.length) {
      why = `The manual partition assignment includes the broker ${replicas.join(', ')} more than once for partition ${partition}.`;
    } else if (unknown !== undefined) {
      why = `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`;
    } else if (replicas.length !== size) {
      why = `The manual partition assignment includes a partition with ${replicas.length} replica(s), but this is not consistent with previous partitions, which have ${size} replica(s).`;
    }
    if (why !== null) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, why);
  }
  return null;
}

/** Round-robin replica placement over the live brokers, starting at the partition index. */
export function placeReplicas(
  partitions: { first: number; count: number; replicationFactor: number },
  liveBrokerIds: readonly number[],
): number[][] {
  const out: number[][] = [];
  const { first, count, replicationFactor } = partitions;
  for (let p = first; p < first + count; p++) {
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) {
      replicas.push(liveBrokerIds[(p + r) % liveBrokerIds.length]!);
    }
    out.push(replicas);
  }
  return out;
}

/**
 * The brokers in an order where consecutive ones sit in different racks, as Kafka's rack-aware
 * assignment builds it: the first broker of each rack (racks in name order), then the second
 * of each, and so on. Round-robin placement over this list puts the replicas of a partition
 * in as many racks as there are. Without racks it is the brokers in id order.
 */
export function rackAlternatedBrokerIds(
  brokers: readonly { brokerId: number; rack: string | null }[],
): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of [...brokers].sort((x, y) => x.brokerId - y.brokerId)) {
    const rack = b.rack ?? '';
    byRack.set(rack, [...(byRack.get(rack) ?? []), b.brokerId]);
  }
  const racks = [...byRack.keys()].sort().map((r) => byRack.get(r)!);
  const out: number[] = [];
  for (let i = 0; out.length < brokers.length; i++) {
    for (const ids of racks) if (i < ids.length) out.push(ids[i]!);
  }
  return out;
}

/** PartitionRecords for new partitions: all replicas in sync, the first one leads, epoch 0. */
export function partitionRecords(
  topicId: string,
  assignments: readonly (readonly number[])[],
  options: { firstPartition: number },
): MetadataRecord[] {
  return assignments.map((replicas, i) => ({
    type: MetadataRecordType.Partition,
    value: {
      partitionId: options.firstPartition + i,
      topicId,
      replicas: [...replicas],
      isr: [...replicas],
      removingReplicas: [],
      addingReplicas: [],
      leader: replicas[0]!,
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  }));
}
