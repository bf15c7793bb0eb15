// The records that persist KIP-848 consumer groups in __consumer_offsets, in Kafka's format:
// the group epoch (type 3), each member's subscription (5), the target assignment epoch (6)
// and each member's target (7), and each member's current assignment and epochs (8). After
// each heartbeat the records of whatever changed are written; removed members get tombstones.
import {
  Reader,
  Writer,
  decodeConsumerGroupCurrentMemberAssignmentKey,
  decodeConsumerGroupCurrentMemberAssignmentValue,
  decodeConsumerGroupMemberMetadataKey,
  decodeConsumerGroupMemberMetadataValue,
  decodeConsumerGroupMetadataKey,
  decodeConsumerGroupMetadataValue,
  decodeConsumerGroupTargetAssignmentMemberKey,
  decodeConsumerGroupTargetAssignmentMemberValue,
  decodeConsumerGroupTargetAssignmentMetadataKey,
  decodeConsumerGroupTargetAssignmentMetadataValue,
  encodeConsumerGroupCurrentMemberAssignmentKey,
  encodeConsumerGroupCurrentMemberAssignmentValue,
  encodeConsumerGroupMemberMetadataKey,
  encodeConsumerGroupMemberMetadataValue,
  encodeConsumerGroupMetadataKey,
  encodeConsumerGroupMetadataValue,
  encodeConsumerGroupTargetAssignmentMemberKey,
  encodeConsumerGroupTargetAssignmentMemberValue,
  encodeConsumerGroupTargetAssignmentMetadataKey,
  encodeConsumerGroupTargetAssignmentMetadataValue,
} from '../../protocol/index.js';
import { ConsumerGroup, type ConsumerMember } from './consumer-group.js';
import type { CoordinatorRecord } from './group-records.js';
import type { Assignment } from './server-assignors.js';

const GROUP_METADATA = 3;
const MEMBER_METADATA = 5;
const TARGET_METADATA = 6;
const TARGET_MEMBER = 7;
const CURRENT_MEMBER = 8;
/** Kafka's MemberState codes: STABLE 1, UNREVOKED_PARTITIONS 2. */
const STABLE_STATE = 1;
const UNREVOKED_STATE = 2;

type Encoder<T> = (w: Writer, version: number, v: T) => void;

function record<K, V>(
  type: number,
  encodeKey: Encoder<K>,
  key: K,
  encodeValue: Encoder<V>,
  value: V | null,
): CoordinatorRecord {
  const kw = new Writer(64);
  kw.int16(type);
  encodeKey(kw, 0, key);
  if (value === null) return { key: kw.toBuffer(), value: null };
  const vw = new Writer(128);
  vw.int16(0);
  encodeValue(vw, 0, value);
  return { key: kw.toBuffer(), value: vw.toBuffer() };
}

const list = (a: Assignment) =>
  [...a]
    .filter(([, ps]) => ps.size > 0)
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
const toAssignment = (
  l: readonly { topicId: string; partitions: readonly number[] }[],
): Assignment => new Map(l.map((t) => [t.topicId, new Set(t.partitions)]));

/** What is persisted of a group, to find what changed. */
export interface ConsumerGroupSnapshot {
  groupEpoch: number;
  assignmentEpoch: number;
  members: Map<string, string>;
}

export function snapshotConsumerGroup(group: ConsumerGroup): ConsumerGroupSnapshot {
  return {
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    members: new Map([...group.members.values()].map((m) => [m.memberId, memberText(group, m)])),
  };
}

function memberText(group: ConsumerGroup, m: ConsumerMember): string {
  return JSON.stringify([
    m.instanceId,
    m.rackId,
    m.subscribedTopicNames,
    m.serverAssignor,
    m.rebalanceTimeoutMs,
    m.memberEpoch,
    m.previousMemberEpoch,
    list(m.assigned),
    list(m.pendingRevocation),
    list(group.targets.get(m.memberId) ?? new Map()),
  ]);
}

