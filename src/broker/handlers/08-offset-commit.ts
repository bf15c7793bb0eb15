// OffsetCommit v2-9. Notes:
// - v2-4 carry a retention time (-1: the broker's offsets.retention.minutes); v5+ drop it.
// - v6+ carry the committed leader epoch; v7+ group.instance.id; v8+ are flexible.
// - v9 (KIP-848) commits to a group that does not exist with a generation get
//   GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION.
// - v10 names topics by id; it is not advertised, as Kafka only does with topic ids enabled.
// - Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION and are not written.
// - Authorization as Kafka's: READ on the group (else GROUP_AUTHORIZATION_FAILED for every
//   partition), then READ on each topic (else TOPIC_AUTHORIZATION_FAILED for its partitions,
//   which are not written), checked before whether the topic exists.
import {
  ErrorCode,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
} from '../../protocol/index.js';
import { allowedTopics, may } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { knownPartitions, partitionErrors } from './support/offset-commit-partitions.js';

export const offsetCommitHandler: HandlerFactory = (broker) =>
  defineHandler<OffsetCommitRequest, OffsetCommitResponse>({
    apiKey: 8,
    name: 'OffsetCommit',
    minVersion: 2,
    maxVersion: 9,
    handle: async (request, ctx) => {
      if (!may(ctx, 'READ', { type: 'GROUP', name: request.groupId })) {
        return everyPartition(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
      }
      const readable = allowedTopics(
        ctx,
        'READ',
        request.topics.map((t) => t.name),
      );
      const authorized = { ...request, topics: request.topics.filter((t) => readable.has(t.name)) };
      const accepted = knownPartitions(broker.metadata.image, authorized);
      const committed = partitionErrors(
        await broker.groups.commitOffsets(accepted, ctx.apiVersion),
      );
      const errorOf = (topic: string, partition: number) =>
        readable.has(topic) ? committed(topic, partition) : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          name: t.name,
          topicId: t.topicId,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: errorOf(t.name, p.partitionIndex),
          })),
        })),
      };
    },
  });

/** The same error for every partition of the request. */
function everyPartition(request: OffsetCommitRequest, errorCode: number): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  };
}
