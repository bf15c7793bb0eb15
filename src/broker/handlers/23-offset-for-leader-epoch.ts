// OffsetForLeaderEpoch v2-4 (the versions Kafka 4 still defines; v4 flexible). For each
// partition: the largest leader epoch at or below the one asked for and the offset where it
// ended (the next epoch's start, or the log end for the current epoch), from the partition's
// leader-epoch-checkpoint. Consumers use it to detect log truncation (KIP-320); the current
// leader epoch in the request is checked like Fetch does.
// Authorization as Kafka's: DESCRIBE on each topic (a replica's request: CLUSTER_ACTION), else
// TOPIC_AUTHORIZATION_FAILED.
import {
  ErrorCode,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../../protocol/index.js';
import { allowedTopics, mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const offsetForLeaderEpochHandler: HandlerFactory = (broker) =>
  defineHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
    apiKey: 23,
    name: 'OffsetForLeaderEpoch',
    minVersion: 2,
    maxVersion: 4,
    handle: (request, ctx) => {
      const names = request.topics.map((t) => t.topic);
      // A replica's request (v3+ replica id >= 0) needs CLUSTER_ACTION; a client's DESCRIBE.
      const describable =
        ctx.apiVersion >= 3 && request.replicaId >= 0
          ? new Set(mayOnCluster(ctx, 'CLUSTER_ACTION') ? names : [])
          : allowedTopics(ctx, 'DESCRIBE', names);
      return Promise.resolve({
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((q) => {
            const none = { partition: q.partition, leaderEpoch: -1, endOffset: -1n };
            if (!describable.has(t.topic)) {
              return { ...none, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED };
            }
            const { partition: p, error } = broker.replicas.leaderPartition(
              t.topic,
              q.partition,
              q.currentLeaderEpoch,
            );
            if (p === null) return { ...none, errorCode: ErrorCode[error] };
            const end = p.endOffsetForEpoch(q.leaderEpoch);
            return {
              partition: q.partition,
              errorCode: ErrorCode.NONE,
              leaderEpoch: end.epoch,
              endOffset: BigInt(end.endOffset),
            };
          }),
        })),
      });
    },
  });
