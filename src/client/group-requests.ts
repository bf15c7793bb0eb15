// Requests about consumer groups that the admin client and the group consumer share: finding a
// group's coordinator (FindCoordinator, batched from v4) and reading and writing committed
// offsets (OffsetFetch, batched per group from v8; OffsetCommit). Each builds the request
// shape of the version the connection negotiated.
import {
  createFindCoordinatorRequest,
  createOffsetCommitRequest,
  createOffsetFetchRequest,
  type FindCoordinatorResponse,
  type OffsetCommitResponse,
  type OffsetFetchResponse,
} from '../protocol/index.js';
import { ApiKey } from './api-versions.js';
import type { Cluster } from './cluster.js';
import { KafkaError } from './errors.js';

export interface CommittedOffset {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset for the partition. */
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetToCommit {
  topic: string;
  partition: number;
  offset: bigint;
  metadata?: string | null;
}

export interface GroupMembership {
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

const GROUP_KEY_TYPE = 0;
const TRANSACTION_KEY_TYPE = 1;

/** The node id of the group's coordinator (retrying while it is being elected). */
export function findGroupCoordinator(cluster: Cluster, groupId: string): Promise<number> {
  return findCoordinator(cluster, groupId, GROUP_KEY_TYPE);
}

/** The node id of the transaction coordinator of a transactional id. */
export function findTransactionCoordinator(
  cluster: Cluster,
  transactionalId: string,
): Promise<number> {
  return findCoordinator(cluster, transactionalId, TRANSACTION_KEY_TYPE);
}

function findCoordinator(cluster: Cluster, key: string, keyType: number): Promise<number> {
  return cluster.retry(async () => {
    const connection = await cluster.connection('any');
    const version = connection.versionFor(ApiKey.FindCoordinator);
    const body =
      version >= 4
        ? createFindCoordinatorRequest({ keyType, coordinatorKeys: [key] })
        : createFindCoordinatorRequest({ key, keyType });
    const r = await connection.send<FindCoordinatorResponse>(ApiKey.FindCoordinator, body);
    const answer = version >= 4 ? r.coordinators[0] : r;
    if (answer === undefined) throw new KafkaError(15);
    if (answer.errorCode !== 0) throw new KafkaError(answer.errorCode, answer.errorMessage);
    if (!cluster.brokers.has(answer.nodeId)) {
      cluster.brokers.set(answer.nodeId, {
        nodeId: answer.nodeId,
        host: answer.host,
        port: answer.port,
        rack: null,
      });
    }
    return answer.nodeId;
  });
}

/**
 * Committed offsets of a group: for `partitions`, or every partition it has offsets for
 * when null.
 */
export function fetchCommittedOffsets(
  cluster: Cluster,
  groupId: string,
  options: {
    partitions?: readonly { topic: string; partition: number }[] | null;
    requireStable?: boolean;
  } = {},
): Promise<CommittedOffset[]> {
  return cluster.retry(async () => {
    const coordinator = await findGroupCoordinator(cluster, groupId);
    const connection = await cluster.connection(coordinator);
    const version = connection.versionFor(ApiKey.OffsetFetch);
    const topics = groupTopics(options.partitions ?? null);
    const requireStable = version >= 7 && (options.requireStable ?? false);
    const body =
      version >= 8
        ? createOffsetFetchRequest({
            groups: [
              {
                groupId,
                memberId: null,
                memberEpoch: -1,
                topics:
                  topics?.map((t) => ({ ...t, topicId: '00000000-0000-0000-0000-000000000000' })) ??
                  null,
              },
            ],
            requireStable,
          })
        : createOffsetFetchRequest({ groupId, topics, requireStable });
    const r = await connection.send<OffsetFetchResponse>(ApiKey.OffsetFetch, body);
    const group = version >= 8 ? r.groups[0] : r;
    if (group === undefined) throw new KafkaError(-1, 'empty OffsetFetch answer');
    if (group.errorCode !== 0) throw new KafkaError(group.errorCode);
    const out: CommittedOffset[] = [];
    for (const t of group.topics) {
      for (const p of t.partitions) {
        if (p.errorCode !== 0) throw new KafkaError(p.errorCode);
        out.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.metadata,
        });
      }
    }
    return out;
  });
}

/**
 * Commits offsets for a group. Without a membership the commit is a "simple" one (generation
 * -1), which the coordinator accepts only while the group has no active members.
 */
export function commitOffsets(
  cluster: Cluster,
  groupId: string,
  offsets: readonly OffsetToCommit[],
  membership?: GroupMembership,
): Promise<void> {
  return cluster.retry(async () => {
    const coordinator = await findGroupCoordinator(cluster, groupId);
    const connection = await cluster.connection(coordinator);
    const version = connection.versionFor(ApiKey.OffsetCommit);
    const byTopic = new Map<string, OffsetToCommit[]>();
    for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), o]);
    const r = await connection.send<OffsetCommitResponse>(
      ApiKey.OffsetCommit,
      createOffsetCommitRequest({
        groupId,
        generationIdOrMemberEpoch: membership?.generationId ?? -1,
        memberId: membership?.memberId ?? '',
        groupInstanceId: version >= 7 ? (membership?.groupInstanceId ?? null) : null,
        topics: [...byTopic].map(([name, list]) => ({
          name,
          topicId: '00000000-0000-0000-0000-000000000000',
          partitions: list.map((o) => ({
            partitionIndex: o.partition,
            committedOffset: o.offset,
            committedLeaderEpoch: -1,
            committedMetadata: o.metadata ?? '',
          })),
        })),
      }),
    );
    for (const t of r.topics) {
      for (const p of t.partitions) if (p.errorCode !== 0) throw new KafkaError(p.errorCode);
    }
  });
}

function groupTopics(partitions: readonly { topic: string; partition: number }[] | null) {
  if (partitions === null) return null;
  const byTopic = new Map<string, number[]>();
  for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
  return [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes }));
}