/** Records for everything that changed since `before` (null: the group is new). */
export function consumerGroupRecords(
  group: ConsumerGroup,
  before: ConsumerGroupSnapshot | null,
): CoordinatorRecord[] {
  const groupId = group.groupId;
  const out: CoordinatorRecord[] = [];
  for (const [memberId, text] of snapshotConsumerGroup(group).members) {
    if (before?.members.get(memberId) === text) continue;
    const m = group.members.get(memberId)!;
    const key = { groupId, memberId };
    out.push(
      record(
        MEMBER_METADATA,
        encodeConsumerGroupMemberMetadataKey,
        key,
        encodeConsumerGroupMemberMetadataValue,
        {
          instanceId: m.instanceId,
          rackId: m.rackId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          subscribedTopicNames: m.subscribedTopicNames,
          subscribedTopicRegex: null,
          rebalanceTimeoutMs: m.rebalanceTimeoutMs,
          serverAssignor: m.serverAssignor,
          classicMemberMetadata: null,
        },
      ),
      record(
        TARGET_MEMBER,
        encodeConsumerGroupTargetAssignmentMemberKey,
        key,
        encodeConsumerGroupTargetAssignmentMemberValue,
        {
          topicPartitions: list(group.targets.get(memberId) ?? new Map()),
        },
      ),
      record(
        CURRENT_MEMBER,
        encodeConsumerGroupCurrentMemberAssignmentKey,
        key,
        encodeConsumerGroupCurrentMemberAssignmentValue,
        {
          memberEpoch: m.memberEpoch,
          previousMemberEpoch: m.previousMemberEpoch,
          state: m.pendingRevocation.size > 0 ? UNREVOKED_STATE : STABLE_STATE,
          assignedPartitions: list(m.assigned).map((t) => ({ ...t, assignmentEpochs: null })),
          partitionsPendingRevocation: list(m.pendingRevocation).map((t) => ({
            ...t,
            assignmentEpochs: null,
          })),
        },
      ),
    );
  }
  for (const memberId of before?.members.keys() ?? []) {
    if (group.members.has(memberId)) continue;
    out.push(...memberTombstones(groupId, memberId));
  }
  if (before === null || before.groupEpoch !== group.groupEpoch) {
    out.push(
      record(
        GROUP_METADATA,
        encodeConsumerGroupMetadataKey,
        { groupId },
        encodeConsumerGroupMetadataValue,
        {
          epoch: group.groupEpoch,
          metadataHash: 0n,
        },
      ),
    );
  }
  if (before === null || before.assignmentEpoch !== group.assignmentEpoch) {
    out.push(
      record(
        TARGET_METADATA,
        encodeConsumerGroupTargetAssignmentMetadataKey,
        { groupId },
        encodeConsumerGroupTargetAssignmentMetadataValue,
        {
          assignmentEpoch: group.assignmentEpoch,
          assignmentTimestamp: 0n,
        },
      ),
    );
  }
  return out;
}

function memberTombstones(groupId: string, memberId: string): CoordinatorRecord[] {
  const key = { groupId, memberId };
  return [
    record(
      CURRENT_MEMBER,
      encodeConsumerGroupCurrentMemberAssignmentKey,
      key,
      encodeConsumerGroupCurrentMemberAssignmentValue,
      null,
    ),
    record(
      TARGET_MEMBER,
      encodeConsumerGroupTargetAssignmentMemberKey,
      key,
      encodeConsumerGroupTargetAssignmentMemberValue,
      null,
    ),
    record(
      MEMBER_METADATA,
      encodeConsumerGroupMemberMetadataKey,
      key,
      encodeConsumerGroupMemberMetadataValue,
      null,
    ),
  ];
}

/** Tombstones for a whole consumer group (DeleteGroups). */
export function consumerGroupTombstones(group: ConsumerGroup): CoordinatorRecord[] {
  const groupId = group.groupId;
  const out = [...group.members.keys()].flatMap((memberId) => memberTombstones(groupId, memberId));
  out.push(
    record(
      TARGET_METADATA,
      encodeConsumerGroupTargetAssignmentMetadataKey,
      { groupId },
      encodeConsumerGroupTargetAssignmentMetadataValue,
      null,
    ),
    record(
      GROUP_METADATA,
      encodeConsumerGroupMetadataKey,
      { groupId },
      encodeConsumerGroupMetadataValue,
      null,
    ),
  );
  return out;
}

