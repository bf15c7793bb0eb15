// API v3: the cluster, its brokers, and broker configs (per broker, every broker with `-`,
// and the cluster-wide defaults under /broker-configs).
import type { ConfigEntry } from '../client/index.js';
import { HttpResponse, type HttpRoute } from '../http/index.js';
import type { RestContext } from './rest-context.js';
import { mapped, notFoundV3 } from './rest-errors.js';
import { configFields, list, related, resource, v3Base, type V3Base } from './v3-resources.js';
import { alterOpsOf, configValueOf } from './v3-config-bodies.js';

const CLUSTER = '/v3/clusters/:cluster_id';

export function v3ClusterRoutes(ctx: RestContext): HttpRoute[] {
  const clusterOf = async (base: V3Base) => {
    const d = await mapped(() => ctx.admin.describeCluster());
    return resource('KafkaCluster', base.cluster, base.crn, {
      cluster_id: base.clusterId,
      controller: d.controllerId >= 0 ? related(`${base.cluster}/brokers/${d.controllerId}`) : null,
      acls: related(`${base.cluster}/acls`),
      brokers: related(`${base.cluster}/brokers`),
      broker_configs: related(`${base.cluster}/broker-configs`),
      consumer_groups: related(`${base.cluster}/consumer-groups`),
      topics: related(`${base.cluster}/topics`),
      partition_reassignments: related(`${base.cluster}/topics/-/partitions/-/reassignment`),
    });
  };
  const brokers = async () => (await mapped(() => ctx.admin.describeCluster())).brokers;
  const brokerOf = (
    base: V3Base,
    b: { nodeId: number; host: string; port: number; rack: string | null },
  ) =>
    resource(
      'KafkaBroker',
      `${base.cluster}/brokers/${b.nodeId}`,
      `${base.crn}/broker=${b.nodeId}`,
      {
        cluster_id: base.clusterId,
        broker_id: b.nodeId,
        host: b.host,
        port: b.port,
        rack: b.rack,
        configs: related(`${base.cluster}/brokers/${b.nodeId}/configs`),
        partition_replicas: related(`${base.cluster}/brokers/${b.nodeId}/partition-replicas`),
      },
    );
  const findBroker = async (id: string) => {
    const found = (await brokers()).find((b) => String(b.nodeId) === id);
    if (found === undefined) throw notFoundV3(`Broker ${id} cannot be found.`);
    return found;
  };
  const brokerConfig = (base: V3Base, brokerId: number, e: ConfigEntry) =>
    resource(
      'KafkaBrokerConfig',
      `${base.cluster}/brokers/${brokerId}/configs/${e.name}`,
      `${base.crn}/broker=${brokerId}/config=${e.name}`,
      { cluster_id: base.clusterId, broker_id: brokerId, ...configFields(e) },
    );
  const clusterConfig = (base: V3Base, e: ConfigEntry) =>
    resource(
      'KafkaClusterConfig',
      `${base.cluster}/broker-configs/${e.name}`,
      `${base.crn}/broker-config=${e.name}`,
      { cluster_id: base.clusterId, config_type: 'BROKER', ...configFields(e) },
    );
  const configsOf = (name: string, keys?: string[]) =>
    mapped(() =>
      ctx.admin.describeConfigs({ type: 'broker', name }, keys === undefined ? {} : { keys }),
    );
  const oneConfig = async (name: string, key: string) => {
    const entry = (await configsOf(name, [key])).find((e) => e.name === key);
    if (entry === undefined) throw notFoundV3(`Config ${key} cannot be found.`);
    return entry;
  };
  const alter = async (name: string, ops: ReturnType<typeof alterOpsOf>) => {
    await mapped(() =>
      ctx.admin.alterConfigs({ type: 'broker', name }, ops.ops, { validateOnly: ops.validateOnly }),
    );
    return new HttpResponse(204);
  };
  return [
    {
      method: 'GET',
      url: '/v3/clusters',
      handler: async (request) => {
        const base = await v3Base(ctx, request, await ctx.clusterId());
        return list('KafkaClusterList', `${ctx.baseUrl(request)}/v3/clusters`, [
          await clusterOf(base),
        ]);
      },
    },
    {
      method: 'GET',
      url: CLUSTER,
      handler: async (request) => clusterOf(await v3Base(ctx, request)),
    },
    {
      method: 'GET',
      url: `${CLUSTER}/brokers`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const all = (await brokers()).sort((a, b) => a.nodeId - b.nodeId);
        return list(
          'KafkaBrokerList',
          `${base.cluster}/brokers`,
          all.map((b) => brokerOf(base, b)),
        );
      },
    },
    {
      method: 'GET',
      url: `${CLUSTER}/brokers/:broker_id`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        return brokerOf(base, await findBroker(request.params.broker_id!));
      },
    },
    {
      method: 'GET',
      url: `${CLUSTER}/brokers/:broker_id/configs`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const id = request.params.broker_id!;
        const ids =
          id === '-' ? (await brokers()).map((b) => b.nodeId) : [(await findBroker(id)).nodeId];
        const data = [];
        for (const b of ids.sort((x, y) => x - y)) {
          for (const e of await configsOf(String(b))) data.push(brokerConfig(base, b, e));
        }
        return list('KafkaBrokerConfigList', `${base.cluster}/brokers/${id}/configs`, data);
      },
    },
    {
      method: 'GET',
      url: `${CLUSTER}/brokers/:broker_id/configs/:name`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const b = await findBroker(request.params.broker_id!);
        return brokerConfig(
          base,
          b.nodeId,
          await oneConfig(String(b.nodeId), request.params.name!),
        );
      },
    },
    {
      method: 'PUT',
      url: `${CLUSTER}/brokers/:broker_id/configs/:name`,
      handler: async (request) => {
        await v3Base(ctx, request);
        const b = await findBroker(request.params.broker_id!);
        const value = configValueOf(request.body);
        return alter(String(b.nodeId), {
          ops: [{ op: 'set', name: request.params.name!, value }],
          validateOnly: false,
        });
      },
    },
    {
      method: 'DELETE',
      url: `${CLUSTER}/brokers/:broker_id/configs/:name`,
      handler: async (request) => {
        await v3Base(ctx, request);
        const b = await findBroker(request.params.broker_id!);
        return alter(String(b.nodeId), {
          ops: [{ op: 'delete', name: request.params.name! }],
          validateOnly: false,
        });
      },
    },
    {
      method: 'POST',
      url: `${CLUSTER}/brokers/:broker_id/configs::alter`,
      handler: async (request) => {
        await v3Base(ctx, request);
        const b = await findBroker(request.params.broker_id!);
        return alter(String(b.nodeId), alterOpsOf(request.body));
      },
    },
    {
      method: 'GET',
      url: `${CLUSTER}/broker-configs`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        // The cluster-wide defaults are the dynamic ones set for every broker.
        const entries = (await configsOf('')).filter(
          (e) => e.source === 'DYNAMIC_DEFAULT_BROKER_CONFIG',
        );
        return list(
          'KafkaClusterConfigList',
          `${base.cluster}/broker-configs`,
          entries.map((e) => clusterConfig(base, e)),
        );
      },
    },
    {
      method: 'GET',
      url: `${CLUSTER}/broker-configs/:name`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const e = await oneConfig('', request.params.name!);
        if (e.source !== 'DYNAMIC_DEFAULT_BROKER_CONFIG') {
          throw notFoundV3(`Config ${request.params.name!} cannot be found.`);
        }
        return clusterConfig(base, e);
      },
    },
    {
      method: 'PUT',
      url: `${CLUSTER}/broker-configs/:name`,
      handler: async (request) => {
        await v3Base(ctx, request);
        const value = configValueOf(request.body);
        return alter('', {
          ops: [{ op: 'set', name: request.params.name!, value }],
          validateOnly: false,
        });
      },
    },
    {
      method: 'DELETE',
      url: `${CLUSTER}/broker-configs/:name`,
      handler: async (request) => {
        await v3Base(ctx, request);
        return alter('', {
          ops: [{ op: 'delete', name: request.params.name! }],
          validateOnly: false,
        });
      },
    },
    {
      method: 'POST',
      url: `${CLUSTER}/broker-configs::alter`,
      handler: async (request) => {
        await v3Base(ctx, request);
        return alter('', alterOpsOf(request.body));
      },
    },
  ];
}
