// The admin client: topics, partitions, configs, cluster, log dirs, records, groups and their
// offsets. Each call retries retriable errors (refreshing metadata in between) within
// default.api.timeout.ms and throws a KafkaError for the first non-retriable error; calls
// about several resources report per-resource errors in their results where Kafka does.
import {
  createCreatePartitionsRequest,
  createCreateTopicsRequest,
  createDeleteRecordsRequest,
  createDeleteTopicsRequest,
  createDescribeClusterRequest,
  createDescribeConfigsRequest,
  createDescribeLogDirsRequest,
  createIncrementalAlterConfigsRequest,
  createListGroupsRequest,
  createListOffsetsRequest,
  createOffsetDeleteRequest,
  type CreatePartitionsResponse,
  type CreateTopicsResponse,
  type DeleteGroupsResponse,
  type DeleteRecordsResponse,
  type DeleteTopicsResponse,
  type DescribeClusterResponse,
  type DescribeConfigsResponse,
  type DescribeLogDirsResponse,
  type IncrementalAlterConfigsResponse,
  type ListGroupsResponse,
  type ListOffsetsResponse,
  type OffsetDeleteResponse,
} from '../../protocol/index.js';
import { ApiKey } from '../api-versions.js';
import { Cluster, type ClusterOptions, type TopicMetadata } from '../cluster.js';
import { describeGroup } from './describe-groups.js';
import {
  alterUserScramCredentials,
  describeUserScramCredentials,
  type UserScramCredentialAlteration,
  type UserScramCredentialsDescription,
} from './user-scram-credentials.js';
import {
  createAcls,
  deleteAcls,
  describeAcls,
  type AclBinding,
  type AclBindingFilter,
} from './acls.js';
import {
  alterPartitionReassignments,
  electLeaders,
  listPartitionReassignments,
  type ElectionTypeName,
  type PartitionReassignment,
  type TopicPartition,
} from './partition-reassignments.js';
import {
  alterClientQuotas,
  describeClientQuotas,
  type ClientQuotaAlteration,
  type ClientQuotaFilter,
} from './client-quotas.js';
import {
  describeReplicaLogDirs,
  type ReplicaLogDirInfo,
  type TopicPartitionReplica,
} from './describe-replica-log-dirs.js';
import { KafkaError } from '../errors.js';
import {
  commitOffsets,
  fetchCommittedOffsets,
  findGroupCoordinator,
  type CommittedOffset,
  type OffsetToCommit,
} from '../group-requests.js';
import type {
  AlterConfigOp,
  ClusterDescription,
  ConfigEntry,
  ConfigResource,
  GroupDescription,
  GroupListing,
  LogDirDescription,
  NewTopic,
  PartitionOffsets,
} from './types.js';

const RESOURCE_TYPES = { topic: 2, broker: 4, 'broker-logger': 8, group: 32 } as const;
const CONFIG_SOURCES = [
  'UNKNOWN',
  'DYNAMIC_TOPIC_CONFIG',
  'DYNAMIC_BROKER_CONFIG',
  'DYNAMIC_DEFAULT_BROKER_CONFIG',
  'STATIC_BROKER_CONFIG',
  'DEFAULT_CONFIG',
  'DYNAMIC_BROKER_LOGGER_CONFIG',
  'CLIENT_METRICS_CONFIG',
  'GROUP_CONFIG',
];
const ALTER_OPS = { set: 0, delete: 1, append: 2, subtract: 3 } as const;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

export interface AdminOptions extends ClusterOptions {
  /** default.api.timeout.ms */
  defaultApiTimeoutMs?: number;
}

/** Options of operations that wait for the cluster to apply a change. */
export interface ChangeOptions {
  /** The broker-side timeout of the request. */
  timeoutMs?: number;
  validateOnly?: boolean;
}

export class Admin {
  readonly cluster: Cluster;
  private readonly timeoutMs: number;

  constructor(options: AdminOptions) {
    this.cluster = new Cluster(options);
    this.timeoutMs = options.defaultApiTimeoutMs ?? 60_000;
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  close(): void {
    this.cluster.close();
  }

  /** Topic names (internal topics only with `includeInternal`). */
  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const topics = await this.retry(() => this.cluster.listTopics());
    return topics
      .filter((t) => options.includeInternal === true || !t.isInternal)
      .map((t) => t.name)
      .sort();
  }

