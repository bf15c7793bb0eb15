// The cluster metadata image: topics, partitions, configs, brokers, features and the producer
// id allocation, as they stand after replaying the metadata log. It changes only through
// `replay`, which returns what changed so the broker can act on it (create or delete partition
// logs, apply topic configs).
import {
  ConfigResourceType,
  MetadataRecordType,
  type MetadataRecord,
  type UnknownMetadataRecord,
} from './records.js';
import { AclImage } from './acl-image.js';
import { ClientQuotaImage } from './client-quota-image.js';

export interface PartitionImage {
  partitionId: number;
  replicas: readonly number[];
  isr: readonly number[];
  leader: number;
  leaderEpoch: number;
  partitionEpoch: number;
  /**
   * During a reassignment (KIP-455, as KRaft keeps it): the target replicas not yet in the old
   * assignment, and the old replicas not in the target. `replicas` holds both meanwhile.
   * Absent when no reassignment is under way.
   */
  addingReplicas?: readonly number[];
  removingReplicas?: readonly number[];
}

export interface TopicImage {
  name: string;
  topicId: string;
  /** Index = partition id (ids are always 0..n-1). */
  partitions: readonly PartitionImage[];
  /** Topic config overrides (dynamic topic configs), by Kafka name. */
  configs: ReadonlyMap<string, string>;
}

export interface BrokerRegistration {
  brokerId: number;
  incarnationId: string;
  brokerEpoch: bigint;
  endpoints: readonly { name: string; host: string; port: number; securityProtocol: number }[];
  rack: string | null;
  fenced: boolean;
}

/** What one replayed batch changed, in the order it happened. */
export type MetadataChange =
  | { type: 'topic-created'; topic: TopicImage }
  | { type: 'partitions-added'; topic: TopicImage; partitionIds: number[] }
  /** PartitionChangeRecords: a new leader, leader epoch, replicas or ISR. */
  | { type: 'partitions-changed'; topic: TopicImage; partitionIds: number[] }
  | { type: 'topic-deleted'; topic: TopicImage }
  | { type: 'topic-config-changed'; topic: TopicImage; names: string[] }
  /** Brokers registered, fenced or unfenced (cluster mode). */
  | { type: 'brokers-changed'; brokerIds: number[] }
  | { type: 'broker-config-changed'; brokerId: number | null; names: string[] };

interface MutableTopic {
  name: string;
  topicId: string;
  partitions: PartitionImage[];
  configs: Map<string, string>;
}

/** A user's SCRAM credential for one mechanism (1: SCRAM-SHA-256, 2: SCRAM-SHA-512). */
export interface ScramCredentialImage {
  name: string;
  mechanism: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
  iterations: number;
}

export class MetadataImage {
  private readonly byName = new Map<string, MutableTopic>();
  private readonly byId = new Map<string, MutableTopic>();
  private readonly brokerList = new Map<number, BrokerRegistration>();
  /** Cluster-wide (key '') and per-broker (key = id) dynamic broker configs. */
  private readonly brokerConfigMap = new Map<string, Map<string, string>>();
  /** Group configs (KIP-848 `consumer.session.timeout.ms`, …), by group id. */
  private readonly groupConfigMap = new Map<string, Map<string, string>>();
  private readonly featureLevels = new Map<string, number>();
  private nextPid = 0n;
  /** SCRAM credentials by `<mechanism>:<user>` (UserScramCredentialRecord). */
  private readonly scram = new Map<string, ScramCredentialImage>();
  /** The ACLs (AccessControlEntryRecord), read by the authorizer. */
  readonly acls = new AclImage();
  /** Client quotas (ClientQuotaRecord), read by the quota manager. */
  readonly clientQuotas = new ClientQuotaImage();
  /** Offset of the last replayed record batch; -1 before any. */
  lastOffset = -1;

  topic(name: string): TopicImage | undefined {
    return this.byName.get(name);
  }

  topicById(topicId: string): TopicImage | undefined {
    return this.byId.get(topicId);
  }

  /** Who leads a partition and in which epoch; -1/-1 for an unknown partition. */
  leaderOf(topic: string, partition: number): { leaderId: number; leaderEpoch: number } {
    const p = this.byName.get(topic)?.partitions[partition];
    return p === undefined
      ? { leaderId: -1, leaderEpoch: -1 }
      : { leaderId: p.leader, leaderEpoch: p.leaderEpoch };
  }

