// The controller's check of an AlterPartition request (a leader proposing a new ISR), as
// Kafka's ReplicationControlManager makes it: a pure function of the image and the request
// that gives the PartitionChangeRecords to append and the answer for each partition. The
// partition epoch is the fence: a leader that built its proposal on an older state of the
// partition (another ISR change, a reassignment, a new leader) gets INVALID_UPDATE_VERSION
// and waits for the newer state to reach it through metadata replay before proposing again.
import {
  ErrorCode,
  type AlterPartitionRequest,
  type AlterPartitionResponse,
  type AlterPartitionResponsePartitionData,
} from '../protocol/index.js';
import type { MetadataImage, PartitionImage } from './image.js';
import { MetadataRecordType, type MetadataRecord } from './records.js';
import { completedReassignment } from './partition-reassignment.js';

export interface AlterPartitionOutcome {
  records: MetadataRecord[];
  response: AlterPartitionResponse;
}

/**
 * Validates each partition of the request against the image. Accepted changes become one
 * PartitionChangeRecord each (leader unchanged, new ISR); the answer carries the state the
 * partition will have once that record is replayed (partition epoch + 1).
 */
export function alterPartitionChanges(
  image: MetadataImage,
  request: AlterPartitionRequest,
): AlterPartitionOutcome {
  const records: MetadataRecord[] = [];
  const broker = image.broker(request.brokerId);
  // -1: a broker that does not know its epoch (Kafka lets it through).
  const staleBroker =
    broker === undefined ||
    (request.brokerEpoch >= 0n && broker.brokerEpoch !== request.brokerEpoch);
  if (staleBroker) {
    return {
      records,
      response: { throttleTimeMs: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH, topics: [] },
    };
  }
  const topics = request.topics.map((t) => {
    const topic = image.topicById(t.topicId);
    return {
      topicId: t.topicId,
      partitions: t.partitions.map((q): AlterPartitionResponsePartitionData => {
        const failed = (errorCode: number): AlterPartitionResponsePartitionData => ({
          partitionIndex: q.partitionIndex,
          errorCode,
          leaderId: -1,
          leaderEpoch: -1,
          isr: [],
          leaderRecoveryState: 0,
          partitionEpoch: -1,
        });
        if (topic === undefined) return failed(ErrorCode.UNKNOWN_TOPIC_ID);
        const current = topic.partitions[q.partitionIndex];
        if (current === undefined) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        const newIsr =
          q.newIsrWithEpochs.length > 0 ? q.newIsrWithEpochs.map((b) => b.brokerId) : q.newIsr;
        const error = isrChangeProblem(image, current, {
          brokerId: request.brokerId,
          leaderEpoch: q.leaderEpoch,
          partitionEpoch: q.partitionEpoch,
          newIsr,
          brokerEpochs: q.newIsrWithEpochs,
        });
        if (error !== null) return failed(error);
        const unchanged = sameMembers(current.isr, newIsr);
        // The ISR change that brings every target replica in sync completes a reassignment.
        const done = unchanged ? null : completedReassignment(image, current, newIsr);
        if (!unchanged) {
          records.push({
            type: MetadataRecordType.PartitionChange,
            value: {
              partitionId: q.partitionIndex,
              topicId: t.topicId,
              isr: done?.isr ?? [...newIsr],
              leader: done === null || done.leader === current.leader ? -2 : done.leader,
              replicas: done?.replicas ?? null,
              removingReplicas: done === null ? null : [],
              addingReplicas: done === null ? null : [],
              leaderRecoveryState: -1,
              directories: null,
              eligibleLeaderReplicas: null,
              lastKnownElr: null,
            },
          });
        }
        // As KRaft: the leader learns it was replaced from the error, and the record stands.
        if (done !== null && done.leader !== current.leader) {
          return failed(ErrorCode.NEW_LEADER_ELECTED);
        }
        return {
          partitionIndex: q.partitionIndex,
          errorCode: ErrorCode.NONE,
          leaderId: current.leader,
          leaderEpoch: current.leaderEpoch,
          isr: done?.isr ?? [...newIsr],
          leaderRecoveryState: 0,
          partitionEpoch: unchanged ? current.partitionEpoch : current.partitionEpoch + 1,
        };
      }),
    };
  });
  return { records, response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, topics } };
}

/** Kafka's checks, in its order; null when the change may be applied. */
export function isrChangeProblem(
  image: MetadataImage,
  current: PartitionImage,
  proposal: {
    brokerId: number;
    leaderEpoch: number;
    partitionEpoch: number;
    newIsr: readonly number[];
    brokerEpochs?: readonly { brokerId: number; brokerEpoch: bigint }[];
  },
): number | null {
  // Only the leader proposes ISR changes, and only for its own epoch.
  if (proposal.brokerId !== current.leader) return ErrorCode.INVALID_REQUEST;
  if (proposal.leaderEpoch !== current.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
  if (proposal.partitionEpoch !== current.partitionEpoch) return ErrorCode.INVALID_UPDATE_VERSION;
  if (!proposal.newIsr.includes(current.leader)) return ErrorCode.INVALID_REQUEST;
  if (new Set(proposal.newIsr).size !== proposal.newIsr.length) return ErrorCode.INVALID_REQUEST;
  for (const id of proposal.newIsr) {
    if (!current.replicas.includes(id)) return ErrorCode.INELIGIBLE_REPLICA;
    // A replica may join only while its broker is registered and not fenced; already
    // in-sync members may stay (their broker's fencing moves them out through the controller).
    if (current.isr.includes(id)) continue;
    const broker = image.broker(id);
    if (broker === undefined || broker.fenced) return ErrorCode.INELIGIBLE_REPLICA;
    const claimed = proposal.brokerEpochs?.find((b) => b.brokerId === id)?.brokerEpoch ?? -1n;
    if (claimed >= 0n && claimed !== broker.brokerEpoch) return ErrorCode.INELIGIBLE_REPLICA;
  }
  return null;
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
