// OffsetCommit v2-9. Notes:
// - v2-4 carry a retention time (-1: the broker's offsets.retention.minutes); v5+ drop it.
// - v6+ carry the committed leader epoch; v7+ group.instance.id; v8+ are flexible.
// - v9 (KIP-848) commits to a group that does not exist with a generation get
//   GROUP_ID_NOT_FOUND instead of ILLEGAL_GENERATION.
// - v10 names topics by id; it is not advertised, as Kafka only does with topic ids enabled.
// - Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION and are not written.
import { type OffsetCommitRequest, type OffsetCommitResponse } from '../../protocol/index.js';
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
      const accepted = knownPartitions(broker.metadata.image, request);
      const errorOf = partitionErrors(await broker.groups.commitOffsets(accepted, ctx.apiVersion));
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
