// AlterConfigs v0-2 (the legacy, non-incremental form). Notes:
// - The configs given become the topic's complete set of overrides: keys left out return to
//   their defaults. Unknown keys or bad values: INVALID_CONFIG for that resource.
// - Brokers (this node's id, or '' for the cluster-wide default): the configs given become
//   the resource's complete set of dynamic broker configs (alter-broker-configs.ts).
// - Groups: the group's complete set of KIP-848 group configs (alter-group-configs.ts).
// - validate_only checks and changes nothing. Topic config changes reach the partitions at
//   once through the metadata subscribers.
// Authorization as Kafka's: ALTER_CONFIGS on the topic, the cluster (brokers) or the group,
// else TOPIC_/CLUSTER_/GROUP_AUTHORIZATION_FAILED for that resource.
import {
  ErrorCode,
  type AlterConfigsRequest,
  type AlterConfigsResponse,
} from '../../protocol/index.js';
import { replaceBrokerConfigs } from './support/alter-broker-configs.js';
import { replaceGroupConfigs } from './support/alter-group-configs.js';
import { replaceTopicOverrides, resolveAlterTarget } from './support/alter-topic-configs.js';
import { configRefusal } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const alterConfigsHandler: HandlerFactory = (broker) =>
  defineHandler<AlterConfigsRequest, AlterConfigsResponse>({
    apiKey: 33,
    name: 'AlterConfigs',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request, ctx) => {
      const responses = [];
      for (const { resourceType, resourceName, configs } of request.resources) {
        const names = configs.map((c) => c.name);
        const target =
          configRefusal(ctx, 'ALTER_CONFIGS', { resourceType, resourceName }) ??
          resolveAlterTarget(broker, {
            resourceType,
            resourceName,
            configNames: names,
          });
        let outcome;
        if ('errorCode' in target) {
          outcome = target;
        } else if (new Set(names).size !== names.length) {
          outcome = {
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: 'Duplicate config keys.',
          };
        } else {
          const next = new Map(configs.map((c) => [c.name, c.value]));
          const validateOnly = request.validateOnly;
          outcome =
            'brokerResource' in target
              ? await replaceBrokerConfigs(broker, { target, next, validateOnly })
              : 'groupResource' in target
                ? await replaceGroupConfigs(broker, { target, next, validateOnly })
                : await replaceTopicOverrides(broker, { topic: target, next, validateOnly });
        }
        responses.push({ ...outcome, resourceType, resourceName });
      }
      return { throttleTimeMs: 0, responses };
    },
  });
