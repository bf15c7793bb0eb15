// OffsetFetch v1-9. Notes:
// - v1 asks for named partitions; v2+ may send null topics for every committed offset and
//   get a top-level error code; v5+ return the leader epoch; v7+ may require stable offsets:
//   a partition with offsets of a transaction not ended yet then answers
//   UNSTABLE_OFFSET_COMMIT (KIP-447), and the consumer retries; without it, the last
//   committed offset.
// - v8+ (KIP-709) ask for several groups at once, answered in `groups`.
// - v9 (KIP-848) add member id and epoch, which only consumer groups check; v10 uses topic ids
//   and is not advertised.
// - Partitions without a commit answer offset -1 and empty metadata, as in Kafka.
// - Authorization as Kafka's: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED for that
//   group), then DESCRIBE on each topic: named topics refused answer
//   TOPIC_AUTHORIZATION_FAILED per partition; with null topics (all) they are left out.
import {
  ErrorCode,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
} from '../../protocol/index.js';
import type { FetchedGroupOffsets } from '../group/index.js';
import { allowedTopics, may } from './support/authorize.js';
import { defineHandler, type ApiContext } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const offsetFetchHandler: HandlerFactory = (broker) =>
  defineHandler<OffsetFetchRequest, OffsetFetchResponse>({
    apiKey: 9,
    name: 'OffsetFetch',
    minVersion: 1,
    maxVersion: 9,
    handle: (request, ctx) => {
      const version = ctx.apiVersion;
      const options = { requireStable: version >= 7 && request.requireStable };
      if (version >= 8) {
        const groups = request.groups.map((g) => {
          const fetched = authorizedFetch(ctx, g.groupId, g.topics, () =>
            broker.groups.fetchOffsets(g.groupId, g.topics, options),
          );
          return {
            groupId: g.groupId,
            errorCode: fetched.errorCode,
            topics: fetched.topics.map((t) => ({
              name: t.name,
              topicId: '00000000-0000-0000-0000-000000000000',
              partitions: t.partitions,
            })),
          };
        });
        return Promise.resolve({
          throttleTimeMs: 0,
          topics: [],
          errorCode: ErrorCode.NONE,
          groups,
        });
      }
      const fetched = authorizedFetch(ctx, request.groupId, request.topics, () =>
        broker.groups.fetchOffsets(request.groupId, request.topics, options),
      );
      return Promise.resolve(singleGroupResponse(fetched, request, version));
    },
  });

/** The offsets of one group as the principal may see them (see the notes above). */
function authorizedFetch(
  ctx: ApiContext,
  groupId: string,
  topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
  fetch: () => FetchedGroupOffsets,
): FetchedGroupOffsets {
  if (!may(ctx, 'DESCRIBE', { type: 'GROUP', name: groupId })) {
    return { groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, topics: [] };
  }
  const fetched = fetch();
  const visible = allowedTopics(
    ctx,
    'DESCRIBE',
    fetched.topics.map((t) => t.name),
  );
  if (visible.size === fetched.topics.length) return fetched;
  if (topics === null) {
    return { ...fetched, topics: fetched.topics.filter((t) => visible.has(t.name)) };
  }
  return {
    ...fetched,
    topics: fetched.topics.map((t) =>
      visible.has(t.name)
        ? t
        : {
            ...t,
            partitions: t.partitions.map((p) => ({
              ...p,
              committedOffset: -1n,
              committedLeaderEpoch: -1,
              metadata: '',
              errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            })),
          },
    ),
  };
}

function singleGroupResponse(
  fetched: FetchedGroupOffsets,
  request: OffsetFetchRequest,
  version: number,
): OffsetFetchResponse {
  let topics = fetched.topics;
  // v1 has no top-level error: a group-level error goes on every partition asked for.
  if (version < 2 && fetched.errorCode !== ErrorCode.NONE) {
    topics = (request.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({
        partitionIndex,
        committedOffset: -1n,
        committedLeaderEpoch: -1,
        metadata: '',
        errorCode: fetched.errorCode,
      })),
    }));
  }
  return { throttleTimeMs: 0, topics, errorCode: fetched.errorCode, groups: [] };
}
