// CreatePartitions v0-3. Notes:
// - `count` is the new total; it must grow the topic (INVALID_PARTITIONS otherwise).
// - `assignments` (optional) gives the replicas of each new partition; without it the new
//   partitions get the topic's replication factor.
// - A topic named twice gets INVALID_REQUEST; validate_only creates nothing.
// Authorization: ALTER on each topic, else TOPIC_AUTHORIZATION_FAILED (as in Kafka).
// KIP-599: the partitions added are charged to the controller mutation quota; from v3 a topic
// that finds it exceeded gets THROTTLING_QUOTA_EXCEEDED, older versions are only throttled.
// validate_only charges nothing.
import {
  ErrorCode,
  type CreatePartitionsRequest,
  type CreatePartitionsResponse,
  type CreatePartitionsResponseCreatePartitionsTopicResult as Result,
} from '../../protocol/index.js';
import { allowedTopics } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { TIMED_OUT, withTimeout } from './support/timeout.js';
import { THROTTLED, mutationQuota, mutationThrottleTimeMs } from './support/mutation-quota.js';

export const createPartitionsHandler: HandlerFactory = (broker) =>
  defineHandler<CreatePartitionsRequest, CreatePartitionsResponse>({
    apiKey: 37,
    name: 'CreatePartitions',
    minVersion: 0,
    maxVersion: 3,
    handle: async (request, ctx) => {
      const alterable = allowedTopics(
        ctx,
        'ALTER',
        request.topics.map((t) => t.name),
      );
      const counts = new Map<string, number>();
      for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const results: Result[] = [];
      const work: Promise<void>[] = [];
      const quota = mutationQuota(ctx, 3);
      for (const topic of request.topics) {
        if (results.some((r) => r.name === topic.name)) continue;
        const result: Result = { name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null };
        results.push(result);
        if (counts.get(topic.name)! > 1) {
          result.errorCode = ErrorCode.INVALID_REQUEST;
          result.errorMessage = 'Duplicate topic in request.';
          continue;
        }
        if (!alterable.has(topic.name)) {
          result.errorCode = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          result.errorMessage = 'Topic authorization failed.';
          continue;
        }
        // Only a valid growth creates partitions; anything else fails below, free of charge.
        const current = broker.metadata.image.topic(topic.name)?.partitions.length ?? topic.count;
        const added = request.validateOnly ? 0 : topic.count - current;
        if (added > 0 && !quota.admit(added)) {
          result.errorCode = THROTTLED.errorCode;
          result.errorMessage = THROTTLED.errorMessage;
          continue;
        }
        const op = broker.metadata.createPartitions(topic.name, topic.count, {
          assignments: topic.assignments?.map((a) => a.brokerIds) ?? null,
          validateOnly: request.validateOnly,
        });
        work.push(
          withTimeout(op, request.timeoutMs, broker.environment.timers).then((outcome) => {
            const r =
              outcome === TIMED_OUT
                ? { errorCode: ErrorCode.REQUEST_TIMED_OUT, errorMessage: 'Timed out.' }
                : outcome;
            result.errorCode = r.errorCode;
            result.errorMessage = r.errorMessage;
          }),
        );
      }
      await Promise.all(work);
      return { throttleTimeMs: mutationThrottleTimeMs(ctx, quota), results };
    },
  });
