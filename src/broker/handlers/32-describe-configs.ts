// DescribeConfigs v1-4 (v0 was removed in Kafka 4.0). Notes:
// - Topics: every topic config with its effective value and source (DYNAMIC_TOPIC_CONFIG for
//   the topic's overrides, STATIC_BROKER_CONFIG when a broker synonym was set, else
//   DEFAULT_CONFIG); synonyms (broker keys a value could come from) only when asked.
// - Brokers (resource name = this node's id, or '' for the cluster default): every broker key,
//   read-only. Broker loggers answer an empty list.
// - v3+ add each config's type and, when asked, its documentation.
// - configuration_keys null means all; unknown keys are left out, as in Kafka.
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
  describeTopicConfigs,
  isThisBroker,
  type DescribedConfig,
} from './config-resources.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const describeConfigsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeConfigsRequest, DescribeConfigsResponse>({
    apiKey: 32,
    name: 'DescribeConfigs',
    minVersion: 1,
    maxVersion: 4,
    handle: (request, ctx) => {
      const options = {
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
        switch (resourceType) {
          case ResourceType.Topic: {
            const problem = topicNameProblem(resourceName);
            if (problem !== null) return error(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
            const topic = broker.metadata.image.topic(resourceName);
            if (topic === undefined) {
              const why = `Topic '${resourceName}' does not exist.`;
              return error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, why);
            }
            return result(describeTopicConfigs(topic.configs, broker.config, keys, options));
          }
          case ResourceType.Broker:
          case ResourceType.BrokerLogger: {
            if (!isThisBroker(resourceName, broker.config.nodeId)) {
              const why = `Unexpected broker id, expected ${broker.config.nodeId} or empty string, but received ${resourceName}`;
              return error(ErrorCode.INVALID_REQUEST, why);
            }
            if (resourceType === ResourceType.BrokerLogger) return result([]);
            return result(describeBrokerConfigs(broker.config, keys, options));
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
