// ConsumerGroupHeartbeat (KIP-848). Each heartbeat: validate the member's epoch (fencing),
// apply what changed (joining with epoch 0, leaving with -1, a static member leaving with -2,
// new subscriptions), bump the group epoch when membership or subscriptions change, recompute
// the target assignment with the server-side assignor when the group epoch is ahead, then
// move this member towards its target: first revoke what is no longer its own, then take new
// partitions as other members release them, advancing its member epoch.
import {
  ErrorCode,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
} from '../../protocol/index.js';
import type { ClientInfo } from './classic-membership.js';
import {
  ConsumerGroup,
  assignmentKey,
  compileTopicRegex,
  memberTopics,
  intersect,
  subtract,
  type ConsumerMember,
} from './consumer-group.js';
import { consumerGroupRecords, snapshotConsumerGroup } from './consumer-group-records.js';
import type { GroupContext } from './group-context.js';
import { groupTombstone } from './group-records.js';
import { DEFAULT_SERVER_ASSIGNOR, SERVER_ASSIGNORS, type Assignment } from './server-assignors.js';

const LEAVE_EPOCH = -1;
const STATIC_LEAVE_EPOCH = -2;

function fail(
  errorCode: number,
  errorMessage: string | null = null,
): ConsumerGroupHeartbeatResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: null,
    memberEpoch: -1,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

export class ConsumerMembership {
  constructor(private readonly ctx: GroupContext) {}

  /** Applies one heartbeat, then writes the records of what it changed before answering. */
  async heartbeat(
    req: ConsumerGroupHeartbeatRequest,
    client: ClientInfo,
  ): Promise<ConsumerGroupHeartbeatResponse> {
    const existing = this.ctx.consumerGroups.get(req.groupId);
    const before = existing ? snapshotConsumerGroup(existing) : null;
    const response = await this.apply(req, client);
    const group = this.ctx.consumerGroups.get(req.groupId);
    if (!group) return response;
    const records = consumerGroupRecords(group, before);
    if (records.length === 0) return response;
    const code = await this.ctx.write(req.groupId, records);
    return code === ErrorCode.NONE ? response : fail(code);
  }

