// ListOffsets v1-11. Notes:
// - Timestamps: -1 latest (the high watermark, or the last stable offset for read_committed,
//   v2+), -2 earliest, -3 the record with the largest timestamp (v7+), -4 earliest local (v8+,
//   the same as earliest without tiered storage), -5 latest tiered (v9+) and -6 earliest
//   pending upload (v11): nothing is tiered, so no offset (-1). Otherwise the first record
//   whose timestamp is at least the one given, or -1 when there is none.
// - v4+: leader epoch of the answer; current leader epoch checked (KIP-320).
// - Each topic needs DESCRIBE (else TOPIC_AUTHORIZATION_FAILED for its partitions), as in
//   Kafka; a replica's ListOffsets (replica id >= 0) needs CLUSTER_ACTION instead.
import {
  ErrorCode,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type ListOffsetsResponseListOffsetsPartitionResponse as PartitionResponse,
} from '../../protocol/index.js';
import type { BrokerContext } from '../broker-context.js';
import { allowedTopics, mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const listOffsetsHandler: HandlerFactory = (broker) =>
  defineHandler<ListOffsetsRequest, ListOffsetsResponse>({
    apiKey: 2,
    name: 'ListOffsets',
    minVersion: 1,
    maxVersion: 11,
    handle: async (request, ctx) => {
      const isolation = ctx.apiVersion >= 2 ? request.isolationLevel : 0;
      const names = request.topics.map((t) => t.name);
      const describable =
        request.replicaId >= 0
          ? new Set(mayOnCluster(ctx, 'CLUSTER_ACTION') ? names : [])
          : allowedTopics(ctx, 'DESCRIBE', names);
      const topics = await Promise.all(
        request.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map((p) =>
              !describable.has(t.name)
                ? refused(p.partitionIndex)
                : listOffset(broker, t.name, ctx.apiVersion, {
                    partition: p.partitionIndex,
                    timestamp: Number(p.timestamp),
                    currentLeaderEpoch: ctx.apiVersion >= 4 ? p.currentLeaderEpoch : -1,
                    isolation,
                  }),
            ),
          ),
        })),
      );
      return { throttleTimeMs: 0, topics };
    },
  });

function refused(partitionIndex: number): PartitionResponse {
  return {
    partitionIndex,
    errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    timestamp: -1n,
    offset: -1n,
    leaderEpoch: -1,
  };
}

async function listOffset(
  broker: BrokerContext,
  topic: string,
  version: number,
  q: { partition: number; timestamp: number; currentLeaderEpoch: number; isolation: number },
): Promise<PartitionResponse> {
  const answer = (errorCode: number, offset = -1, timestamp = -1, leaderEpoch = -1) => ({
    partitionIndex: q.partition,
    errorCode,
    timestamp: BigInt(timestamp),
    offset: BigInt(offset),
    // v4+ carries the epoch; older versions must leave it at its default.
    leaderEpoch: version >= 4 ? leaderEpoch : -1,
  });
  const { partition: p, error } = broker.replicas.leaderPartition(
    topic,
    q.partition,
    q.currentLeaderEpoch,
  );
  if (p === null) return answer(ErrorCode[error]);
  if (q.timestamp < -4) return answer(ErrorCode.NONE);
  const found = await p.offsetForTimestamp(q.timestamp, q.isolation);
  if (found === null) return answer(ErrorCode.NONE);
  return answer(ErrorCode.NONE, found.offset, found.timestamp, found.leaderEpoch ?? -1);
}
