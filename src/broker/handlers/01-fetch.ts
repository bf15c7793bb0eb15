// Fetch v4-18. Notes:
// - v4+: isolation level (read_committed reads up to the last stable offset, the first offset
//   of the oldest open transaction) and the aborted transactions the returned records may hold.
// - v7+: fetch sessions (KIP-227), incremental fetches and forgotten topics; below v7 every
//   fetch is sessionless. v9+: current leader epoch (KIP-320) -> FENCED/UNKNOWN_LEADER_EPOCH;
//   v12+ answers those and NOT_LEADER_OR_FOLLOWER with the image's current leader.
// - A fetch with a replica id (replica_id before v15, replica_state from v15) is a follower's:
//   it reads up to the log end and its fetch offset moves the leader's high watermark.
// - v11+: rack id and preferred read replica (KIP-392): with replica.selector.class set to
//   RackAwareReplicaSelector a leader answers a consumer in another rack with a same-rack
//   replica to read from (and no records); an in-sync follower serves the v11+ fetches of
//   consumers that name a rack up to its high watermark. Other consumers read the leader.
// - v12+ flexible; v13+ names topics by id (unknown id: UNKNOWN_TOPIC_ID); a session must not
//   switch between names and ids (FETCH_SESSION_TOPIC_ID_ERROR).
// - Authorization as Kafka's: a follower's fetch needs CLUSTER_ACTION on the cluster (else
//   every partition is TOPIC_AUTHORIZATION_FAILED and nothing is read); a consumer's needs
//   READ on each topic, asked once per topic; the partitions of refused topics answer
//   TOPIC_AUTHORIZATION_FAILED without records.
// - Byte limits: the response's max_bytes over all partitions and each partition's own, with
//   at least one whole batch for the first partition that has data (KIP-74). Fewer than
//   min_bytes wait in the purgatory for up to max_wait_ms.
import {
  ErrorCode,
  ZERO_UUID,
  type ErrorName,
  type FetchRequest,
  type FetchResponse,
  type FetchResponseFetchableTopicResponse as TopicResponse,
  type FetchResponsePartitionData as PartitionData,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import type { BrokerTopicStats } from '../metrics/broker-topic-stats.js';
import type {
  FetchPartition,
  FetchResult,
  FetchSessionRequest,
  ReadAnswer,
} from '../partition/index.js';
import { allowedTopics, mayOnCluster } from './support/authorize.js';
import { allowAllAuthorizer } from '../server/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const fetchHandler: HandlerFactory = (broker) =>
  defineHandler<FetchRequest, FetchResponse>({
    apiKey: 1,
    name: 'Fetch',
    minVersion: 4,
    maxVersion: 18,
    handle: async (request, ctx) => {
      const version = ctx.apiVersion;
      const usesTopicIds = version >= 13;
      const replicaId = version >= 15 ? request.replicaState.replicaId : request.replicaId;
      if (replicaId >= 0 && !mayOnCluster(ctx, 'CLUSTER_ACTION')) {
        return refusedFollower(request, usesTopicIds);
      }
      const fetched = await broker.replicas.fetch(sessionRequest(request, version), {
        maxBytes: request.maxBytes,
        minBytes: request.minBytes,
        maxWaitMs: request.maxWaitMs,
        isolationLevel: request.isolationLevel,
        replicaId,
        remote: ctx,
        // v11+ consumers name their rack (KIP-392): they may read from followers.
        clientRack: version >= 11 && replicaId < 0 ? (request.rackId ?? '') : undefined,
      });
      if (fetched.error !== null) return response(ErrorCode[fetched.error], 0, []);
      if (broker.topicStats !== undefined) countFetch(broker.topicStats, fetched, replicaId >= 0);
      // Nothing to ask (and nothing to allocate per fetch) without an authorizer.
      const readable =
        replicaId >= 0 || ctx.authorizer === allowAllAuthorizer
          ? null
          : allowedTopics(
              ctx,
              'READ',
              fetched.partitions.map((x) => x.topic),
            );
      const topics: TopicResponse[] = [];
      for (const { request: p, topic: name, answer } of fetched.partitions) {
        // An unknown topic id ('') stays UNKNOWN_TOPIC_ID, as in Kafka.
        const refused = readable !== null && name !== '' && !readable.has(name);
        const data = refused
          ? refusedPartition(p.partition)
          : partitionData(broker, { p, name }, answer, {
              isolationLevel: request.isolationLevel,
              version,
            });
        const last = topics[topics.length - 1];
        const sameTopic =
          last !== undefined && (usesTopicIds ? last.topicId === p.topicId : last.topic === name);
        if (sameTopic) last.partitions.push(data);
        else {
          topics.push({
            topic: usesTopicIds ? '' : name,
            topicId: usesTopicIds ? p.topicId : ZERO_UUID,
            partitions: [data],
          });
        }
      }
      return {
        ...response(ErrorCode.NONE, fetched.sessionId, topics),
        // The records are views of reusable read buffers: hand them back once sent.
        afterWrite: () => broker.replicas.releaseReads(fetched.reads),
      };
    },
  });

/** Kafka's BrokerTopicMetrics of a fetch: per partition answered, bytes out or a failure. */
function countFetch(stats: BrokerTopicStats, fetched: FetchResult, replication: boolean): void {
  for (const { topic, answer } of fetched.partitions) {
    if (answer.error === null) stats.fetched(topic, answer.records.length, replication);
    else {
      const known = topic !== '' && answer.error !== 'UNKNOWN_TOPIC_OR_PARTITION';
      stats.fetchFailed(known ? topic : null);
    }
  }
}

/** A partition of a topic the principal may not READ: no records, nothing about the log. */
function refusedPartition(partitionIndex: number): PartitionData {
  return {
    partitionIndex,
    errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader: { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: null,
  };
}

/** A follower fetch without CLUSTER_ACTION: every partition it names is refused. */
function refusedFollower(request: FetchRequest, usesTopicIds: boolean): FetchResponse {
  return response(
    ErrorCode.NONE,
    0,
    request.topics.map((t) => ({
      topic: usesTopicIds ? '' : t.topic,
      topicId: usesTopicIds ? t.topicId : ZERO_UUID,
      partitions: t.partitions.map((p) => refusedPartition(p.partition)),
    })),
  );
}

function sessionRequest(request: FetchRequest, version: number): FetchSessionRequest {
  const partitions: FetchPartition[] = [];
  for (const t of request.topics) {
    for (const p of t.partitions) {
      partitions.push({
        topic: t.topic,
        topicId: version >= 13 ? t.topicId : ZERO_UUID,
        partition: p.partition,
        fetchOffset: Number(p.fetchOffset),
        logStartOffset: Number(p.logStartOffset),
        maxBytes: p.partitionMaxBytes,
        currentLeaderEpoch: version >= 9 ? p.currentLeaderEpoch : -1,
      });
    }
  }
  const forgotten = request.forgottenTopicsData.flatMap((t) =>
    t.partitions.map((partition) => ({
      topic: t.topic,
      topicId: version >= 13 ? t.topicId : ZERO_UUID,
      partition,
    })),
  );
  // Sessions exist from v7; before that every fetch is a full, sessionless one.
  const sessionless = version < 7;
  return {
    sessionId: sessionless ? 0 : request.sessionId,
    sessionEpoch: sessionless ? -1 : request.sessionEpoch,
    partitions,
    forgotten,
    usesTopicIds: version >= 13,
  };
}

function partitionData(
  broker: BrokerContext,
  { p, name }: { p: FetchPartition; name: string },
  answer: ReadAnswer,
  { isolationLevel, version }: { isolationLevel: number; version: number },
): PartitionData {
  const error: ErrorName | null = answer.error;
  const leaderChanged =
    error === 'FENCED_LEADER_EPOCH' ||
    error === 'UNKNOWN_LEADER_EPOCH' ||
    error === 'NOT_LEADER_OR_FOLLOWER';
  return {
    partitionIndex: p.partition,
    errorCode: error === null ? ErrorCode.NONE : ErrorCode[error],
    highWatermark: BigInt(answer.highWatermark),
    lastStableOffset: BigInt(answer.lastStableOffset),
    logStartOffset: BigInt(answer.logStartOffset),
    divergingEpoch: { epoch: -1, endOffset: -1n },
    currentLeader:
      // A tagged field of v12+: older versions must leave it at its default.
      leaderChanged && version >= 12
        ? broker.metadata.image.leaderOf(name, p.partition)
        : { leaderId: -1, leaderEpoch: -1 },
    snapshotId: { endOffset: -1n, epoch: -1 },
    abortedTransactions:
      isolationLevel === 1
        ? (answer.abortedTransactions ?? []).map((t) => ({
            producerId: t.producerId,
            firstOffset: BigInt(t.firstOffset),
          }))
        : null,
    preferredReadReplica: answer.preferredReadReplica ?? -1,
    records: answer.records,
  };
}

function response(errorCode: number, sessionId: number, responses: TopicResponse[]): FetchResponse {
  return { throttleTimeMs: 0, errorCode, sessionId, responses, nodeEndpoints: [] };
}