  private async apply(
    req: ConsumerGroupHeartbeatRequest,
    client: ClientInfo,
  ): Promise<ConsumerGroupHeartbeatResponse> {
    const problem = this.validate(req, client.apiVersion);
    if (problem !== null) return problem;
    const classic = this.ctx.groups.get(req.groupId);
    if (classic) {
      if (!classic.isEmpty) {
        return fail(
          ErrorCode.GROUP_ID_NOT_FOUND,
          `Group ${req.groupId} is a classic group with members.`,
        );
      }
      // An empty classic group (offsets only) becomes a consumer group; the offsets stay.
      const code = await this.ctx.write(req.groupId, [groupTombstone(req.groupId)]);
      if (code !== ErrorCode.NONE) return fail(code);
      this.ctx.groups.delete(req.groupId);
    }
    let group = this.ctx.consumerGroups.get(req.groupId);
    if (!group) {
      if (req.memberEpoch !== 0) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
      group = new ConsumerGroup(req.groupId);
      this.ctx.consumerGroups.set(req.groupId, group);
    }
    if (req.memberEpoch === 0) return this.join(group, req, client);
    const member = group.members.get(req.memberId);
    if (!member || member.leftStatic) return fail(ErrorCode.UNKNOWN_MEMBER_ID);
    if (req.instanceId !== null && member.instanceId !== req.instanceId) {
      return fail(ErrorCode.FENCED_INSTANCE_ID);
    }
    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) {
      return this.leave(group, member, req.memberEpoch);
    }
    if (req.memberEpoch !== member.memberEpoch && !this.lostResponse(member, req)) {
      return fail(
        ErrorCode.FENCED_MEMBER_EPOCH,
        `Member epoch ${req.memberEpoch} is not ${member.memberEpoch}.`,
      );
    }
    this.update(group, member, req);
    return this.respond(group, member, req, false);
  }

  private validate(
    req: ConsumerGroupHeartbeatRequest,
    apiVersion: number,
  ): ConsumerGroupHeartbeatResponse | null {
    const check = this.ctx.checkGroup(req.groupId);
    if (check !== ErrorCode.NONE) return fail(check);
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (apiVersion >= 1 && req.memberId === '') {
      return fail(ErrorCode.INVALID_REQUEST, 'MemberId can not be empty.');
    }
    if (req.subscribedTopicRegex !== null && compileTopicRegex(req.subscribedTopicRegex) === null) {
      return fail(
        ErrorCode.INVALID_REGULAR_EXPRESSION,
        `Invalid regex ${req.subscribedTopicRegex}.`,
      );
    }
    if (req.serverAssignor !== null && !SERVER_ASSIGNORS.has(req.serverAssignor)) {
      return fail(ErrorCode.UNSUPPORTED_ASSIGNOR, `Unknown assignor ${req.serverAssignor}.`);
    }
    if (req.memberEpoch === 0) {
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
        return fail(ErrorCode.INVALID_REQUEST, 'A subscription must be set when joining.');
      }
      if (req.topicPartitions === null || req.topicPartitions.length > 0) {
        return fail(ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty when joining.');
      }
    }
    return null;
  }

  /** Kafka accepts the previous epoch when the member missed a response but owns nothing new. */
  private lostResponse(member: ConsumerMember, req: ConsumerGroupHeartbeatRequest): boolean {
    if (req.memberEpoch !== member.previousMemberEpoch || req.topicPartitions === null)
      return false;
    const owned = toAssignment(req.topicPartitions);
    return subtract(owned, member.assigned).size === 0;
  }

  private join(
    group: ConsumerGroup,
    req: ConsumerGroupHeartbeatRequest,
    client: ClientInfo,
  ): ConsumerGroupHeartbeatResponse {
    const memberId = req.memberId !== '' ? req.memberId : this.ctx.newMemberId('').slice(1);
    let member = group.members.get(memberId);
    let replaced: ConsumerMember | undefined;
    if (req.instanceId !== null) {
      replaced = group.memberByInstance(req.instanceId);
      if (replaced && replaced.memberId !== memberId && !replaced.leftStatic) {
        return fail(
          ErrorCode.UNRELEASED_INSTANCE_ID,
          `Instance ${req.instanceId} is still in use.`,
        );
      }
    }
    if (!member && !replaced && group.members.size >= this.ctx.config.groupConsumerMaxSize) {
      return fail(ErrorCode.GROUP_MAX_SIZE_REACHED);
    }
    if (replaced && replaced.memberId !== memberId) {
      // A static member back under a new id takes over its predecessor's place and partitions.
      this.stopTimers(replaced);
      group.members.delete(replaced.memberId);
      const target = group.targets.get(replaced.memberId);
      group.targets.delete(replaced.memberId);
      if (target) group.targets.set(memberId, target);
      member = {
        ...replaced,
        memberId,
        leftStatic: false,
        lastSent: null,
        cancelSession: null,
        cancelRevocation: null,
      };
      group.members.set(memberId, member);
    }
    if (!member) {
      member = {
        memberId,
        instanceId: req.instanceId,
        rackId: req.rackId,
        clientId: client.clientId,
        clientHost: client.clientHost,
        rebalanceTimeoutMs: req.rebalanceTimeoutMs,
        subscribedTopicNames: [...(req.subscribedTopicNames ?? [])],
        subscribedTopicRegex: req.subscribedTopicRegex,
        serverAssignor: req.serverAssignor,
        memberEpoch: 0,
        previousMemberEpoch: 0,
        assigned: new Map(),
        pendingRevocation: new Map(),
        leftStatic: false,
        lastSent: null,
        cancelSession: null,
        cancelRevocation: null,
      };
      group.members.set(memberId, member);
      group.groupEpoch++;
    } else if (!replaced) {
      // A known member joining again (after being fenced) starts over.
      member.assigned = new Map();
      member.pendingRevocation = new Map();
      member.memberEpoch = 0;
      member.lastSent = null;
      group.groupEpoch++;
    }
    this.update(group, member, req);
    return this.respond(group, member, req, true);
  }

  private leave(
    group: ConsumerGroup,
    member: ConsumerMember,
    epoch: number,
  ): ConsumerGroupHeartbeatResponse {
    if (epoch === STATIC_LEAVE_EPOCH && member.instanceId !== null) {
      // Kept, partitions and all, until the session timeout, so a restart needs no rebalance.
      member.leftStatic = true;
      this.scheduleSession(group, member);
    } else {
      this.remove(group, member);
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: epoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    };
  }

  private update(
    group: ConsumerGroup,
    member: ConsumerMember,
    req: ConsumerGroupHeartbeatRequest,
  ): void {
    if (req.rebalanceTimeoutMs >= 0) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.rackId !== null) member.rackId = req.rackId;
    const topics = req.subscribedTopicNames;
    if (
      topics !== null &&
      [...topics].sort().join('\0') !== [...member.subscribedTopicNames].sort().join('\0')
    ) {
      member.subscribedTopicNames = [...topics];
      group.groupEpoch++;
    }
    const regex = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
    if (req.subscribedTopicRegex !== null && regex !== member.subscribedTopicRegex) {
      // An empty regex clears it, as in Kafka.
      member.subscribedTopicRegex = regex;
      group.groupEpoch++;
    }
    if (req.serverAssignor !== null && req.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = req.serverAssignor;
      group.groupEpoch++;
    }
    this.scheduleSession(group, member);
  }

  private respond(
    group: ConsumerGroup,
    member: ConsumerMember,
    req: ConsumerGroupHeartbeatRequest,
    joining: boolean,
  ): ConsumerGroupHeartbeatResponse {
    this.maybeComputeTargets(group);
    this.reconcile(
      group,
      member,
      req.topicPartitions === null ? null : toAssignment(req.topicPartitions),
    );
    const key = assignmentKey(member.assigned);
    const send = joining || member.lastSent !== key;
    member.lastSent = key;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.ctx.consumerTimeouts(group.groupId).heartbeatIntervalMs,
      assignment: send ? { topicPartitions: fromAssignment(member.assigned) } : null,
    };
  }

  /** New target assignments when the group epoch moved or subscribed topics gained partitions. */
  private maybeComputeTargets(group: ConsumerGroup): void {
    const { topics } = this.ctx;
    const all = () => topics.names();
    const names = [...group.subscribedTopicNames(all)].sort();
    const signature = names.map((n) => `${n}=${topics.byName(n)?.partitionCount ?? 0}`).join(',');
    if (signature !== group.topicsSignature && group.groupEpoch === group.assignmentEpoch)
      group.groupEpoch++;
    if (group.groupEpoch === group.assignmentEpoch) return;
    group.topicsSignature = signature;
    group.assignorName = this.assignorOf(group);
    const assignor = SERVER_ASSIGNORS.get(group.assignorName)!;
    const members = [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      topicIds: memberTopics(m, all)
        .map((n) => topics.byName(n)?.topicId)
        .filter((id): id is string => id !== undefined),
      previous: group.targets.get(m.memberId) ?? new Map(),
    }));
    group.targets = assignor(members, (topicId) => topics.byId(topicId)?.partitionCount ?? 0);
    group.assignmentEpoch = group.groupEpoch;
    this.ctx.onRebalance?.('consumer');
    this.ctx.logger.info(
      `Computed a new target assignment for group ${group.groupId} at epoch ${group.groupEpoch} ` +
        `with ${members.length} members`,
      {
        group: group.groupId,
        epoch: group.groupEpoch,
        members: members.map((m) => m.memberId),
        assignor: group.assignorName,
      },
    );
  }

  /** The assignor most members ask for (the default when none does). */
  private assignorOf(group: ConsumerGroup): string {
    const votes = new Map<string, number>();
    for (const m of group.members.values()) {
      if (m.serverAssignor !== null)
        votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    }
    let best = DEFAULT_SERVER_ASSIGNOR;
    let most = 0;
    for (const [name, n] of votes) if (n > most) [best, most] = [name, n];
    return best;
  }

  private reconcile(group: ConsumerGroup, member: ConsumerMember, owned: Assignment | null): void {
    if (member.pendingRevocation.size > 0) {
      const stillOwned =
        owned === null ? member.pendingRevocation : intersect(owned, member.pendingRevocation);
      if (stillOwned.size > 0) return;
      member.pendingRevocation = new Map();
      member.cancelRevocation?.();
      member.cancelRevocation = null;
    }
    const target = group.targets.get(member.memberId) ?? new Map<string, Set<number>>();
    const revoke = subtract(member.assigned, target);
    // A member that already stopped owning them (it says what it owns) need not wait.
    if (revoke.size > 0 && (owned === null || intersect(owned, revoke).size > 0)) {
      member.assigned = intersect(member.assigned, target);
      member.pendingRevocation = revoke;
      this.scheduleRevocationTimeout(group, member);
      return;
    }
    member.assigned = intersect(member.assigned, target);
    for (const [topicId, partitions] of subtract(target, member.assigned)) {
      for (const p of partitions) {
        if (group.heldByOther(member.memberId, topicId, p)) continue;
        let set = member.assigned.get(topicId);
        if (!set) member.assigned.set(topicId, (set = new Set()));
        set.add(p);
      }
    }
    if (member.memberEpoch !== group.assignmentEpoch) {
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = group.assignmentEpoch;
    }
  }

  private remove(group: ConsumerGroup, member: ConsumerMember): void {
    this.stopTimers(member);
    group.members.delete(member.memberId);
    group.targets.delete(member.memberId);
    group.groupEpoch++;
    this.maybeComputeTargets(group);
  }

  /** Removes a member on a timer, writing the tombstones and the new epochs. */
  private expire(group: ConsumerGroup, member: ConsumerMember): void {
    const before = snapshotConsumerGroup(group);
    this.remove(group, member);
    void this.ctx.write(group.groupId, consumerGroupRecords(group, before));
  }

  /** After loading: members must heartbeat within the session timeout again. */
  onLoaded(group: ConsumerGroup): void {
    for (const m of group.members.values()) this.scheduleSession(group, m);
  }

  private stopTimers(member: ConsumerMember): void {
    member.cancelSession?.();
    member.cancelRevocation?.();
    member.cancelSession = member.cancelRevocation = null;
  }

  private scheduleSession(group: ConsumerGroup, member: ConsumerMember): void {
    member.cancelSession?.();
    member.cancelSession = this.ctx.timers.schedule(
      this.ctx.consumerTimeouts(group.groupId).sessionTimeoutMs,
      () => {
        member.cancelSession = null;
        if (group.members.get(member.memberId) === member) this.expire(group, member);
      },
    );
  }

  /** A member that does not give up its partitions within its rebalance timeout is fenced. */
  private scheduleRevocationTimeout(group: ConsumerGroup, member: ConsumerMember): void {
    member.cancelRevocation?.();
    member.cancelRevocation = this.ctx.timers.schedule(member.rebalanceTimeoutMs, () => {
      member.cancelRevocation = null;
      if (group.members.get(member.memberId) === member && member.pendingRevocation.size > 0) {
        this.expire(group, member);
      }
    });
  }

  /** OffsetCommit from a member of a consumer group: NONE or the error to answer. */
  validateCommit(group: ConsumerGroup, memberId: string, memberEpoch: number): number {
    if (memberId === '' && memberEpoch < 0) {
      return group.members.size === 0 ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
    }
    const member = group.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (memberEpoch > member.memberEpoch) return ErrorCode.FENCED_MEMBER_EPOCH;
    if (memberEpoch < member.memberEpoch) return ErrorCode.STALE_MEMBER_EPOCH;
    return ErrorCode.NONE;
  }

  shutdown(group: ConsumerGroup): void {
    for (const m of group.members.values()) this.stopTimers(m);
  }
}

function toAssignment(
  list: readonly { topicId: string; partitions: readonly number[] }[],
): Assignment {
  return new Map(
    list.filter((t) => t.partitions.length > 0).map((t) => [t.topicId, new Set(t.partitions)]),
  );
}

function fromAssignment(a: Assignment): { topicId: string; partitions: number[] }[] {
  return [...a]
    .filter(([, ps]) => ps.size > 0)
    .map(([topicId, ps]) => ({ topicId, partitions: [...ps].sort((x, y) => x - y) }));
}
