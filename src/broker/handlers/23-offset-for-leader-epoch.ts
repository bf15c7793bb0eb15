// OffsetForLeaderEpoch v2-4 (the versions Kafka 4 still defines; v4 flexible). For each
// partition: the largest leader epoch at or below the one asked for and the offset where it
// ended (the next epoch's start, or the log end for the current epoch), from the partition's
// leader-epoch-checkpoint. Consumers use it to detect log truncation (KIP-320); the current
// leader epoch in the request is checked like Fetch does.
import {
  ErrorCode,
  type OffsetForLeaderEpochRequest,
  type OffsetForLeaderEpochResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const offsetForLeaderEpochHandler: HandlerFactory = (broker) =>
  defineHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>({
    apiKey: 23,
    name: 'OffsetForLeaderEpoch',
    minVersion: 2,
    maxVersion: 4,
    handle: (request) =>
      Promise.resolve({
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((q) => {
            const none = { partition: q.partition, leaderEpoch: -1, endOffset: -1n };
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
      }),
  });
