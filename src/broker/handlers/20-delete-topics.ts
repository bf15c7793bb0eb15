// DeleteTopics v1-6 (v0 was removed in Kafka 4.0). Notes:
// - v1-5 name topics in `topic_names`; v6 names them in `topics` by name or by id (not both).
// - Unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID; a topic named
//   twice gets INVALID_REQUEST. With delete.topic.enable=false: TOPIC_DELETION_DISABLED.
// - Internal topics (__consumer_offsets, __transaction_state, __share_group_state) hold the
//   coordinators' state: deleting one would lose every committed offset or transaction, so it
//   gets INVALID_TOPIC_EXCEPTION, the code Kafka's ReplicaManager gives for appending to or
//   deleting records of an internal topic. (Kafka's KRaft controller itself does not check,
//   up to 3.9 at least; kafka-topics.sh refused such topics before it moved to the admin API.)
// - The topic is removed from the metadata log before the answer; its partition logs are
//   deleted by the subscribers of the metadata (the replica manager).
// - Authorization as Kafka's: DELETE on each topic named (TOPIC_AUTHORIZATION_FAILED, before
//   whether it exists); a topic id the principal may not DESCRIBE is UNKNOWN_TOPIC_ID.
// - KIP-599: each deleted topic's partitions are charged to the controller mutation quota;
//   from v5 a topic that finds it exceeded gets THROTTLING_QUOTA_EXCEEDED, older versions are
//   only throttled.
import { isInternalTopic } from '../../metadata/index.js';
import {
  ErrorCode,
  ZERO_UUID,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
  type DeleteTopicsResponseDeletableTopicResult as Result,
} from '../../protocol/index.js';
import { allowedTopics } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { TIMED_OUT, withTimeout } from './support/timeout.js';
import { THROTTLED, mutationQuota, mutationThrottleTimeMs } from './support/mutation-quota.js';

export const deleteTopicsHandler: HandlerFactory = (broker) =>
  defineHandler<DeleteTopicsRequest, DeleteTopicsResponse>({
    apiKey: 20,
    name: 'DeleteTopics',
    minVersion: 1,
    maxVersion: 6,
    handle: async (request, ctx) => {
      const version = ctx.apiVersion;
      const asked =
        version >= 6
          ? request.topics
          : request.topicNames.map((name) => ({ name, topicId: ZERO_UUID }));
      const image = broker.metadata.image;
      const results: Result[] = [];
      const toDelete: { index: number; topicId: string }[] = [];
      const seen = new Set<string>();
      const quota = mutationQuota(ctx, 5);
      const named = asked.map((t) => t.name ?? image.topicById(t.topicId)?.name ?? '');
      const deletable = allowedTopics(ctx, 'DELETE', named);
      const describable = allowedTopics(ctx, 'DESCRIBE', named);
      for (const { name, topicId } of asked) {
        const result: Result = {
          name: version >= 6 || name !== null ? name : '',
          topicId: version >= 6 ? topicId : ZERO_UUID,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
        };
        results.push(result);
        const fail = (errorCode: number, errorMessage: string) => {
          result.errorCode = errorCode;
          if (version >= 5) result.errorMessage = errorMessage;
        };
        const byId = name === null;
        if (!byId && topicId !== ZERO_UUID) {
          fail(ErrorCode.INVALID_REQUEST, 'You may not specify both topic name and topic id.');
          continue;
        }
        if (!byId && !deletable.has(name)) {
          fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
          continue;
        }
        const topic = byId ? image.topicById(topicId) : image.topic(name);
        if (byId && topic !== undefined && !describable.has(topic.name)) {
          // An id the principal may not describe is answered as if unknown.
          fail(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${topicId} is not known.`);
          continue;
        }
        if (byId && topic !== undefined && !deletable.has(topic.name)) {
          fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Topic authorization failed.');
          continue;
        }
        const key = topic?.topicId ?? `${name}:${topicId}`;
        if (seen.has(key)) {
          fail(ErrorCode.INVALID_REQUEST, `Duplicate topic ${byId ? 'id' : 'name'}.`);
          continue;
        }
        seen.add(key);
        if (topic === undefined) {
          if (byId) fail(ErrorCode.UNKNOWN_TOPIC_ID, `Topic id ${topicId} is not known.`);
          else fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist.`);
          continue;
        }
        if (version >= 6) {
          result.name = topic.name;
          result.topicId = topic.topicId;
        }
        if (isInternalTopic(topic.name)) {
          fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Cannot delete internal topic ${topic.name}.`);
          continue;
        }
        if (!broker.config.values['delete.topic.enable']) {
          fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.');
          continue;
        }
        if (!quota.admit(topic.partitions.length)) {
          fail(THROTTLED.errorCode, THROTTLED.errorMessage);
          continue;
        }
        toDelete.push({ index: results.length - 1, topicId: topic.topicId });
      }
      const work = broker.metadata.deleteTopics(toDelete.map((d) => d.topicId));
      const deleted = await withTimeout(work, request.timeoutMs, broker.environment.timers);
      for (const [i, { index }] of toDelete.entries()) {
        const result = results[index]!;
        const outcome =
          deleted === TIMED_OUT
            ? { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: 'Timed out.' }
            : deleted[i]!;
        result.errorCode = outcome.errorCode;
        if (version >= 5) result.errorMessage = outcome.errorMessage;
      }
      return { throttleTimeMs: mutationThrottleTimeMs(ctx, quota), responses: results };
    },
  });
