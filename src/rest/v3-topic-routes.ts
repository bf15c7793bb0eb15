// API v3: topics (list, create with configs, get, delete), their configs (list, get, set,
// reset, batch `:alter`), partitions and replicas.
import {
  KafkaError,
  type ConfigEntry,
  type PartitionMetadata,
  type TopicMetadata,
} from '../client/index.js';
import { HttpResponse, type HttpRequest, type HttpRoute } from '../http/index.js';
import type { RestContext } from './rest-context.js';
import { badRequestV3, mapped, kafkaFailure, notFoundV3 } from './rest-errors.js';
import { alterOpsOf, configValueOf } from './v3-config-bodies.js';
import { configFields, list, related, resource, v3Base, type V3Base } from './v3-resources.js';

const TOPICS = '/v3/clusters/:cluster_id/topics';
const TOPIC = `${TOPICS}/:topic_name`;

export function v3TopicRoutes(ctx: RestContext): HttpRoute[] {
  const topicUrl = (base: V3Base, t: string) => `${base.cluster}/topics/${t}`;
  const topicCrn = (base: V3Base, t: string) => `${base.crn}/topic=${t}`;
  const topicOf = (base: V3Base, t: TopicMetadata) =>
    resource('KafkaTopic', topicUrl(base, t.name), topicCrn(base, t.name), {
      cluster_id: base.clusterId,
      topic_name: t.name,
      is_internal: t.isInternal,
      replication_factor: t.partitions[0]?.replicas.length ?? 0,
      partitions_count: t.partitions.length,
      partitions: related(`${topicUrl(base, t.name)}/partitions`),
      configs: related(`${topicUrl(base, t.name)}/configs`),
      partition_reassignments: related(`${topicUrl(base, t.name)}/partitions/-/reassignment`),
      authorized_operations: [],
    });
  const describe = async (name: string) => {
    const [t] = await mapped(() => ctx.admin.describeTopics([name]));
    return t!;
  };
  const partitionUrl = (base: V3Base, t: string, p: number) =>
    `${topicUrl(base, t)}/partitions/${p}`;
  const partitionOf = (base: V3Base, t: string, p: PartitionMetadata) =>
    resource(
      'KafkaPartition',
      partitionUrl(base, t, p.partition),
      `${topicCrn(base, t)}/partition=${p.partition}`,
      {
        cluster_id: base.clusterId,
        topic_name: t,
        partition_id: p.partition,
        leader:
          p.leaderId >= 0
            ? related(`${partitionUrl(base, t, p.partition)}/replicas/${p.leaderId}`)
            : null,
        replicas: related(`${partitionUrl(base, t, p.partition)}/replicas`),
        reassignment: related(`${partitionUrl(base, t, p.partition)}/reassignment`),
      },
    );
  const findPartition = (t: TopicMetadata, id: string | undefined) => {
    const p = t.partitions.find((x) => String(x.partition) === id);
    if (p === undefined)
      throw notFoundV3(`Partition ${id ?? ''} of topic ${t.name} cannot be found.`);
    return p;
  };
  const replicaOf = (base: V3Base, t: string, p: PartitionMetadata, brokerId: number) =>
    resource(
      'KafkaReplica',
      `${partitionUrl(base, t, p.partition)}/replicas/${brokerId}`,
      `${topicCrn(base, t)}/partition=${p.partition}/replica=${brokerId}`,
      {
        cluster_id: base.clusterId,
        topic_name: t,
        partition_id: p.partition,
        broker_id: brokerId,
        is_leader: p.leaderId === brokerId,
        is_in_sync: p.isr.includes(brokerId),
        broker: related(`${base.cluster}/brokers/${brokerId}`),
      },
    );
  const topicConfig = (base: V3Base, t: string, e: ConfigEntry) =>
    resource(
      'KafkaTopicConfig',
      `${topicUrl(base, t)}/configs/${e.name}`,
      `${topicCrn(base, t)}/config=${e.name}`,
      {
        cluster_id: base.clusterId,
        topic_name: t,
        ...configFields(e),
      },
    );
  const configsOf = (t: string, keys?: string[]) =>
    mapped(() =>
      ctx.admin.describeConfigs({ type: 'topic', name: t }, keys === undefined ? {} : { keys }),
    );
  const alter = async (request: HttpRequest, change: ReturnType<typeof alterOpsOf>) => {
    await v3Base(ctx, request);
    const name = request.params.topic_name!;
    await describe(name);
    await mapped(() =>
      ctx.admin.alterConfigs({ type: 'topic', name }, change.ops, {
        validateOnly: change.validateOnly,
      }),
    );
    return new HttpResponse(204);
  };
  return [
    {
      method: 'GET',
      url: TOPICS,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const names = await mapped(() => ctx.admin.listTopics({ includeInternal: true }));
        const topics =
          names.length === 0 ? [] : await mapped(() => ctx.admin.describeTopics(names));
        return list(
          'KafkaTopicList',
          `${base.cluster}/topics`,
          topics.map((t) => topicOf(base, t)),
        );
      },
    },
    {
      method: 'POST',
      url: TOPICS,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const body = newTopicOf(request.body);
        const [result] = await mapped(() =>
          ctx.admin.createTopics(
            [
              {
                name: body.name,
                numPartitions: body.partitions,
                replicationFactor: body.replicationFactor,
                configs: body.configs,
              },
            ],
            { validateOnly: body.validateOnly },
          ),
        );
        if (result !== undefined && result.errorCode !== 0) {
          const message =
            result.errorCode === 36 ? `Topic '${body.name}' already exists.` : result.errorMessage;
          throw kafkaFailure(new KafkaError(result.errorCode, message ?? undefined));
        }
        if (body.validateOnly) {
          return new HttpResponse(201, {
            ...topicOf(base, {
              name: body.name,
              topicId: '',
              errorCode: 0,
              isInternal: false,
              partitions: [],
            }),
            partitions_count: body.partitions,
            replication_factor: body.replicationFactor,
          });
        }
        const t = await describe(body.name);
        return new HttpResponse(201, topicOf(base, t), {
          location: topicUrl(base, body.name),
        });
      },
    },
    {
      method: 'GET',
      url: TOPIC,
      handler: async (request) =>
        topicOf(await v3Base(ctx, request), await describe(request.params.topic_name!)),
    },
    {
      method: 'DELETE',
      url: TOPIC,
      handler: async (request) => {
        await v3Base(ctx, request);
        const name = request.params.topic_name!;
        await describe(name);
        const [result] = await mapped(() => ctx.admin.deleteTopics([name]));
        if (result !== undefined && result.errorCode !== 0) {
          throw kafkaFailure(new KafkaError(result.errorCode, result.errorMessage ?? undefined));
        }
        return new HttpResponse(204);
      },
    },
    {
      method: 'GET',
      url: `${TOPIC}/configs`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const t = request.params.topic_name!;
        await describe(t);
        const entries = await configsOf(t);
        return list(
          'KafkaTopicConfigList',
          `${topicUrl(base, t)}/configs`,
          entries.map((e) => topicConfig(base, t, e)),
        );
      },
    },
    {
      method: 'GET',
      url: `${TOPIC}/configs/:name`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const t = request.params.topic_name!;
        await describe(t);
        const key = request.params.name!;
        const entry = (await configsOf(t, [key])).find((e) => e.name === key);
        if (entry === undefined) throw notFoundV3(`Config ${key} cannot be found for topic ${t}.`);
        return topicConfig(base, t, entry);
      },
    },
    {
      method: 'PUT',
      url: `${TOPIC}/configs/:name`,
      handler: (request) =>
        alter(request, {
          ops: [{ op: 'set', name: request.params.name!, value: configValueOf(request.body) }],
          validateOnly: false,
        }),
    },
    {
      method: 'DELETE',
      url: `${TOPIC}/configs/:name`,
      handler: (request) =>
        alter(request, {
          ops: [{ op: 'delete', name: request.params.name! }],
          validateOnly: false,
        }),
    },
    {
      method: 'POST',
      url: `${TOPIC}/configs::alter`,
      handler: (request) => alter(request, alterOpsOf(request.body)),
    },
    {
      method: 'GET',
      url: `${TOPIC}/partitions`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const t = await describe(request.params.topic_name!);
        return list(
          'KafkaPartitionList',
          `${topicUrl(base, t.name)}/partitions`,
          t.partitions.map((p) => partitionOf(base, t.name, p)),
        );
      },
    },
    {
      method: 'GET',
      url: `${TOPIC}/partitions/:partition_id`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const t = await describe(request.params.topic_name!);
        return partitionOf(base, t.name, findPartition(t, request.params.partition_id));
      },
    },
    {
      method: 'GET',
      url: `${TOPIC}/partitions/:partition_id/replicas`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const t = await describe(request.params.topic_name!);
        const p = findPartition(t, request.params.partition_id);
        return list(
          'KafkaReplicaList',
          `${partitionUrl(base, t.name, p.partition)}/replicas`,
          p.replicas.map((b) => replicaOf(base, t.name, p, b)),
        );
      },
    },
    {
      method: 'GET',
      url: `${TOPIC}/partitions/:partition_id/replicas/:broker_id`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const t = await describe(request.params.topic_name!);
        const p = findPartition(t, request.params.partition_id);
        const b = p.replicas.find((r) => String(r) === request.params.broker_id);
        if (b === undefined)
          throw notFoundV3(`Replica ${request.params.broker_id!} cannot be found.`);
        return replicaOf(base, t.name, p, b);
      },
    },
  ];
}

