// Metadata v0-13. Notes:
// - v0: an empty topic list means every topic; v1+: null means every topic, empty means none.
// - Unknown topics asked for by name are created when `auto.create.topics.enable` is on and
//   (v4+) the request allows it, with `num.partitions` and `default.replication.factor`. The
//   topic is created before answering, so the client sees it at once.
// - v12+ may ask by topic id (name null): unknown ids get UNKNOWN_TOPIC_ID (v10-11 cannot:
//   INVALID_REQUEST).
// - Brokers: every live broker at its address on the listener the request came in on (on a
//   single node, this one); the controller is the active one. Leader epochs are >= 0 (clients
//   drop cached epochs on -1); a partition without a live ISR member has leader -1 and
//   LEADER_NOT_AVAILABLE, as Kafka answers it.
// - Topic ids (v10+) are the real, stable ids from the metadata log; librdkafka uses Fetch
//   v13+ only when they are non-zero.
// - Authorization as Kafka's: every topic needs DESCRIBE. All topics: the others are left
//   out. Named topics (existing or not, so nothing leaks): TOPIC_AUTHORIZATION_FAILED; topics
//   by id: TOPIC_AUTHORIZATION_FAILED without a name. Auto-creation needs CREATE on the
//   cluster or the topic (else TOPIC_AUTHORIZATION_FAILED). v8+ authorized operations are
//   the ones the principal may do.
import {
  ErrorCode,
  ZERO_UUID,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic as ResponseTopic,
} from '../../protocol/index.js';
import { isInternalTopic, topicNameProblem, type TopicImage } from '../../metadata/index.js';
import type { BrokerContext } from '../broker-context.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  CLUSTER_OPERATIONS,
  TOPIC_OPERATIONS,
  authorizedOperations,
} from './support/authorized-operations.js';
import { allowedTopics, mayOnCluster } from './support/authorize.js';
import { CLUSTER_RESOURCE_NAME } from '../../metadata/index.js';
import { controllerIdOf, liveBrokerAddresses, offlineReplicas } from './support/cluster-view.js';
import { defineHandler, type ApiContext } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { createTopicsWithDefaults } from './support/topic-defaults.js';

export const metadataHandler: HandlerFactory = (broker) =>
  defineHandler<MetadataRequest, MetadataResponse>({
    apiKey: 3,
    name: 'Metadata',
    minVersion: 0,
    maxVersion: 13,
    handle: async (request, ctx) => {
      const version = ctx.apiVersion;
      const wantAll = request.topics === null || (version === 0 && request.topics.length === 0);
      const topics = wantAll
        ? describable(ctx, broker.metadata.image.topics()).map((t) =>
            describeTopic(broker, t, request, ctx),
          )
        : await describeRequested(broker, request, ctx);
      return {
        throttleTimeMs: 0,
        brokers: liveBrokerAddresses(broker, ctx.session.listenerName),
        clusterId: broker.clusterId,
        controllerId: controllerIdOf(broker),
        topics,
        clusterAuthorizedOperations:
          version >= 8 && version <= 10 && request.includeClusterAuthorizedOperations
            ? authorizedOperations(
                ctx,
                { type: 'CLUSTER', name: CLUSTER_RESOURCE_NAME },
                CLUSTER_OPERATIONS,
              )
            : AUTHORIZED_OPERATIONS_OMITTED,
        errorCode: ErrorCode.NONE,
      };
    },
  });

