// API v3: consumer groups, their consumers and assignments, and lags: per partition
// (`/lags`, `/lags/{topic}/partitions/{p}`) and the summary (`/lag-summary`, the largest lag
// and the total). A lag is the log end offset minus the group's committed offset.
import type { GroupDescription, GroupMemberDescription } from '../client/index.js';
import type { HttpRoute } from '../http/index.js';
import type { RestContext } from './rest-context.js';
import { mapped, notFoundV3 } from './rest-errors.js';
import { list, related, resource, v3Base, type V3Base } from './v3-resources.js';

const GROUPS = '/v3/clusters/:cluster_id/consumer-groups';
const GROUP = `${GROUPS}/:consumer_group_id`;

interface PartitionLag {
  topic: string;
  partition: number;
  currentOffset: number;
  logEndOffset: number;
  lag: number;
  member: GroupMemberDescription | null;
}

export function v3GroupRoutes(ctx: RestContext): HttpRoute[] {
  const groupUrl = (base: V3Base, g: string) => `${base.cluster}/consumer-groups/${g}`;
  const groupCrn = (base: V3Base, g: string) => `${base.crn}/consumer-group=${g}`;
  const describe = async (groupId: string): Promise<GroupDescription> => {
    const [g] = await mapped(() => ctx.admin.describeGroups([groupId]));
    // A group the coordinator does not know is described as Dead with no members.
    if (g === undefined || g.state === 'Dead') {
      throw notFoundV3(`Consumer group ${groupId} cannot be found.`);
    }
    return g;
  };
  const groupOf = (base: V3Base, g: GroupDescription) =>
    resource('KafkaConsumerGroup', groupUrl(base, g.groupId), groupCrn(base, g.groupId), {
      cluster_id: base.clusterId,
      consumer_group_id: g.groupId,
      is_simple: g.protocolType === '',
      partition_assignor: g.protocol,
      state: stateName(g.state),
      type: g.type === 'consumer' ? 'CONSUMER' : 'CLASSIC',
      coordinator: null,
      consumers: related(`${groupUrl(base, g.groupId)}/consumers`),
      lag_summary: related(`${groupUrl(base, g.groupId)}/lag-summary`),
    });
  const consumerOf = (base: V3Base, g: string, m: GroupMemberDescription) =>
    resource(
      'KafkaConsumer',
      `${groupUrl(base, g)}/consumers/${m.memberId}`,
      `${groupCrn(base, g)}/consumer=${m.memberId}`,
      {
        cluster_id: base.clusterId,
        consumer_group_id: g,
        consumer_id: m.memberId,
        instance_id: m.groupInstanceId,
        client_id: m.clientId,
        assignments: related(`${groupUrl(base, g)}/consumers/${m.memberId}/assignments`),
      },
    );
  const findMember = (g: GroupDescription, id: string | undefined) => {
    const m = g.members.find((x) => x.memberId === id);
    if (m === undefined) throw notFoundV3(`Consumer ${id ?? ''} cannot be found.`);
    return m;
  };
  const assignmentOf = (
    base: V3Base,
    g: string,
    m: GroupMemberDescription,
    tp: { topic: string; partition: number },
  ) =>
    resource(
      'KafkaConsumerAssignment',
      `${groupUrl(base, g)}/consumers/${m.memberId}/assignments/${tp.topic}/partitions/${tp.partition}`,
      `${groupCrn(base, g)}/consumer=${m.memberId}/assignment=${tp.topic}/partition=${tp.partition}`,
      {
        cluster_id: base.clusterId,
        consumer_group_id: g,
        consumer_id: m.memberId,
        topic_name: tp.topic,
        partition_id: tp.partition,
        partition: related(`${base.cluster}/topics/${tp.topic}/partitions/${tp.partition}`),
        lag: related(`${groupUrl(base, g)}/lags/${tp.topic}/partitions/${tp.partition}`),
      },
    );
  const lagsOf = async (g: GroupDescription): Promise<PartitionLag[]> => {
    const committed = await mapped(() => ctx.admin.fetchOffsets(g.groupId));
    const positions = committed.filter((c) => c.offset >= 0n);
    if (positions.length === 0) return [];
    const ends = await mapped(() => ctx.admin.listOffsets(positions, 'latest'));
    return positions
      .map((c, i) => {
        const end = Number(ends[i]!.offset);
        const member =
          g.members.find((m) =>
            m.assignment.some((a) => a.topic === c.topic && a.partition === c.partition),
          ) ?? null;
        const current = Number(c.offset);
        return {
          topic: c.topic,
          partition: c.partition,
          currentOffset: current,
          logEndOffset: end,
          lag: Math.max(0, end - current),
          member,
        };
      })
      .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  };
  const lagOf = (base: V3Base, g: string, l: PartitionLag) =>
    resource(
      'KafkaConsumerLag',
      `${groupUrl(base, g)}/lags/${l.topic}/partitions/${l.partition}`,
      `${groupCrn(base, g)}/lag=${l.topic}/partition=${l.partition}`,
      {
        cluster_id: base.clusterId,
        consumer_group_id: g,
        topic_name: l.topic,
        partition_id: l.partition,
        current_offset: l.currentOffset,
        log_end_offset: l.logEndOffset,
        lag: l.lag,
        consumer_id: l.member?.memberId ?? '',
        instance_id: l.member?.groupInstanceId ?? null,
        client_id: l.member?.clientId ?? '',
      },
    );
  return [
    {
      method: 'GET',
      url: GROUPS,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const listed = await mapped(() => ctx.admin.listGroups());
        const ids = listed
          .filter((g) => g.protocolType === 'consumer' || g.protocolType === '')
          .map((g) => g.groupId);
        const groups = ids.length === 0 ? [] : await mapped(() => ctx.admin.describeGroups(ids));
        return list(
          'KafkaConsumerGroupList',
          `${base.cluster}/consumer-groups`,
          groups.map((g) => groupOf(base, g)),
        );
      },
    },
    {
      method: 'GET',
      url: GROUP,
      handler: async (request) =>
        groupOf(await v3Base(ctx, request), await describe(request.params.consumer_group_id!)),
    },
    {
      method: 'GET',
      url: `${GROUP}/consumers`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const g = await describe(request.params.consumer_group_id!);
        return list(
          'KafkaConsumerList',
          `${groupUrl(base, g.groupId)}/consumers`,
          g.members.map((m) => consumerOf(base, g.groupId, m)),
        );
      },
    },
    {
      method: 'GET',
      url: `${GROUP}/consumers/:consumer_id`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const g = await describe(request.params.consumer_group_id!);
        return consumerOf(base, g.groupId, findMember(g, request.params.consumer_id));
      },
    },
    {
      method: 'GET',
      url: `${GROUP}/consumers/:consumer_id/assignments`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const g = await describe(request.params.consumer_group_id!);
        const m = findMember(g, request.params.consumer_id);
        return list(
          'KafkaConsumerAssignmentList',
          `${groupUrl(base, g.groupId)}/consumers/${m.memberId}/assignments`,
          m.assignment.map((tp) => assignmentOf(base, g.groupId, m, tp)),
        );
      },
    },
    {
      method: 'GET',
      url: `${GROUP}/lags`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const g = await describe(request.params.consumer_group_id!);
        const lags = await lagsOf(g);
        return list(
          'KafkaConsumerLagList',
          `${groupUrl(base, g.groupId)}/lags`,
          lags.map((l) => lagOf(base, g.groupId, l)),
        );
      },
    },
    {
      method: 'GET',
      url: `${GROUP}/lags/:topic_name/partitions/:partition_id`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const g = await describe(request.params.consumer_group_id!);
        const l = (await lagsOf(g)).find(
          (x) =>
            x.topic === request.params.topic_name &&
            String(x.partition) === request.params.partition_id,
        );
        if (l === undefined) throw notFoundV3('Consumer lag cannot be found.');
        return lagOf(base, g.groupId, l);
      },
    },
    {
      method: 'GET',
      url: `${GROUP}/lag-summary`,
      handler: async (request) => {
        const base = await v3Base(ctx, request);
        const g = await describe(request.params.consumer_group_id!);
        const lags = await lagsOf(g);
        const max = lags.reduce<PartitionLag | null>(
          (m, l) => (m === null || l.lag > m.lag ? l : m),
          null,
        );
        const url = `${groupUrl(base, g.groupId)}/lag-summary`;
        return resource(
          'KafkaConsumerGroupLagSummary',
          url,
          `${groupCrn(base, g.groupId)}/lag-summary`,
          {
            cluster_id: base.clusterId,
            consumer_group_id: g.groupId,
            max_lag_consumer_id: max?.member?.memberId ?? '',
            max_lag_instance_id: max?.member?.groupInstanceId ?? null,
            max_lag_client_id: max?.member?.clientId ?? '',
            max_lag_topic_name: max?.topic ?? '',
            max_lag_partition_id: max?.partition ?? 0,
            max_lag: max?.lag ?? 0,
            total_lag: lags.reduce((sum, l) => sum + l.lag, 0),
            max_lag_consumer:
              max?.member == null
                ? null
                : related(`${groupUrl(base, g.groupId)}/consumers/${max.member.memberId}`),
            max_lag_partition:
              max === null
                ? null
                : related(`${base.cluster}/topics/${max.topic}/partitions/${max.partition}`),
          },
        );
      },
    },
  ];
}

/** Kafka's group states as Confluent's v3 spells them (STABLE, EMPTY, ...). */
function stateName(state: string): string {
  const names: Record<string, string> = {
    Stable: 'STABLE',
    Empty: 'EMPTY',
    Dead: 'DEAD',
    PreparingRebalance: 'PREPARING_REBALANCE',
    CompletingRebalance: 'COMPLETING_REBALANCE',
    Assigning: 'ASSIGNING',
    Reconciling: 'RECONCILING',
  };
  return names[state] ?? 'UNKNOWN';
}
