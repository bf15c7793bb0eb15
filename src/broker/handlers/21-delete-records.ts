// DeleteRecords v0-2 (v2 flexible). Raises each partition's log start offset; -1 means the
// high watermark. An offset past the high watermark is OFFSET_OUT_OF_RANGE. Whole segments
// below the new start are deleted by the retention job; reads below it are refused at once.
// Authorization: DELETE on each topic, else TOPIC_AUTHORIZATION_FAILED (as in Kafka).
import {
  ErrorCode,
  type DeleteRecordsRequest,
  type DeleteRecordsResponse,
} from '../../protocol/index.js';
import { allowedTopics } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const deleteRecordsHandler: HandlerFactory = (broker) =>
  defineHandler<DeleteRecordsRequest, DeleteRecordsResponse>({
    apiKey: 21,
    name: 'DeleteRecords',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request, ctx) => {
      const deletable = allowedTopics(
        ctx,
        'DELETE',
        request.topics.map((t) => t.name),
      );
      const topics = await Promise.all(
        request.topics.map(async (t) => ({
          name: t.name,
          partitions: await Promise.all(
            t.partitions.map(async (p) => {
              if (!deletable.has(t.name)) {
                const errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
                return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode };
              }
              const { partition, error } = broker.replicas.leaderPartition(
                t.name,
                p.partitionIndex,
              );
              if (partition === null) {
                const errorCode = ErrorCode[error];
                return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode };
              }
              const r = await partition.deleteRecordsBefore(Number(p.offset));
              return {
                partitionIndex: p.partitionIndex,
                lowWatermark: BigInt(r.lowWatermark),
                errorCode: r.error === null ? ErrorCode.NONE : ErrorCode[r.error],
              };
            }),
          ),
        })),
      );
      return { throttleTimeMs: 0, topics };
    },
  });