  /** Metadata of the named topics; a missing topic throws UNKNOWN_TOPIC_OR_PARTITION. */
  async describeTopics(names: readonly string[]): Promise<TopicMetadata[]> {
    // A missing topic is an answer here, not something to wait for.
    await this.retry(() => this.cluster.refreshMetadata(names));
    return names.map((name) => {
      const t = this.cluster.topics.get(name);
      if (t === undefined) throw new KafkaError(3, `Topic '${name}' does not exist.`);
      if (t.errorCode !== 0) throw new KafkaError(t.errorCode);
      return t;
    });
  }

  /** Creates topics; the result lists each topic's error (0 when created). */
  async createTopics(topics: readonly NewTopic[], options: ChangeOptions = {}) {
    const response = await this.retry(() =>
      this.cluster.send<CreateTopicsResponse>(
        'controller',
        ApiKey.CreateTopics,
        createCreateTopicsRequest({
          topics: topics.map((t) => ({
            name: t.name,
            numPartitions: t.numPartitions ?? -1,
            replicationFactor: t.replicationFactor ?? -1,
            assignments: [],
            configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
          })),
          timeoutMs: options.timeoutMs ?? 30_000,
          validateOnly: options.validateOnly ?? false,
        }),
      ),
    );
    return response.topics.map((t) => ({
      name: t.name,
      errorCode: t.errorCode,
      errorMessage: t.errorMessage,
      topicId: t.topicId,
    }));
  }

  /** Deletes topics by name; the result lists each topic's error. */
  async deleteTopics(names: readonly string[], options: { timeoutMs?: number } = {}) {
    const response = await this.retry(async () => {
      const connection = await this.cluster.connection('controller');
      const version = connection.versionFor(ApiKey.DeleteTopics);
      return connection.send<DeleteTopicsResponse>(
        ApiKey.DeleteTopics,
        createDeleteTopicsRequest({
          topicNames: version <= 5 ? [...names] : [],
          topics: version >= 6 ? names.map((name) => ({ name, topicId: ZERO_UUID })) : [],
          timeoutMs: options.timeoutMs ?? 30_000,
        }),
      );
    });
    return response.responses.map((r) => ({
      name: r.name ?? '',
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
    }));
  }

  /** Raises the partition count of topics to `count`. */
  async createPartitions(
    topics: readonly { name: string; count: number }[],
    options: ChangeOptions = {},
  ) {
    const response = await this.retry(() =>
      this.cluster.send<CreatePartitionsResponse>(
        'controller',
        ApiKey.CreatePartitions,
        createCreatePartitionsRequest({
          topics: topics.map((t) => ({ name: t.name, count: t.count, assignments: null })),
          timeoutMs: options.timeoutMs ?? 30_000,
          validateOnly: options.validateOnly ?? false,
        }),
      ),
    );
    return response.results.map((r) => ({
      name: r.name,
      errorCode: r.errorCode,
      errorMessage: r.errorMessage,
    }));
  }