async function describeRequested(
  broker: BrokerContext,
  request: MetadataRequest,
  ctx: ApiContext,
): Promise<ResponseTopic[]> {
  const version = ctx.apiVersion;
  const image = broker.metadata.image;
  const out: (ResponseTopic | string)[] = [];
  const toCreate: string[] = [];
  const asked = new Set<string>();
  const names = (request.topics ?? []).map((t) => t.name ?? image.topicById(t.topicId)?.name);
  const visible = allowedTopics(
    ctx,
    'DESCRIBE',
    names.filter((n): n is string => n !== undefined),
  );
  // Asked only when some topic is missing: CREATE on the cluster covers every topic.
  let createAll: boolean | undefined;
  let creatable: Set<string> | undefined;
  for (const { name, topicId } of request.topics ?? []) {
    // Like Kafka, each topic is answered once however often it is asked for.
    const key = name ?? `id:${topicId}`;
    if (asked.has(key)) continue;
    asked.add(key);
    if (name === null && version < 12) {
      // Topic ids in requests arrive with v12; before it the answer cannot carry a null name.
      out.push(topicError(ErrorCode.INVALID_REQUEST, '', topicId));
      continue;
    }
    if (name === null) {
      const topic = topicId === ZERO_UUID ? undefined : image.topicById(topicId);
      out.push(
        topic === undefined
          ? topicError(ErrorCode.UNKNOWN_TOPIC_ID, null, topicId)
          : visible.has(topic.name)
            ? describeTopic(broker, topic, request, ctx)
            : topicError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, null, topicId),
      );
      continue;
    }
    const topic = image.topic(name);
    if (!visible.has(name)) {
      out.push(topicError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, ZERO_UUID));
    } else if (topic !== undefined) {
      out.push(describeTopic(broker, topic, request, ctx));
    } else if (topicNameProblem(name) !== null) {
      out.push(topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, name, ZERO_UUID));
    } else if (mayAutoCreate(broker, request, version)) {
      createAll ??= mayOnCluster(ctx, 'CREATE');
      creatable ??= createAll ? undefined : allowedTopics(ctx, 'CREATE', missing(request, image));
      if (creatable === undefined || creatable.has(name)) {
        toCreate.push(name);
        out.push(name);
      } else {
        out.push(topicError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, name, ZERO_UUID));
      }
    } else {
      out.push(topicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, ZERO_UUID));
    }
  }
  const created = new Map<string, ResponseTopic>();
  if (toCreate.length > 0) {
    const results = await createTopicsWithDefaults(broker, toCreate);
    for (const [i, name] of toCreate.entries()) {
      const result = results[i]!;
      // Lost a race with another creation: describe whatever exists now.
      const topic = result.topic ?? broker.metadata.image.topic(name);
      created.set(
        name,
        topic !== undefined
          ? describeTopic(broker, topic, request, ctx)
          : topicError(result.errorCode, name, ZERO_UUID),
      );
    }
  }
  return out.map((entry) => (typeof entry === 'string' ? created.get(entry)! : entry));
}

function mayAutoCreate(broker: BrokerContext, request: MetadataRequest, version: number): boolean {
  if (!broker.config.values['auto.create.topics.enable']) return false;
  return version < 4 || request.allowAutoTopicCreation;
}

/** The topics the principal may DESCRIBE. */
function describable(ctx: ApiContext, topics: TopicImage[]): TopicImage[] {
  const visible = allowedTopics(
    ctx,
    'DESCRIBE',
    topics.map((t) => t.name),
  );
  return visible.size === topics.length ? topics : topics.filter((t) => visible.has(t.name));
}

/** The named topics of the request that do not exist. */
function missing(request: MetadataRequest, image: BrokerContext['metadata']['image']): string[] {
  const names: string[] = [];
  for (const t of request.topics ?? []) {
    if (t.name !== null && image.topic(t.name) === undefined) names.push(t.name);
  }
  return names;
}

function describeTopic(
  broker: BrokerContext,
  topic: TopicImage,
  request: MetadataRequest,
  ctx: ApiContext,
): ResponseTopic {
  const version = ctx.apiVersion;
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: version >= 10 ? topic.topicId : ZERO_UUID,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partitionId,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: offlineReplicas(broker, p),
    })),
    topicAuthorizedOperations:
      version >= 8 && request.includeTopicAuthorizedOperations
        ? authorizedOperations(ctx, { type: 'TOPIC', name: topic.name }, TOPIC_OPERATIONS)
        : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function topicError(errorCode: number, name: string | null, topicId: string): ResponseTopic {
  return {
    errorCode,
    name,
    topicId,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
