// CreateTopics v2-7 (v0-1 were removed in Kafka 4.0). Notes:
// - num_partitions / replication_factor -1 take num.partitions / default.replication.factor.
//   With a manual assignment both must be -1, and partition indexes must be 0..n-1.
// - Configs are checked against the topic config table: unknown keys or bad values give
//   INVALID_CONFIG for that topic only.
// - A name given twice in one request gets INVALID_REQUEST (once), as in Kafka.
// - v5+ answer the created topic's partition count, replication factor and configs; v7 its id.
// - validate_only checks everything and creates nothing.
// - Authorization as Kafka's: CREATE on the cluster, else CREATE on each topic
//   (TOPIC_AUTHORIZATION_FAILED); v5+ configs are returned with DESCRIBE_CONFIGS on the topic
//   (else topic_config_error_code TOPIC_AUTHORIZATION_FAILED and none).
// - KIP-599: each new topic's partitions are charged to the controller mutation quota; from v6
//   a topic that finds it exceeded gets THROTTLING_QUOTA_EXCEEDED (the topics before it are
//   created), older versions are only throttled. validate_only charges nothing.
import {
  ErrorCode,
  ZERO_UUID,
  type CreateTopicsRequest,
  type CreateTopicsRequestCreatableTopic as RequestTopic,
  type CreateTopicsResponse,
  type CreateTopicsResponseCreatableTopicResult as TopicResult,
} from '../../protocol/index.js';
import type { NewTopic } from '../../metadata/index.js';
import type { BrokerContext } from '../broker-context.js';
import type { MutationQuota } from '../server/index.js';
import { checkTopicOverrides, describeTopicConfigs } from './support/config-resources.js';
import { allowedTopics, may, mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { TIMED_OUT, withTimeout } from './support/timeout.js';
import { THROTTLED, mutationQuota, mutationThrottleTimeMs } from './support/mutation-quota.js';

export const createTopicsHandler: HandlerFactory = (broker) =>
  defineHandler<CreateTopicsRequest, CreateTopicsResponse>({
    apiKey: 19,
    name: 'CreateTopics',
    minVersion: 2,
    maxVersion: 7,
    handle: async (request, ctx) => {
      const counts = new Map<string, number>();
      for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const results = new Map<string, TopicResult>();
      const specs: NewTopic[] = [];
      const creatable = mayOnCluster(ctx, 'CREATE')
        ? null
        : allowedTopics(
            ctx,
            'CREATE',
            request.topics.map((t) => t.name),
          );
      const quota = mutationQuota(ctx, 6);
      for (const topic of request.topics) {
        if (results.has(topic.name) || specs.some((s) => s.name === topic.name)) continue;
        if (counts.get(topic.name)! > 1) {
          const why = `Create topics request from client \`${ctx.clientId ?? ''}\` contains multiple entries for the topic ${topic.name}.`;
          results.set(topic.name, failure(topic.name, ErrorCode.INVALID_REQUEST, why));
          continue;
        }
        if (creatable !== null && !creatable.has(topic.name)) {
          const why = 'Authorization failed.';
          results.set(topic.name, failure(topic.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, why));
          continue;
        }
        const spec = toNewTopic(broker, topic);
        if ('errorCode' in spec)
          results.set(topic.name, failure(topic.name, spec.errorCode, spec.errorMessage));
        else if (!chargeQuota(broker, spec, { quota, validateOnly: request.validateOnly }))
          results.set(topic.name, failure(topic.name, THROTTLED.errorCode, THROTTLED.errorMessage));
        else specs.push(spec);
      }
      const work = broker.metadata.createTopics(specs, { validateOnly: request.validateOnly });
      const created = await withTimeout(work, request.timeoutMs, broker.environment.timers);
      for (const [i, spec] of specs.entries()) {
        if (created === TIMED_OUT) {
          const why = `Timed out waiting for the creation of ${spec.name}.`;
          results.set(spec.name, failure(spec.name, ErrorCode.REQUEST_TIMED_OUT, why));
          continue;
        }
        const r = created[i]!;
        if (r.topic === undefined) {
          results.set(spec.name, failure(spec.name, r.errorCode, r.errorMessage));
          continue;
        }
        const overrides = spec.configs ?? new Map<string, string>();
        const showConfigs =
          ctx.apiVersion >= 5 && may(ctx, 'DESCRIBE_CONFIGS', { type: 'TOPIC', name: spec.name });
        results.set(spec.name, {
          name: spec.name,
          topicId: ctx.apiVersion >= 7 && !request.validateOnly ? r.topic.topicId : ZERO_UUID,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          topicConfigErrorCode:
            ctx.apiVersion >= 5 && !showConfigs
              ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
              : ErrorCode.NONE,
          numPartitions: ctx.apiVersion >= 5 ? r.topic.partitions.length : -1,
          replicationFactor:
            ctx.apiVersion >= 5 ? (r.topic.partitions[0]?.replicas.length ?? 0) : -1,
          configs: showConfigs
            ? describeTopicConfigs(overrides, broker.config, {
                names: null,
                includeSynonyms: false,
                includeDocumentation: false,
              }).map(({ name, value, readOnly, configSource, isSensitive }) => ({
                name,
                value,
                readOnly,
                configSource,
                isSensitive,
              }))
            : [],
        });
      }
      // One answer per distinct name, in request order.
      const names = [...new Set(request.topics.map((t) => t.name))];
      const throttleTimeMs = mutationThrottleTimeMs(ctx, quota);
      return { throttleTimeMs, topics: names.map((n) => results.get(n)!) };
    },
  });

/**
 * Charges a topic's partitions to the mutation quota; false if it is refused. A topic that
 * already exists will not be created, so it costs nothing.
 */
function chargeQuota(
  broker: BrokerContext,
  spec: NewTopic,
  { quota, validateOnly }: { quota: MutationQuota; validateOnly: boolean },
): boolean {
  if (validateOnly || broker.metadata.image.topic(spec.name) !== undefined) return true;
  return quota.admit(spec.numPartitions);
}

function toNewTopic(
  broker: BrokerContext,
  topic: RequestTopic,
): NewTopic | { errorCode: number; errorMessage: string } {
  const configs = checkTopicOverrides(topic.configs);
  if ('errorCode' in configs) return configs;
  if (topic.assignments.length > 0) {
    if (topic.numPartitions !== -1 || topic.replicationFactor !== -1) {
      return {
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage:
          'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      };
    }
    const sorted = [...topic.assignments].sort((a, b) => a.partitionIndex - b.partitionIndex);
    if (sorted.some((a, i) => a.partitionIndex !== i)) {
      return {
        errorCode: ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        errorMessage: 'Partitions should be a consecutive 0-based integer sequence.',
      };
    }
    return {
      name: topic.name,
      numPartitions: sorted.length,
      replicationFactor: sorted[0]!.brokerIds.length,
      assignments: sorted.map((a) => a.brokerIds),
      configs: configs.overrides,
    };
  }
  const v = broker.config.values;
  return {
    name: topic.name,
    numPartitions: topic.numPartitions === -1 ? v['num.partitions'] : topic.numPartitions,
    replicationFactor:
      topic.replicationFactor === -1 ? v['default.replication.factor'] : topic.replicationFactor,
    configs: configs.overrides,
  };
}

function failure(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: [],
  };
}
