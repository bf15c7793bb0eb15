// Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete and expiry. Each commit becomes
// one record per partition; the offsets change only when those records are replayed.
import {
  ErrorCode,
  type OffsetCommitRequest,
  type OffsetCommitResponse,
  type OffsetDeleteRequest,
  type OffsetDeleteResponse,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from '../../protocol/index.js';
import type { ClassicGroup } from './classic-group.js';
import type { ClassicMembership } from './classic-membership.js';
import type { ConsumerMembership } from './consumer-membership.js';
import type { GroupContext } from './group-context.js';
import {
  groupTombstone,
  offsetCommitRecord,
  offsetTombstone,
  type CoordinatorRecord,
  type OffsetAndMetadata,
} from './group-records.js';

/** One partition's answer to OffsetFetch; offset -1 means nothing committed. */
export interface FetchedOffset {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchedTopic {
  name: string;
  partitions: FetchedOffset[];
}

export interface FetchedGroupOffsets {
  groupId: string;
  errorCode: number;
  topics: FetchedTopic[];
}

export class OffsetManager {
  constructor(
    private readonly ctx: GroupContext,
    private readonly membership: ClassicMembership,
    private readonly consumerMembership: ConsumerMembership,
  ) {}

  async commit(req: OffsetCommitRequest, apiVersion: number): Promise<OffsetCommitResponse> {
    const error = this.validateCommit(req, apiVersion);
    if (error !== ErrorCode.NONE) return commitResponse(req, () => error);
    const nowMs = this.ctx.clock.nowMs();
    const retention = Number(req.retentionTimeMs);
    // A retention near Long.MAX_VALUE means "never": capped so the record encodes.
    const expireTimestampMs =
      retention > 0 ? Math.min(nowMs + retention, Number.MAX_SAFE_INTEGER) : null;
    const { records, tooLarge } = this.commitRecords(req, { nowMs, expireTimestampMs });
    const written =
      records.length === 0 ? ErrorCode.NONE : await this.ctx.write(req.groupId, records);
    return commitResponse(req, (topic, partition) =>
      tooLarge.has(`${topic}\0${partition}`) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : written,
    );
  }

  /**
   * The offset commit records of a request, leaving out partitions whose metadata is longer
   * than offset.metadata.max.bytes (returned as `topic\0partition` keys).
   */
  private commitRecords(
    req: OffsetCommitRequest | TxnOffsetCommitRequest,
    o: { nowMs: number; expireTimestampMs: number | null },
  ): { records: CoordinatorRecord[]; tooLarge: Set<string> } {
    const { offsetMetadataMaxBytes } = this.ctx.config;
    const records: CoordinatorRecord[] = [];
    const tooLarge = new Set<string>();
    for (const t of req.topics) {
      for (const p of t.partitions) {
        const metadata = p.committedMetadata ?? '';
        if (metadata.length > offsetMetadataMaxBytes) {
          tooLarge.add(`${t.name}\0${p.partitionIndex}`);
          continue;
        }
        records.push(
          offsetCommitRecord(req.groupId, t.name, p.partitionIndex, {
            offset: p.committedOffset,
            leaderEpoch: p.committedLeaderEpoch,
            metadata,
            commitTimestampMs: o.nowMs,
            expireTimestampMs: o.expireTimestampMs,
          }),
        );
      }
    }
    return { records, tooLarge };
  }

  /** Kafka's rules for who may commit to a classic group, and when. */
  private validateCommit(req: OffsetCommitRequest, apiVersion: number): number {
    const check = this.ctx.checkGroup(req.groupId);
    if (check !== ErrorCode.NONE) return check;
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const consumerGroup = this.ctx.consumerGroups.get(req.groupId);
    if (consumerGroup) {
      return this.consumerMembership.validateCommit(
        consumerGroup,
        req.memberId,
        req.generationIdOrMemberEpoch,
      );
    }
    const group = this.ctx.groups.get(req.groupId);
    const generation = req.generationIdOrMemberEpoch;
    if (!group) {
      // A group that does not exist may receive commits only from outside group management
      // (admin tools, assign()): a "simple" group appears when its first offsets are written.
      if (generation < 0) return ErrorCode.NONE;
      return apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
    }
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generation < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (generation >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const error = this.membership.validateMember(group, req.memberId, req.groupInstanceId);
      if (error !== ErrorCode.NONE) return error;
      if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    } else if (group.state !== 'Empty') {
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    // The member has its generation from JoinGroup but no assignment yet.
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  /**
   * TxnOffsetCommit: the offsets are written as a transactional batch of the producer and
   * stay pending until its transaction's marker. Who may commit follows Kafka: the group's
   * generation and member when given (a transactional commit without them is accepted in any
   * state, since old clients send none), a KIP-848 member's epoch.
   */
  async commitTransactional(req: TxnOffsetCommitRequest): Promise<TxnOffsetCommitResponse> {
    const error = this.validateTxnCommit(req);
    if (error !== ErrorCode.NONE) return txnCommitResponse(req, () => error);
    const nowMs = this.ctx.clock.nowMs();
    // Transactional offsets never expire on their own (Kafka writes no expire timestamp).
    const { records, tooLarge } = this.commitRecords(req, { nowMs, expireTimestampMs: null });
    const producer = { producerId: req.producerId, producerEpoch: req.producerEpoch };
    const written =
      records.length === 0
        ? ErrorCode.NONE
        : await this.ctx.writeTransactional(req.groupId, records, producer);
    return txnCommitResponse(req, (topic, partition) =>
      tooLarge.has(`${topic}\0${partition}`) ? ErrorCode.OFFSET_METADATA_TOO_LARGE : written,
    );
  }

  private validateTxnCommit(req: TxnOffsetCommitRequest): number {
    const check = this.ctx.checkGroup(req.groupId);
    if (check !== ErrorCode.NONE) return check;
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const generation = req.generationId;
    const consumerGroup = this.ctx.consumerGroups.get(req.groupId);
    if (consumerGroup) {
      const error = this.consumerMembership.validateCommit(consumerGroup, req.memberId, generation);
      // A member behind the group's epoch learns of it as a classic member would.
      return error === ErrorCode.STALE_MEMBER_EPOCH ? ErrorCode.ILLEGAL_GENERATION : error;
    }
    const group = this.ctx.groups.get(req.groupId);
    // Without a group, only commits from outside group management: a simple group appears.
    if (!group) return generation < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (generation < 0 && group.state === 'Empty') return ErrorCode.NONE;
    if (generation >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const error = this.membership.validateMember(group, req.memberId, req.groupInstanceId);
      if (error !== ErrorCode.NONE) return error;
      if (generation !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    }
    return ErrorCode.NONE;
  }

  /**
   * Offsets of one group: the partitions asked for, or every committed one when `topics` is
   * null. With `requireStable`, a partition with an offset of a transaction not ended yet
   * answers UNSTABLE_OFFSET_COMMIT (the consumer retries); without it, the last committed.
   */
  fetch(
    groupId: string,
    topics: readonly { name: string; partitionIndexes: readonly number[] }[] | null,
    requireStable = false,
  ): FetchedGroupOffsets {
    const check = this.ctx.checkGroup(groupId);
    if (check !== ErrorCode.NONE) return { groupId, errorCode: check, topics: [] };
    const { offsets, pending } = this.ctx;
    const answer = (
      topic: string,
      partitionIndex: number,
      o: OffsetAndMetadata | undefined,
    ): FetchedOffset =>
      requireStable && pending.has(groupId, topic, partitionIndex)
        ? { ...fetched(partitionIndex, undefined), errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }
        : fetched(partitionIndex, o);
    if (topics === null) {
      const all = [...offsets.topicsOf(groupId)].map(([name, parts]) => ({
        name,
        partitions: [...parts].map(([partitionIndex, o]) => answer(name, partitionIndex, o)),
      }));
      return { groupId, errorCode: ErrorCode.NONE, topics: all };
    }
    return {
      groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((p) =>
          answer(t.name, p, offsets.get(groupId, t.name, p)),
        ),
      })),
    };
  }

  async deleteOffsets(req: OffsetDeleteRequest): Promise<OffsetDeleteResponse> {
    const fail = (errorCode: number): OffsetDeleteResponse => ({
      errorCode,
      throttleTimeMs: 0,
      topics: [],
    });
    const check = this.ctx.checkGroup(req.groupId);
    if (check !== ErrorCode.NONE) return fail(check);
    const group = this.ctx.groups.get(req.groupId);
    if (!group) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
    const subscribed = group.isEmpty ? new Set<string>() : group.subscribedTopics();
    if (subscribed === null) return fail(ErrorCode.NON_EMPTY_GROUP);
    const records: CoordinatorRecord[] = [];
    for (const t of req.topics) {
      if (subscribed.has(t.name)) continue;
      for (const p of t.partitions) {
        // Pending transactional offsets get the tombstone too, as in Kafka.
        if (
          this.ctx.offsets.get(req.groupId, t.name, p.partitionIndex) ||
          this.ctx.pending.has(req.groupId, t.name, p.partitionIndex)
        ) {
          records.push(offsetTombstone(req.groupId, t.name, p.partitionIndex));
        }
      }
    }
    const written =
      records.length === 0 ? ErrorCode.NONE : await this.ctx.write(req.groupId, records);
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: subscribed.has(t.name) ? ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC : written,
        })),
      })),
    };
  }

  /**
   * Removes offsets older than offsets.retention.minutes: for an Empty group, counted from
   * when it became empty; for a consumer group with members, only offsets of topics nobody
   * subscribes to, counted from the commit. An Empty group left with no offsets is deleted.
   */
  async expire(): Promise<number> {
    const nowMs = this.ctx.clock.nowMs();
    const { offsetsRetentionMs } = this.ctx.config;
    let expired = 0;
    const writes: Promise<number>[] = [];
    for (const groupId of new Set([...this.ctx.groups.keys(), ...this.ctx.offsets.groupIds()])) {
      if (this.ctx.checkGroup(groupId) !== ErrorCode.NONE) continue;
      const consumerGroup = this.ctx.consumerGroups.get(groupId);
      if (consumerGroup && consumerGroup.members.size > 0) continue;
      const group = this.ctx.groups.get(groupId);
      const records = this.expiredRecords(groupId, group, nowMs, offsetsRetentionMs);
      expired += records.length;
      const remaining = this.ctx.offsets.topicsOf(groupId);
      let left = 0;
      for (const parts of remaining.values()) left += parts.size;
      // A group with an ongoing transaction's offsets stays until the transaction ends.
      const open = this.ctx.pending.hasOpenTransactions(groupId);
      if (group && group.state === 'Empty' && left === records.length && !open) {
        records.push(groupTombstone(groupId));
      }
      if (records.length > 0) writes.push(this.ctx.write(groupId, records));
    }
    await Promise.all(writes);
    return expired;
  }

  private expiredRecords(
    groupId: string,
    group: ClassicGroup | undefined,
    nowMs: number,
    retentionMs: number,
  ): CoordinatorRecord[] {
    const empty = !group || group.state === 'Empty';
    const subscribed = empty ? null : group.subscribedTopics();
    if (!empty && subscribed === null) return [];
    const records: CoordinatorRecord[] = [];
    for (const [topic, parts] of this.ctx.offsets.topicsOf(groupId)) {
      if (subscribed?.has(topic)) continue;
      for (const [partition, o] of parts) {
        const sinceMs =
          empty && group
            ? Math.max(group.stateTimestampMs, o.commitTimestampMs)
            : o.commitTimestampMs;
        const due =
          o.expireTimestampMs !== null
            ? nowMs >= o.expireTimestampMs
            : nowMs - sinceMs >= retentionMs;
        // An offset a transaction is about to replace does not expire yet.
        if (due && !this.ctx.pending.has(groupId, topic, partition)) {
          records.push(offsetTombstone(groupId, topic, partition));
        }
      }
    }
    return records;
  }
}