export function isConsumerGroupRecordType(recordType: number): boolean {
  return recordType >= GROUP_METADATA && recordType <= CURRENT_MEMBER && recordType !== 4;
}

function skeleton(memberId: string): ConsumerMember {
  return {
    memberId,
    instanceId: null,
    rackId: null,
    clientId: '',
    clientHost: '',
    rebalanceTimeoutMs: 0,
    subscribedTopicNames: [],
    serverAssignor: null,
    memberEpoch: 0,
    previousMemberEpoch: 0,
    assigned: new Map(),
    pendingRevocation: new Map(),
    leftStatic: false,
    lastSent: null,
    cancelSession: null,
    cancelRevocation: null,
  };
}

/**
 * Applies one consumer group record to `groups` while loading a partition. Throws
 * ProtocolDecodeError on damaged bytes (the caller skips the record).
 */
export function replayConsumerGroupRecord(
  groups: Map<string, ConsumerGroup>,
  rec: CoordinatorRecord,
): void {
  const kr = new Reader(rec.key);
  const type = kr.int16();
  const vr = rec.value === null ? null : new Reader(rec.value);
  const version = vr?.int16() ?? 0;
  const groupOf = (groupId: string) => {
    let g = groups.get(groupId);
    if (!g) groups.set(groupId, (g = new ConsumerGroup(groupId)));
    return g;
  };
  if (type === GROUP_METADATA) {
    const { groupId } = decodeConsumerGroupMetadataKey(kr, 0);
    if (vr === null) groups.delete(groupId);
    else groupOf(groupId).groupEpoch = decodeConsumerGroupMetadataValue(vr, version).epoch;
    return;
  }
  if (type === TARGET_METADATA) {
    const { groupId } = decodeConsumerGroupTargetAssignmentMetadataKey(kr, 0);
    if (vr !== null)
      groupOf(groupId).assignmentEpoch = decodeConsumerGroupTargetAssignmentMetadataValue(
        vr,
        version,
      ).assignmentEpoch;
    return;
  }
  const decodeKey =
    type === MEMBER_METADATA
      ? decodeConsumerGroupMemberMetadataKey
      : type === TARGET_MEMBER
        ? decodeConsumerGroupTargetAssignmentMemberKey
        : decodeConsumerGroupCurrentMemberAssignmentKey;
  const { groupId, memberId } = decodeKey(kr, 0);
  const group = groupOf(groupId);
  if (vr === null) {
    group.members.delete(memberId);
    group.targets.delete(memberId);
    return;
  }
  let member = group.members.get(memberId);
  if (!member) group.members.set(memberId, (member = skeleton(memberId)));
  if (type === MEMBER_METADATA) {
    const v = decodeConsumerGroupMemberMetadataValue(vr, version);
    Object.assign(member, {
      instanceId: v.instanceId,
      rackId: v.rackId,
      clientId: v.clientId,
      clientHost: v.clientHost,
      subscribedTopicNames: v.subscribedTopicNames,
      rebalanceTimeoutMs: v.rebalanceTimeoutMs,
      serverAssignor: v.serverAssignor,
    });
  } else if (type === TARGET_MEMBER) {
    group.targets.set(
      memberId,
      toAssignment(decodeConsumerGroupTargetAssignmentMemberValue(vr, version).topicPartitions),
    );
  } else {
    const v = decodeConsumerGroupCurrentMemberAssignmentValue(vr, version);
    member.memberEpoch = v.memberEpoch;
    member.previousMemberEpoch = v.previousMemberEpoch;
    member.assigned = toAssignment(v.assignedPartitions);
    member.pendingRevocation = toAssignment(v.partitionsPendingRevocation);
  }
}
