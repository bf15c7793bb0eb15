// OffsetDelete v0 (KIP-496). Deletes committed offsets of a group; partitions of topics the
// group's members subscribe to get GROUP_SUBSCRIBED_TO_TOPIC, and a non-empty group whose
// subscriptions cannot be read (not the "consumer" protocol) gets NON_EMPTY_GROUP.
// Authorization: DELETE on the group (else GROUP_AUTHORIZATION_FAILED), then READ on each
// topic (else TOPIC_AUTHORIZATION_FAILED for its partitions), as in Kafka.
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/index.js';
import { allowedTopics, may } from './support/authorize.js';
import { ErrorCode, createOffsetDeleteResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const offsetDeleteHandler: HandlerFactory = (broker) =>
  defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
    apiKey: 47,
    name: 'OffsetDelete',
    minVersion: 0,
    maxVersion: 0,
    handle: async (request, ctx) => {
      if (!may(ctx, 'DELETE', { type: 'GROUP', name: request.groupId })) {
        return createOffsetDeleteResponse({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED });
      }
      const readable = allowedTopics(
        ctx,
        'READ',
        request.topics.map((t) => t.name),
      );
      if (readable.size === new Set(request.topics.map((t) => t.name)).size) {
        return broker.groups.deleteOffsets(request);
      }
      const response = await broker.groups.deleteOffsets({
        ...request,
        topics: request.topics.filter((t) => readable.has(t.name)),
      });
      const refused = request.topics
        .filter((t) => !readable.has(t.name))
        .map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          })),
        }));
      return { ...response, topics: [...response.topics, ...refused] };
    },
  });
