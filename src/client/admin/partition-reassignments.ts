// The admin client's leader election and reassignment calls, as the Java Admin's
// electLeaders / alterPartitionReassignments / listPartitionReassignments. They go to the
// active controller; a NOT_CONTROLLER answer (the controller moved) is thrown so the caller's
// retry refreshes the metadata and asks the new one.
import {
  createAlterPartitionReassignmentsRequest,
  createElectLeadersRequest,
  createListPartitionReassignmentsRequest,
  type AlterPartitionReassignmentsResponse,
  type ElectLeadersResponse,
  type ListPartitionReassignmentsResponse,
} from '../../protocol/index.js';
import type { Cluster } from '../cluster.js';
import { KafkaError } from '../errors.js';

const ELECT_LEADERS = 43;
const ALTER_PARTITION_REASSIGNMENTS = 45;
const LIST_PARTITION_REASSIGNMENTS = 46;
const NOT_CONTROLLER = 41;

export type ElectionTypeName = 'PREFERRED' | 'UNCLEAN';

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** One partition's answer: errorCode 0 when a leader was elected. */
export interface ElectionResult extends TopicPartition {
  errorCode: number;
  errorMessage: string | null;
}

/** A partition's target replicas; null cancels its ongoing reassignment. */
export interface PartitionReassignment extends TopicPartition {
  replicas: number[] | null;
}

export interface ReassignmentResult extends TopicPartition {
  errorCode: number;
  errorMessage: string | null;
}

export interface OngoingReassignment extends TopicPartition {
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

/** Elections for `partitions` (null: every partition; the answer then omits those not needed). */
export async function electLeaders(
  cluster: Cluster,
  electionType: ElectionTypeName,
  partitions: readonly TopicPartition[] | null,
  options: { timeoutMs?: number } = {},
): Promise<ElectionResult[]> {
  const response = await cluster.send<ElectLeadersResponse>(
    'controller',
    ELECT_LEADERS,
    createElectLeadersRequest({
      electionType: electionType === 'UNCLEAN' ? 1 : 0,
      topicPartitions: partitions === null ? null : byTopic(partitions),
      timeoutMs: options.timeoutMs ?? 60_000,
    }),
  );
  const results = response.replicaElectionResults.flatMap((t) =>
    t.partitionResult.map((p) => ({
      topic: t.topic,
      partition: p.partitionId,
      errorCode: p.errorCode,
      errorMessage: p.errorMessage,
    })),
  );
  if (response.errorCode === NOT_CONTROLLER || results.some((r) => r.errorCode === NOT_CONTROLLER))
    throw new KafkaError(NOT_CONTROLLER);
  if (response.errorCode !== 0) throw new KafkaError(response.errorCode);
  return results;
}

/** Starts (or with null replicas cancels) reassignments; one answer per partition. */
export async function alterPartitionReassignments(
  cluster: Cluster,
  reassignments: readonly PartitionReassignment[],
  options: { timeoutMs?: number; allowReplicationFactorChange?: boolean } = {},
): Promise<ReassignmentResult[]> {
  const topics = new Map<string, { partitionIndex: number; replicas: number[] | null }[]>();
  for (const r of reassignments) {
    const list = topics.get(r.topic) ?? [];
    list.push({ partitionIndex: r.partition, replicas: r.replicas });
    topics.set(r.topic, list);
  }
  const response = await cluster.send<AlterPartitionReassignmentsResponse>(
    'controller',
    ALTER_PARTITION_REASSIGNMENTS,
    createAlterPartitionReassignmentsRequest({
      timeoutMs: options.timeoutMs ?? 60_000,
      allowReplicationFactorChange: options.allowReplicationFactorChange ?? true,
      topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
    }),
  );
  const results = response.responses.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      errorCode: p.errorCode,
      errorMessage: p.errorMessage,
    })),
  );
  if (response.errorCode === NOT_CONTROLLER || results.some((r) => r.errorCode === NOT_CONTROLLER))
    throw new KafkaError(NOT_CONTROLLER);
  if (response.errorCode !== 0) {
    throw new KafkaError(response.errorCode, response.errorMessage ?? undefined);
  }
  return results;
}

/** The reassignments under way (of `partitions`, or all when null). */
export async function listPartitionReassignments(
  cluster: Cluster,
  partitions: readonly TopicPartition[] | null = null,
  options: { timeoutMs?: number } = {},
): Promise<OngoingReassignment[]> {
  const response = await cluster.send<ListPartitionReassignmentsResponse>(
    'controller',
    LIST_PARTITION_REASSIGNMENTS,
    createListPartitionReassignmentsRequest({
      timeoutMs: options.timeoutMs ?? 60_000,
      topics:
        partitions === null
          ? null
          : byTopic(partitions).map((t) => ({ name: t.topic, partitionIndexes: t.partitions })),
    }),
  );
  if (response.errorCode !== 0) {
    throw new KafkaError(response.errorCode, response.errorMessage ?? undefined);
  }
  return response.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      replicas: p.replicas,
      addingReplicas: p.addingReplicas,
      removingReplicas: p.removingReplicas,
    })),
  );
}

function byTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const out = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = out.get(topic) ?? [];
    list.push(partition);
    out.set(topic, list);
  }
  return [...out].map(([topic, ps]) => ({ topic, partitions: ps }));
}
