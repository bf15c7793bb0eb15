// Shared by AlterConfigs and IncrementalAlterConfigs: checking the resource, validating the
// topic's whole new set of overrides, and committing the difference to the metadata log.
// Each resource succeeds or fails on its own, as in Kafka.
import { ErrorCode } from '../../../protocol/index.js';
import { topicNameProblem, type TopicImage } from '../../../metadata/index.js';
import type { BrokerContext } from '../../broker-context.js';
import { resolveBrokerTarget, type BrokerTarget } from './alter-broker-configs.js';
import { resolveGroupTarget, type GroupTarget } from './alter-group-configs.js';
import { ResourceType, checkTopicOverrides, isThisBroker } from './config-resources.js';

export interface AlterOutcome {
  errorCode: number;
  errorMessage: string | null;
}

const OK: AlterOutcome = { errorCode: ErrorCode.NONE, errorMessage: null };

/**
 * Finds the topic or broker resource a request names, or the outcome that ends the request
 * for it. Broker loggers cannot change; other types are not supported.
 */
export function resolveAlterTarget(
  broker: BrokerContext,
  resource: { resourceType: number; resourceName: string; configNames: readonly string[] },
): TopicImage | BrokerTarget | GroupTarget | AlterOutcome {
  const { resourceType, resourceName, configNames } = resource;
  if (resourceType === ResourceType.Broker) return resolveBrokerTarget(broker, resourceName);
  if (resourceType === ResourceType.Group) return resolveGroupTarget(broker, resourceName);
  if (resourceType === ResourceType.BrokerLogger) {
    if (!isThisBroker(resourceName, broker.config.nodeId)) {
      const why = `Unexpected broker id, expected ${broker.config.nodeId} or empty string, but received ${resourceName}`;
      return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
    }
    if (configNames.length === 0) return OK;
    const why = `Cannot update these configs dynamically: ${configNames.join(', ')}`;
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
  }
  if (resourceType !== ResourceType.Topic) {
    const why = `Unsupported resource type ${resourceType}.`;
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: why };
  }
  const problem = topicNameProblem(resourceName);
  if (problem !== null)
    return { errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: problem };
  const topic = broker.metadata.image.topic(resourceName);
  if (topic === undefined) {
    const why = `Topic ${resourceName} does not exist.`;
    return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: why };
  }
  return topic;
}

/** Validates `next` as the topic's complete overrides and commits what differs. */
export async function replaceTopicOverrides(
  broker: BrokerContext,
  change: { topic: TopicImage; next: ReadonlyMap<string, string | null>; validateOnly: boolean },
): Promise<AlterOutcome> {
  const { topic, next, validateOnly } = change;
  const checked = checkTopicOverrides([...next].map(([name, value]) => ({ name, value })));
  if ('errorCode' in checked) return checked;
  if (validateOnly) return OK;
  const changes = [];
  for (const [name, value] of checked.overrides) {
    if (topic.configs.get(name) !== value) changes.push({ name, value: value as string | null });
  }
  for (const name of topic.configs.keys()) {
    if (!checked.overrides.has(name)) changes.push({ name, value: null });
  }
  if (changes.length === 0) return OK;
  return broker.metadata.alterConfigs(
    changes.map((c) => ({ resourceType: ResourceType.Topic, resourceName: topic.name, ...c })),
  );
}
