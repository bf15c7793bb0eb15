// DescribeConfigs v1-4 (v0 was removed in Kafka 4.0). Notes:
// - Topics: every topic config with its effective value and source (DYNAMIC_TOPIC_CONFIG for
//   the topic's overrides, STATIC_BROKER_CONFIG when a broker synonym was set, else
//   DEFAULT_CONFIG); synonyms (broker keys a value could come from) only when asked.
// - Brokers: this node's id gives every broker key with its value and source (dynamic
//   per-broker, dynamic default, static, default); read-only unless the key can change at run
//   time. '' (the cluster default) gives only the dynamic defaults. Broker loggers answer an
//   empty list.
// - Topics: synonyms as Kafka's ConfigHelper lists them (see describeTopicConfig).
// - Groups (KIP-848 group configs): each key with the group's value (GROUP_CONFIG) or the
//   broker's (DEFAULT_CONFIG); the group need not exist, as in Kafka.
// - v3+ add each config's type and, when asked, its documentation.
// - configuration_keys null means all; unknown keys are left out, as in Kafka.
// Authorization as Kafka's: DESCRIBE_CONFIGS on the topic, the cluster (brokers) or the group,
// else TOPIC_/CLUSTER_/GROUP_AUTHORIZATION_FAILED for that resource.
import {
  ErrorCode,
  type DescribeConfigsRequest,
  type DescribeConfigsResponse,
  type DescribeConfigsResponseDescribeConfigsResult as Result,
} from '../../protocol/index.js';
import { topicNameProblem } from '../../metadata/index.js';
import {
  ResourceType,
  describeBrokerConfigs,
  describeGroupConfigEntries,
  describeTopicConfigs,
  isThisBroker,
  type DescribedConfig,
} from './support/config-resources.js';
import { configRefusal } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const describeConfigsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
    apiKey: 32,
    name: 'DescribeConfigs',
    minVersion: 1,
    maxVersion: 4,
    handle: (request, ctx) => {
      const flags = {
        includeSynonyms: request.includeSynonyms,
        includeDocumentation: ctx.apiVersion >= 3 && request.includeDocumentation,
      };
      const results = request.resources.map((resource): Result => {
        const { resourceType, resourceName, configurationKeys: keys } = resource;
        const result = (configs: DescribedConfig[]): Result => ({
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          resourceType,
          resourceName,
          configs: configs.map((c) => (ctx.apiVersion >= 3 ? c : { ...c, configType: 0 })),
        });
        const error = (errorCode: number, errorMessage: string): Result => ({
          ...result([]),
          errorCode,
          errorMessage,
        });
        const refusal = configRefusal(ctx, 'DESCRIBE_CONFIGS', resource);
        if (refusal !== null) return error(refusal.errorCode, refusal.errorMessage);
        switch (resourceType) {
          case ResourceType.Topic: {
            const problem = topicNameProblem(resourceName);
            if (problem !== null) return error(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
            const topic = broker.metadata.image.topic(resourceName);
            if (topic === undefined) {
              const why = `Topic '${resourceName}' does not exist.`;
              return error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, why);
            }
            const options = { ...flags, names: keys };
            return result(describeTopicConfigs(topic.configs, broker.config, options));
          }
          case ResourceType.Broker:
          case ResourceType.BrokerLogger: {
            if (!isThisBroker(resourceName, broker.config.nodeId)) {
              const why = `Unexpected broker id, expected ${broker.config.nodeId} or empty string, but received ${resourceName}`;
              return error(ErrorCode.INVALID_REQUEST, why);
            }
            if (resourceType === ResourceType.BrokerLogger) return result([]);
            const perBroker = resourceName !== '';
            return result(
              describeBrokerConfigs(broker.config, { ...flags, names: keys, perBroker }),
            );
          }
          case ResourceType.Group: {
            if (resourceName === '') {
              return error(ErrorCode.INVALID_REQUEST, 'Group name must not be empty');
            }
            const overrides = broker.metadata.image.groupConfigs(resourceName);
            return result(
              describeGroupConfigEntries(overrides, broker.config, { ...flags, names: keys }),
            );
          }
          default:
            return error(
              ErrorCode.INVALID_REQUEST,
              `Unsupported resource type ${resourceType} for DescribeConfigs.`,
            );
        }
      });
      return Promise.resolve({ throttleTimeMs: 0, results });
    },
  });
