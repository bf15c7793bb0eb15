// IncrementalAlterConfigs v0-1. Notes:
// - Operations per key: SET (0), DELETE (1, back to the default), APPEND (2) and SUBTRACT (3)
//   for list-valued keys (cleanup.policy, …), starting from the key's current effective value.
// - A key named twice in one resource, or an unknown operation: INVALID_REQUEST. APPEND or
//   SUBTRACT on a non-list key, unknown keys or bad values: INVALID_CONFIG.
// - Broker configs are static in Rivulet: changing one gives INVALID_REQUEST.
import {
  ErrorCode,
  type IncrementalAlterConfigsRequest,
  type IncrementalAlterConfigsRequestAlterableConfig as Op,
  type IncrementalAlterConfigsResponse,
} from '../../protocol/index.js';
import type { TopicImage } from '../../metadata/index.js';
import type { BrokerContext } from '../broker-context.js';
import { describeTopicConfig } from '../config/index.js';
import {
  replaceTopicOverrides,
  resolveAlterTarget,
  type AlterOutcome,
} from './alter-topic-configs.js';
import { invalidConfig, isListConfig } from './config-resources.js';
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
    handle: async (request) => {
      const responses = [];
      for (const { resourceType, resourceName, configs } of request.resources) {
        const names = configs.map((c) => c.name);
        const target = resolveAlterTarget(broker, resourceType, resourceName, names);
        let outcome: AlterOutcome;
        if ('errorCode' in target) {
          outcome = target;
        } else if (new Set(names).size !== names.length) {
          const why = 'Error due to duplicate config keys';
          outcome = { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
        } else {
          const next = applyOps(broker, target, configs);
          outcome =
            'errorCode' in next
              ? next
              : await replaceTopicOverrides(broker, target, next, request.validateOnly);
        }
        responses.push({ ...outcome, resourceType, resourceName });
      }
      return { throttleTimeMs: 0, responses };
    },
  });

function applyOps(
  broker: BrokerContext,
  topic: TopicImage,
  ops: readonly Op[],
): Map<string, string | null> | AlterOutcome {
  const next = new Map<string, string | null>(topic.configs);
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
        if (!isListConfig(name)) {
          const verb = configOperation === APPEND ? 'append' : 'subtract';
          return invalidConfig(`Config value ${verb} is not allowed for config key: ${name}`);
        }
        const current =
          next.get(name) ?? describeTopicConfig(name, topic.configs, broker.config)?.value ?? '';
        const items = splitList(current);
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

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