function fetched(
  partitionIndex: number,
  o: { offset: bigint; leaderEpoch: number; metadata: string } | undefined,
): FetchedOffset {
  return {
    partitionIndex,
    committedOffset: o?.offset ?? -1n,
    committedLeaderEpoch: o?.leaderEpoch ?? -1,
    metadata: o?.metadata ?? '',
    errorCode: ErrorCode.NONE,
  };
}

function txnCommitResponse(
  req: TxnOffsetCommitRequest,
  errorOf: (topic: string, partition: number) => number,
): TxnOffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({ name: t.name, partitions: partitionErrors(t, errorOf) })),
  };
}

function commitResponse(
  req: OffsetCommitRequest,
  errorOf: (topic: string, partition: number) => number,
): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map((t) => ({
      name: t.name,
      topicId: t.topicId,
      partitions: partitionErrors(t, errorOf),
    })),
  };
}

/** Each partition of a commit request's topic with its error code. */
function partitionErrors(
  topic: { name: string; partitions: readonly { partitionIndex: number }[] },
  errorOf: (topic: string, partition: number) => number,
): { partitionIndex: number; errorCode: number }[] {
  return topic.partitions.map((p) => ({
    partitionIndex: p.partitionIndex,
    errorCode: errorOf(topic.name, p.partitionIndex),
  }));
}