  /** Every topic, in name order. */
  topics(): TopicImage[] {
    return [...this.byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  get topicCount(): number {
    return this.byName.size;
  }

  brokers(): BrokerRegistration[] {
    return [...this.brokerList.values()].sort((a, b) => a.brokerId - b.brokerId);
  }

  broker(brokerId: number): BrokerRegistration | undefined {
    return this.brokerList.get(brokerId);
  }

  /** Dynamic broker configs: for one broker (`brokerId`), or cluster-wide (`null`). */
  brokerConfigs(brokerId: number | null): ReadonlyMap<string, string> {
    return this.brokerConfigMap.get(brokerId === null ? '' : String(brokerId)) ?? new Map();
  }

  /** A group's config overrides (GROUP resources). */
  groupConfigs(groupId: string): ReadonlyMap<string, string> {
    return this.groupConfigMap.get(groupId) ?? new Map();
  }

  features(): ReadonlyMap<string, number> {
    return this.featureLevels;
  }

  scramCredential(name: string, mechanism: number): ScramCredentialImage | undefined {
    return this.scram.get(`${mechanism}:${name}`);
  }

  /** Every SCRAM credential, by user name then mechanism. */
  scramCredentials(): ScramCredentialImage[] {
    return [...this.scram.values()].sort((a, b) =>
      a.name === b.name ? a.mechanism - b.mechanism : a.name < b.name ? -1 : 1,
    );
  }

  /** The first producer id not yet handed out. */
  get nextProducerId(): bigint {
    return this.nextPid;
  }

  /**
   * Records that rebuild this image on an empty one (a metadata snapshot): features, brokers,
   * topics with their partitions and configs, broker and group configs, the producer ids.
   */
  snapshotRecords(): MetadataRecord[] {
    const out: MetadataRecord[] = [];
    for (const [name, featureLevel] of this.featureLevels) {
      out.push({ type: MetadataRecordType.FeatureLevel, value: { name, featureLevel } });
    }
    for (const b of this.brokers()) {
      out.push({
        type: MetadataRecordType.RegisterBroker,
        value: {
          brokerId: b.brokerId,
          isMigratingZkBroker: false,
          incarnationId: b.incarnationId,
          brokerEpoch: b.brokerEpoch,
          endPoints: b.endpoints.map((e) => ({ ...e })),
          features: [],
          rack: b.rack,
          fenced: b.fenced,
          inControlledShutdown: false,
          logDirs: [],
          cordonedLogDirs: null,
        },
      });
    }
    const config = (resourceType: number, resourceName: string, name: string, value: string) =>
      out.push({
        type: MetadataRecordType.Config,
        value: { resourceType, resourceName, name, value },
      });
    for (const topic of this.topics()) {
      out.push({
        type: MetadataRecordType.Topic,
        value: { name: topic.name, topicId: topic.topicId },
      });
      for (const p of topic.partitions) {
        out.push({
          type: MetadataRecordType.Partition,
          value: {
            partitionId: p.partitionId,
            topicId: topic.topicId,
            replicas: [...p.replicas],
            isr: [...p.isr],
            removingReplicas: [...(p.removingReplicas ?? [])],
            addingReplicas: [...(p.addingReplicas ?? [])],
            leader: p.leader,
            leaderRecoveryState: 0,
            leaderEpoch: p.leaderEpoch,
            partitionEpoch: p.partitionEpoch,
            directories: [],
            eligibleLeaderReplicas: null,
            lastKnownElr: null,
          },
        });
      }
      for (const [name, value] of topic.configs)
        config(ConfigResourceType.Topic, topic.name, name, value);
    }
    for (const [resource, configs] of this.brokerConfigMap) {
      for (const [name, value] of configs) config(ConfigResourceType.Broker, resource, name, value);
    }
    for (const [group, configs] of this.groupConfigMap) {
      for (const [name, value] of configs) config(ConfigResourceType.Group, group, name, value);
    }
    if (this.nextPid > 0n) {
      out.push({
        type: MetadataRecordType.ProducerIds,
        value: { brokerId: -1, brokerEpoch: -1n, nextProducerId: this.nextPid },
      });
    }
    return out;
  }

  /** Applies the records of one batch, returning what changed. */
  replay(records: readonly (MetadataRecord | UnknownMetadataRecord)[]): MetadataChange[] {
    const changes: MetadataChange[] = [];
    for (const record of records) this.apply(record as MetadataRecord, changes);
    return changes;
  }

  private apply(record: MetadataRecord, changes: MetadataChange[]): void {
    switch (record.type) {
      case MetadataRecordType.Topic: {
        const { name, topicId } = record.value;
        const topic: MutableTopic = { name, topicId, partitions: [], configs: new Map() };
        this.byName.set(name, topic);
        this.byId.set(topicId, topic);
        changes.push({ type: 'topic-created', topic });
        return;
      }
      case MetadataRecordType.Partition: {
        const p = record.value;
        const topic = this.byId.get(p.topicId);
        if (topic === undefined) return;
        topic.partitions[p.partitionId] = {
          partitionId: p.partitionId,
          replicas: p.replicas,
          isr: p.isr,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
          ...reassigning(p.addingReplicas, p.removingReplicas),
        };
        // Partitions of a topic created in the same batch are part of its creation.
        const created = changes.find((c) => c.type === 'topic-created' && c.topic === topic);
        if (created !== undefined) return;
        const added = changes.find((c) => c.type === 'partitions-added' && c.topic === topic);
        if (added?.type === 'partitions-added') added.partitionIds.push(p.partitionId);
        else changes.push({ type: 'partitions-added', topic, partitionIds: [p.partitionId] });
        return;
      }
      case MetadataRecordType.PartitionChange: {
        const c = record.value;
        const topic = this.byId.get(c.topicId);
        const old = topic?.partitions[c.partitionId];
        if (topic === undefined || old === undefined) return;
        // As in KRaft, a leader change (-2 means "unchanged") bumps the leader epoch.
        const leaderChanged = c.leader !== -2 && c.leader !== old.leader;
        // Null adding/removing lists leave them as they were; empty ones end the reassignment.
        topic.partitions[c.partitionId] = {
          partitionId: old.partitionId,
          replicas: c.replicas ?? old.replicas,
          isr: c.isr ?? old.isr,
          leader: c.leader === -2 ? old.leader : c.leader,
          leaderEpoch: leaderChanged ? old.leaderEpoch + 1 : old.leaderEpoch,
          partitionEpoch: old.partitionEpoch + 1,
          ...reassigning(
            c.addingReplicas ?? old.addingReplicas,
            c.removingReplicas ?? old.removingReplicas,
          ),
        };
        const changed = changes.find((x) => x.type === 'partitions-changed' && x.topic === topic);
        if (changed?.type !== 'partitions-changed') {
          changes.push({ type: 'partitions-changed', topic, partitionIds: [c.partitionId] });
        } else if (!changed.partitionIds.includes(c.partitionId)) {
          changed.partitionIds.push(c.partitionId);
        }
        return;
      }
      case MetadataRecordType.RemoveTopic: {
        const topic = this.byId.get(record.value.topicId);
        if (topic === undefined) return;
        this.byId.delete(topic.topicId);
        this.byName.delete(topic.name);
        changes.push({ type: 'topic-deleted', topic });
        return;
      }
      case MetadataRecordType.Config:
        return this.applyConfig(record.value, changes);
      case MetadataRecordType.RegisterBroker: {
        const b = record.value;
        this.brokerList.set(b.brokerId, {
          brokerId: b.brokerId,
          incarnationId: b.incarnationId,
          brokerEpoch: b.brokerEpoch,
          endpoints: b.endPoints.map(({ name, host, port, securityProtocol }) => ({
            name,
            host,
            port,
            securityProtocol,
          })),
          rack: b.rack,
          fenced: b.fenced,
        });
        this.brokersChanged(b.brokerId, changes);
        return;
      }
      case MetadataRecordType.FenceBroker:
      case MetadataRecordType.UnfenceBroker: {
        const { id, epoch } = record.value;
        const broker = this.brokerList.get(id);
        // A record for an older registration of the broker changes nothing, as in KRaft.
        if (broker === undefined || broker.brokerEpoch !== epoch) return;
        const fenced = record.type === MetadataRecordType.FenceBroker;
        this.brokerList.set(id, { ...broker, fenced });
        this.brokersChanged(id, changes);
        return;
      }
      case MetadataRecordType.FeatureLevel: {
        const { name, featureLevel } = record.value;
        if (featureLevel === 0) this.featureLevels.delete(name);
        else this.featureLevels.set(name, featureLevel);
        return;
      }
      case MetadataRecordType.ProducerIds:
        if (record.value.nextProducerId > this.nextPid) this.nextPid = record.value.nextProducerId;
        return;
      case MetadataRecordType.UserScramCredential: {
        const { name, mechanism, salt, storedKey, serverKey, iterations } = record.value;
        const credential = { name, mechanism, salt, storedKey, serverKey, iterations };
        this.scram.set(`${mechanism}:${name}`, credential);
        return;
      }
      case MetadataRecordType.RemoveUserScramCredential:
        this.scram.delete(`${record.value.mechanism}:${record.value.name}`);
        return;
      case MetadataRecordType.AccessControlEntry:
        this.acls.add({ ...record.value });
        return;
      case MetadataRecordType.RemoveAccessControlEntry:
        this.acls.remove(record.value.id);
        return;
      case MetadataRecordType.ClientQuota:
        this.clientQuotas.apply(record.value);
        return;
      default:
        // Record types this broker never writes carry nothing it serves.
        return;
    }
  }

  private brokersChanged(brokerId: number, changes: MetadataChange[]): void {
    const prev = changes.find((c) => c.type === 'brokers-changed');
    if (prev?.type !== 'brokers-changed')
      changes.push({ type: 'brokers-changed', brokerIds: [brokerId] });
    else if (!prev.brokerIds.includes(brokerId)) prev.brokerIds.push(brokerId);
  }

  private applyConfig(
    c: { resourceType: number; resourceName: string; name: string; value: string | null },
    changes: MetadataChange[],
  ): void {
    let target: Map<string, string> | undefined;
    let topic: MutableTopic | undefined;
    if (c.resourceType === ConfigResourceType.Group) {
      // Read by the group coordinator when it needs them; no change event.
      const configs = this.groupConfigMap.get(c.resourceName) ?? new Map<string, string>();
      if (c.value === null) configs.delete(c.name);
      else configs.set(c.name, c.value);
      if (configs.size === 0) this.groupConfigMap.delete(c.resourceName);
      else this.groupConfigMap.set(c.resourceName, configs);
      return;
    }
    if (c.resourceType === ConfigResourceType.Topic) {
      topic = this.byName.get(c.resourceName);
      target = topic?.configs;
    } else if (c.resourceType === ConfigResourceType.Broker) {
      target = this.brokerConfigMap.get(c.resourceName);
      if (target === undefined) {
        target = new Map();
        this.brokerConfigMap.set(c.resourceName, target);
      }
    }
    if (target === undefined) return;
    if (c.value === null) target.delete(c.name);
    else target.set(c.name, c.value);
    if (topic !== undefined) {
      // A config set while creating the topic is part of its creation.
      if (changes.some((ch) => ch.type === 'topic-created' && ch.topic === topic)) return;
      const prev = changes.find((ch) => ch.type === 'topic-config-changed' && ch.topic === topic);
      if (prev?.type === 'topic-config-changed') prev.names.push(c.name);
      else changes.push({ type: 'topic-config-changed', topic, names: [c.name] });
    } else {
      const brokerId = c.resourceName === '' ? null : Number(c.resourceName);
      const prev = changes.find(
        (ch) => ch.type === 'broker-config-changed' && ch.brokerId === brokerId,
      );
      if (prev?.type === 'broker-config-changed') prev.names.push(c.name);
      else changes.push({ type: 'broker-config-changed', brokerId, names: [c.name] });
    }
  }
}

/** The reassignment fields of a PartitionImage: present only while one is under way. */
function reassigning(
  adding: readonly number[] | undefined,
  removing: readonly number[] | undefined,
): Pick<PartitionImage, 'addingReplicas' | 'removingReplicas'> {
  if ((adding?.length ?? 0) === 0 && (removing?.length ?? 0) === 0) return {};
  return { addingReplicas: adding ?? [], removingReplicas: removing ?? [] };
}