  /** Configs of a resource: all of them, or the named `keys`. */
  async describeConfigs(
    resource: ConfigResource,
    options: { keys?: readonly string[]; includeSynonyms?: boolean } = {},
  ): Promise<ConfigEntry[]> {
    const target =
      resource.type === 'topic' || resource.type === 'group' || resource.name === ''
        ? 'any'
        : Number(resource.name);
    const response = await this.retry(async () => {
      const connection = await this.cluster.connection(target);
      const version = connection.versionFor(ApiKey.DescribeConfigs);
      return connection.send<DescribeConfigsResponse>(
        ApiKey.DescribeConfigs,
        createDescribeConfigsRequest({
          resources: [
            {
              resourceType: RESOURCE_TYPES[resource.type],
              resourceName: resource.name,
              configurationKeys: options.keys === undefined ? null : [...options.keys],
            },
          ],
          includeSynonyms: version >= 1 && (options.includeSynonyms ?? false),
        }),
      );
    });
    const result = response.results[0];
    if (result === undefined) throw new KafkaError(-1, 'empty DescribeConfigs answer');
    if (result.errorCode !== 0) throw new KafkaError(result.errorCode, result.errorMessage);
    return result.configs.map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: c.readOnly,
      isDefault: c.configSource === 5,
      source: CONFIG_SOURCES[c.configSource] ?? 'UNKNOWN',
      isSensitive: c.isSensitive,
      synonyms: c.synonyms.map((s) => ({
        name: s.name,
        value: s.value,
        source: CONFIG_SOURCES[s.source] ?? 'UNKNOWN',
      })),
    }));
  }

  /** Changes configs with IncrementalAlterConfigs (set, delete, append, subtract). */
  async alterConfigs(
    resource: ConfigResource,
    ops: readonly AlterConfigOp[],
    options: { validateOnly?: boolean } = {},
  ): Promise<void> {
    const target =
      resource.type === 'topic' || resource.type === 'group' || resource.name === ''
        ? 'controller'
        : Number(resource.name);
    const response = await this.retry(() =>
      this.cluster.send<IncrementalAlterConfigsResponse>(
        target,
        ApiKey.IncrementalAlterConfigs,
        createIncrementalAlterConfigsRequest({
          resources: [
            {
              resourceType: RESOURCE_TYPES[resource.type],
              resourceName: resource.name,
              configs: ops.map((o) => ({
                name: o.name,
                configOperation: ALTER_OPS[o.op],
                value: o.op === 'delete' ? null : o.value,
              })),
            },
          ],
          validateOnly: options.validateOnly ?? false,
        }),
      ),
    );
    for (const r of response.responses) {
      if (r.errorCode !== 0) throw new KafkaError(r.errorCode, r.errorMessage);
    }
  }

  async describeCluster(): Promise<ClusterDescription> {
    return this.retry(async () => {
      const connection = await this.cluster.connection('any');
      if (connection.brokerVersions(ApiKey.DescribeCluster) === undefined) {
        await this.cluster.refreshMetadata();
        return {
          clusterId: this.cluster.clusterId,
          controllerId: this.cluster.controllerId,
          brokers: [...this.cluster.brokers.values()],
        };
      }
      const r = await connection.send<DescribeClusterResponse>(
        ApiKey.DescribeCluster,
        createDescribeClusterRequest({ endpointType: 1 }),
      );
      if (r.errorCode !== 0) throw new KafkaError(r.errorCode, r.errorMessage);
      return {
        clusterId: r.clusterId,
        controllerId: r.controllerId,
        brokers: r.brokers.map((b) => ({
          nodeId: b.brokerId,
          host: b.host,
          port: b.port,
          rack: b.rack,
        })),
      };
    });
  }

  /** Log directories of every broker (or of `brokerIds`) with the partitions they hold. */
  async describeLogDirs(brokerIds?: readonly number[]): Promise<LogDirDescription[]> {
    await this.cluster.refreshMetadata();
    const ids = brokerIds ?? [...this.cluster.brokers.keys()];
    const out: LogDirDescription[] = [];
    for (const brokerId of ids) {
      const r = await this.retry(() =>
        this.cluster.send<DescribeLogDirsResponse>(
          brokerId,
          ApiKey.DescribeLogDirs,
          createDescribeLogDirsRequest({ topics: null }),
        ),
      );
      if (r.errorCode !== 0) throw new KafkaError(r.errorCode);
      for (const d of r.results) {
        out.push({
          brokerId,
          logDir: d.logDir,
          errorCode: d.errorCode,
          totalBytes: d.totalBytes,
          usableBytes: d.usableBytes,
          partitions: d.topics.flatMap((t) =>
            t.partitions.map((p) => ({
              topic: t.name,
              partition: p.partitionIndex,
              sizeBytes: p.partitionSize,
              offsetLag: p.offsetLag,
            })),
          ),
        });
      }
    }
    return out;
  }

  /** Deletes records before `offset` (-1: the high watermark); returns the new log start. */
  async deleteRecords(
    partitions: readonly { topic: string; partition: number; offset: bigint }[],
    options: { timeoutMs?: number } = {},
  ): Promise<{ topic: string; partition: number; lowWatermark: bigint }[]> {
    const out: { topic: string; partition: number; lowWatermark: bigint }[] = [];
    for (const p of partitions) {
      const r = await this.retry(async () => {
        await this.cluster.topicMetadata(p.topic);
        const leader = this.cluster.leaderFor(p.topic, p.partition);
        const response = await this.cluster.send<DeleteRecordsResponse>(
          leader,
          ApiKey.DeleteRecords,
          createDeleteRecordsRequest({
            topics: [
              { name: p.topic, partitions: [{ partitionIndex: p.partition, offset: p.offset }] },
            ],
            timeoutMs: options.timeoutMs ?? 30_000,
          }),
        );
        const result = response.topics[0]?.partitions[0];
        if (result === undefined) throw new KafkaError(-1, 'empty DeleteRecords answer');
        if (result.errorCode !== 0) throw new KafkaError(result.errorCode);
        return result.lowWatermark;
      });
      out.push({ topic: p.topic, partition: p.partition, lowWatermark: r });
    }
    return out;
  }

  /**
   * Offsets by timestamp: 'earliest' (-2), 'latest' (-1), or the first offset whose timestamp
   * is at least the given milliseconds.
   */
  async listOffsets(
    partitions: readonly { topic: string; partition: number }[],
    spec: 'earliest' | 'latest' | number,
    options: { isolationLevel?: 'read_uncommitted' | 'read_committed' } = {},
  ): Promise<PartitionOffsets[]> {
    const timestamp = spec === 'earliest' ? -2n : spec === 'latest' ? -1n : BigInt(spec);
    const out: PartitionOffsets[] = [];
    for (const p of partitions) {
      out.push(
        await this.retry(async () => {
          await this.cluster.topicMetadata(p.topic);
          const connection = await this.cluster.connection(
            this.cluster.leaderFor(p.topic, p.partition),
          );
          const version = connection.versionFor(ApiKey.ListOffsets);
          const committed = options.isolationLevel === 'read_committed' && version >= 2;
          const r = await connection.send<ListOffsetsResponse>(
            ApiKey.ListOffsets,
            createListOffsetsRequest({
              replicaId: -1,
              isolationLevel: committed ? 1 : 0,
              timeoutMs: version >= 10 ? 30_000 : 0,
              topics: [
                {
                  name: p.topic,
                  partitions: [{ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp }],
                },
              ],
            }),
          );
          const result = r.topics[0]?.partitions[0];
          if (result === undefined) throw new KafkaError(-1, 'empty ListOffsets answer');
          if (result.errorCode !== 0) throw new KafkaError(result.errorCode);
          return {
            topic: p.topic,
            partition: p.partition,
            offset: result.offset,
            timestamp: result.timestamp,
          };
        }),
      );
    }
    return out;
  }

  /** Groups known to every broker. */
  async listGroups(): Promise<GroupListing[]> {
    await this.cluster.refreshMetadata();
    const out: GroupListing[] = [];
    for (const brokerId of this.cluster.brokers.keys()) {
      const r = await this.retry(() =>
        this.cluster.send<ListGroupsResponse>(
          brokerId,
          ApiKey.ListGroups,
          createListGroupsRequest(),
        ),
      );
      if (r.errorCode !== 0) throw new KafkaError(r.errorCode);
      for (const g of r.groups) {
        out.push({
          groupId: g.groupId,
          protocolType: g.protocolType,
          state: g.groupState,
          type: g.groupType,
        });
      }
    }
    return out.sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  /**
   * Describes groups of either protocol: KIP-848 groups through ConsumerGroupDescribe (with
   * epochs and target assignments), classic ones through DescribeGroups.
   */
  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = [];
    for (const groupId of groupIds) {
      out.push(await this.retry(() => describeGroup(this.cluster, groupId)));
    }
    return out;
  }

  async deleteGroups(
    groupIds: readonly string[],
  ): Promise<{ groupId: string; errorCode: number }[]> {
    const out: { groupId: string; errorCode: number }[] = [];
    for (const groupId of groupIds) {
      const r = await this.retry(async () => {
        const coordinator = await findGroupCoordinator(this.cluster, groupId);
        const response = await this.cluster.send<DeleteGroupsResponse>(
          coordinator,
          ApiKey.DeleteGroups,
          {
            groupsNames: [groupId],
          },
        );
        const result = response.results[0];
        if (result === undefined) throw new KafkaError(-1, 'empty DeleteGroups answer');
        if (result.errorCode === 14 || result.errorCode === 15 || result.errorCode === 16) {
          throw new KafkaError(result.errorCode);
        }
        return result;
      });
      out.push({ groupId, errorCode: r.errorCode });
    }
    return out;
  }

  /** Committed offsets of a group (all partitions, or the given ones). */
  fetchOffsets(
    groupId: string,
    partitions?: readonly { topic: string; partition: number }[],
  ): Promise<CommittedOffset[]> {
    return fetchCommittedOffsets(this.cluster, groupId, { partitions: partitions ?? null });
  }

  /** Sets committed offsets of a group that has no active members. */
  alterOffsets(groupId: string, offsets: readonly OffsetToCommit[]): Promise<void> {
    return commitOffsets(this.cluster, groupId, offsets);
  }

  /** Removes committed offsets of a group for the given partitions. */
  async deleteOffsets(
    groupId: string,
    partitions: readonly { topic: string; partition: number }[],
  ) {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions)
      byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const r = await this.retry(async () => {
      const coordinator = await findGroupCoordinator(this.cluster, groupId);
      return this.cluster.send<OffsetDeleteResponse>(
        coordinator,
        ApiKey.OffsetDelete,
        createOffsetDeleteRequest({
          groupId,
          topics: [...byTopic].map(([name, ps]) => ({
            name,
            partitions: ps.map((partitionIndex) => ({ partitionIndex })),
          })),
        }),
      );
    });
    if (r.errorCode !== 0) throw new KafkaError(r.errorCode);
    return r.topics.flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        errorCode: p.errorCode,
      })),
    );
  }

  /** SCRAM credentials of every user, or of `users` (KIP-554). */
  describeUserScramCredentials(
    users?: readonly string[],
  ): Promise<UserScramCredentialsDescription[]> {
    return this.retry(() => describeUserScramCredentials(this.cluster, users));
  }

  /** Creates, replaces or deletes SCRAM credentials (KIP-554). */
  alterUserScramCredentials(alterations: readonly UserScramCredentialAlteration[]): Promise<void> {
    return this.retry(() => alterUserScramCredentials(this.cluster, alterations));
  }

  /** Creates ACLs; one error per binding (null: created). See acls.ts. */
  createAcls(bindings: readonly AclBinding[]) {
    return this.retry(() => createAcls(this.cluster, bindings));
  }

  /** The ACLs matching `filter`. */
  describeAcls(filter: AclBindingFilter) {
    return this.retry(() => describeAcls(this.cluster, filter));
  }

  /** Deletes the ACLs matching each filter. */
  deleteAcls(filters: readonly AclBindingFilter[]) {
    return this.retry(() => deleteAcls(this.cluster, filters));
  }

  /** Client quotas of the entities `filter` matches. See client-quotas.ts. */
  describeClientQuotas(filter: ClientQuotaFilter) {
    return this.retry(() => describeClientQuotas(this.cluster, filter));
  }

  /** Sets (value) or removes (null) client quotas; one error per alteration. */
  alterClientQuotas(alterations: readonly ClientQuotaAlteration[], options?: ChangeOptions) {
    return this.retry(() => alterClientQuotas(this.cluster, alterations, options));
  }

  /** Elects leaders (see partition-reassignments.ts); null partitions: every partition. */
  electLeaders(
    electionType: ElectionTypeName,
    partitions: readonly TopicPartition[] | null,
    options?: { timeoutMs?: number },
  ) {
    return this.retry(() => electLeaders(this.cluster, electionType, partitions, options));
  }

  /** Starts reassignments, or cancels them (null replicas); one answer per partition. */
  alterPartitionReassignments(
    reassignments: readonly PartitionReassignment[],
    options?: { timeoutMs?: number; allowReplicationFactorChange?: boolean },
  ) {
    return this.retry(() => alterPartitionReassignments(this.cluster, reassignments, options));
  }

  /** The reassignments under way (of `partitions`, or all). */
  listPartitionReassignments(partitions: readonly TopicPartition[] | null = null) {
    return this.retry(() => listPartitionReassignments(this.cluster, partitions));
  }

  /** Log directory and size of given partition replicas (see describe-replica-log-dirs.ts). */
  describeReplicaLogDirs(replicas: readonly TopicPartitionReplica[]): Promise<ReplicaLogDirInfo[]> {
    return describeReplicaLogDirs(this.cluster, replicas, (op) => this.retry(op));
  }

  private retry<T>(operation: () => Promise<T>): Promise<T> {
    return this.cluster.retry(operation, { timeoutMs: this.timeoutMs });
  }
}