interface NewTopicBody {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  validateOnly: boolean;
}

/** `{"topic_name", "partitions_count"?, "replication_factor"?, "configs"?: [{name, value}]}` */
function newTopicOf(body: unknown): NewTopicBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestV3('The request body must be a JSON object.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.topic_name !== 'string' || b.topic_name === '') {
    throw badRequestV3('topic_name is required.');
  }
  const int = (v: unknown, what: string) => {
    if (v === undefined || v === null) return -1;
    if (typeof v !== 'number' || !Number.isInteger(v))
      throw badRequestV3(`${what} must be an integer.`);
    return v;
  };
  const configs: Record<string, string> = {};
  if (b.configs !== undefined) {
    if (!Array.isArray(b.configs)) throw badRequestV3('configs must be a list of {name, value}.');
    for (const c of b.configs as unknown[]) {
      const entry = c as Record<string, unknown> | null;
      if (entry === null || typeof entry.name !== 'string' || typeof entry.value !== 'string') {
        throw badRequestV3('configs must be a list of {name, value}.');
      }
      configs[entry.name] = entry.value;
    }
  }
  return {
    name: b.topic_name,
    partitions: int(b.partitions_count, 'partitions_count'),
    replicationFactor: int(b.replication_factor, 'replication_factor'),
    configs,
    validateOnly: b.validate_only === true,
  };
}
