// IncrementalAlterConfigs v0-1. Notes:
// - Operations per key: SET (0), DELETE (1, back to the default), APPEND (2) and SUBTRACT (3)
//   for list-valued keys (cleanup.policy, …), starting from the key's current effective value.
// - A key named twice in one resource, or an unknown operation: INVALID_REQUEST. APPEND or
//   SUBTRACT on a non-list key, unknown keys or bad values: INVALID_CONFIG.
// - Brokers (this node's id, or '' for the cluster-wide default): the operations apply to
//   the resource's dynamic broker configs (alter-broker-configs.ts).
// - Groups: the operations apply to the group's KIP-848 configs (alter-group-configs.ts).
// Authorization as Kafka's: ALTER_CONFIGS on the topic, the cluster (brokers) or the group,
// else TOPIC_/CLUSTER_/GROUP_AUTHORIZATION_FAILED for that resource.
import {
  ErrorCode,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsRequestAlterableConfig as Op,
  type IncrementalAlterConfigsResponse,
} from '../../protocol/index.js';
import { brokerConfigKey, describeTopicConfig } from '../config/index.js';
import { replaceBrokerConfigs } from './support/alter-broker-configs.js';
import { replaceGroupConfigs } from './support/alter-group-configs.js';
import {
  replaceTopicOverrides,
  resolveAlterTarget,
  type AlterOutcome,
} from './support/alter-topic-configs.js';
import { invalidConfig, isListConfig } from './support/config-resources.js';
import { configRefusal } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

export const incrementalAlterConfigsHandler: HandlerFactory = (broker) =>
  defineHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>({
    apiKey: 44,
    name: 'IncrementalAlterConfigs',
    minVersion: 0,
    maxVersion: 1,
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
        let outcome: AlterOutcome;
        if ('errorCode' in target) {
          outcome = target;
        } else if (new Set(names).size !== names.length) {
          const why = 'Error due to duplicate config keys';
          outcome = { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
        } else {
          const validateOnly = request.validateOnly;
          if ('groupResource' in target) {
            // Group configs are all numbers: no APPEND or SUBTRACT.
            const next = applyOps(target.configs, configs, () => null);
            outcome =
              'errorCode' in next
                ? next
                : await replaceGroupConfigs(broker, { target, next, validateOnly });
          } else if ('brokerResource' in target) {
            const next = applyOps(target.configs, configs, (name) => brokerListValue(name));
            outcome =
              'errorCode' in next
                ? next
                : await replaceBrokerConfigs(broker, { target, next, validateOnly });
          } else {
            const current = (name: string) =>
              isListConfig(name)
                ? (describeTopicConfig(name, target.configs, broker.config)?.value ?? '')
                : null;
            const next = applyOps(target.configs, configs, current);
            outcome =
              'errorCode' in next
                ? next
                : await replaceTopicOverrides(broker, { topic: target, next, validateOnly });
          }
        }
        responses.push({ ...outcome, resourceType, resourceName });
      }
      return { throttleTimeMs: 0, responses };
    },
  });

/**
 * Applies the operations to a resource's current configs. `listDefault` gives the value an
 * APPEND or SUBTRACT starts from when the key is not set, or null when the key is not a list.
 */
function applyOps(
  configs: ReadonlyMap<string, string>,
  ops: readonly Op[],
  listDefault: (name: string) => string | null,
): Map<string, string | null> | AlterOutcome {
  const next = new Map<string, string | null>(configs);
  for (const { name, configOperation, value } of ops) {
    switch (configOperation) {
      case SET:
        next.set(name, value);
        break;
      case DELETE:
        next.delete(name);
        break;
      case APPEND:
      case SUBTRACT: {
        const fallback = listDefault(name);
        if (fallback === null) {
          const verb = configOperation === APPEND ? 'append' : 'subtract';
          return invalidConfig(`Config value ${verb} is not allowed for config key: ${name}`);
        }
        const items = splitList(next.get(name) ?? fallback);
        const given = splitList(value ?? '');
        const result =
          configOperation === APPEND
            ? [...items, ...given.filter((v) => !items.includes(v))]
            : items.filter((v) => !given.includes(v));
        next.set(name, result.join(','));
        break;
      }
      default:
        return {
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: `Unknown config operation ${configOperation} for ${name}`,
        };
    }
  }
  return next;
}

/** A broker list key's default (APPEND/SUBTRACT start there when unset); null if not a list. */
function brokerListValue(name: string): string | null {
  const k = brokerConfigKey(name);
  return k?.type === 'list' ? (k.defaultValue ?? '') : null;
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
