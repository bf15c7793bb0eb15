// The classic rebalance protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) as Kafka runs
// it. A rebalance: the group enters PreparingRebalance and parks every JoinGroup until all
// known members have rejoined (or the rebalance timeout passes; a new group first waits
// group.initial.rebalance.delay.ms for more members). Then the generation is bumped, a
// protocol chosen, every parked JoinGroup answered (the leader gets all members' metadata)
// and the group waits in CompletingRebalance for the leader's SyncGroup with the assignment.
// That assignment is written as a GroupMetadata record; once written the group is Stable and
// every parked SyncGroup gets its member's share. Heartbeats keep members alive; a member
// silent for its session timeout is removed and the group rebalances.
import {
  ErrorCode,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from '../../protocol/index.js';
import { ClassicGroup, type ClassicMember } from './classic-group.js';
import type { GroupContext } from './group-context.js';
import { groupMetadataRecord } from './group-records.js';

/** Who sent a request, as JoinGroup records it per member. */
export interface ClientInfo {
  clientId: string;
  clientHost: string;
  /** The request's API version. */
  apiVersion: number;
}

const EMPTY = Buffer.alloc(0);

export function joinResponse(errorCode: number, memberId = ''): JoinGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  };
}

export function syncResponse(errorCode: number, assignment = EMPTY): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment };
}

export class ClassicMembership {
  constructor(private readonly ctx: GroupContext) {}

  join(req: JoinGroupRequest, client: ClientInfo): Promise<JoinGroupResponse> {
    const { ctx } = this;
    const check = ctx.checkGroup(req.groupId);
    if (check !== ErrorCode.NONE) return Promise.resolve(joinResponse(check, req.memberId));
    if (req.groupId === '') return Promise.resolve(joinResponse(ErrorCode.INVALID_GROUP_ID));
    const { groupMinSessionTimeoutMs: min, groupMaxSessionTimeoutMs: max } = ctx.config;
    if (req.sessionTimeoutMs < min || req.sessionTimeoutMs > max) {
      return Promise.resolve(joinResponse(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId));
    }
    let group = ctx.groups.get(req.groupId);
    if (!group) {
      if (req.memberId !== '') return Promise.resolve(joinResponse(ErrorCode.UNKNOWN_MEMBER_ID));
      group = new ClassicGroup(req.groupId, ctx.clock.nowMs());
    }
    const names = req.protocols.map((p) => p.name);
    if (group.state === 'Dead') {
      return Promise.resolve(joinResponse(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId));
    }
    if (!group.supportsProtocols(req.protocolType, names)) {
      return Promise.resolve(joinResponse(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    ctx.groups.set(req.groupId, group);
    const g = group;
    return new Promise((resolve) => {
      if (req.memberId === '') this.joinNewMember(g, req, client, resolve);
      else this.joinKnownMember(g, req, client, resolve);
    });
  }

  private joinNewMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    client: ClientInfo,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    const memberId = this.ctx.newMemberId(client.clientId);
    const instanceId = req.groupInstanceId;
    if (instanceId !== null && group.staticMembers.has(instanceId)) {
      this.replaceStaticMember(group, req, client, memberId, resolve);
      return;
    }
    // Pending member ids count too, so a flood of first joins cannot grow the group unbounded.
    if (group.members.size + group.pendingMembers.size >= this.ctx.config.groupMaxSize) {
      resolve(joinResponse(ErrorCode.GROUP_MAX_SIZE_REACHED));
      return;
    }
    if (instanceId === null && client.apiVersion >= 4) {
      // KIP-394: a dynamic member first learns its id, and only counts once it rejoins with
      // it. A client that never does is forgotten after its session timeout.
      const cancel = this.ctx.timers.schedule(req.sessionTimeoutMs, () => {
        group.pendingMembers.delete(memberId);
        this.maybeCompleteJoin(group);
      });
      group.pendingMembers.set(memberId, cancel);
      resolve(joinResponse(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      return;
    }
    this.addMemberAndRebalance(group, this.newMember(memberId, req, client), resolve);
  }

  private joinKnownMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    client: ClientInfo,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    const pending = group.pendingMembers.get(req.memberId);
    if (pending) {
      pending();
      group.pendingMembers.delete(req.memberId);
      if (group.members.size >= this.ctx.config.groupMaxSize) {
        resolve(joinResponse(ErrorCode.GROUP_MAX_SIZE_REACHED, req.memberId));
        this.maybeCompleteJoin(group);
        return;
      }
      this.addMemberAndRebalance(group, this.newMember(req.memberId, req, client), resolve);
      return;
    }
    const member = group.members.get(req.memberId);
    const error = this.validateMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE || !member) {
      resolve(joinResponse(error, req.memberId));
      return;
    }
    const changed = !sameProtocols(member.protocols, req.protocols);
    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMember(member, req, client, resolve);
        this.maybeCompleteJoin(group);
        return;
      case 'CompletingRebalance':
        if (!changed) {
          resolve(this.currentJoinResponse(group, member, client.apiVersion));
          return;
        }
        this.updateMember(member, req, client, resolve);
        this.prepareRebalance(group);
        return;
      case 'Stable':
        if (changed || member.memberId === group.leaderId) {
          // The leader rejoining means it wants a new assignment (for instance, metadata changed).
          this.updateMember(member, req, client, resolve);
          this.prepareRebalance(group);
        } else {
          resolve(this.currentJoinResponse(group, member, client.apiVersion));
        }
        return;
      case 'Empty':
      case 'Dead':
        resolve(joinResponse(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
        return;
    }
  }

  /**
   * KIP-345: a static member that restarts joins with no member id but its known
   * group.instance.id. It takes over the old member's place under a new id, fencing the old
   * one; in a Stable group with unchanged protocols there is no rebalance, and it gets back
   * its assignment through SyncGroup on the current generation.
   */
  private replaceStaticMember(
    group: ClassicGroup,
    req: JoinGroupRequest,
    client: ClientInfo,
    newMemberId: string,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    const oldId = group.staticMembers.get(req.groupInstanceId!)!;
    const old = group.members.get(oldId)!;
    old.cancelHeartbeat?.();
    old.joinWaiter?.(joinResponse(ErrorCode.FENCED_INSTANCE_ID, oldId));
    old.syncWaiter?.(syncResponse(ErrorCode.FENCED_INSTANCE_ID));
    const wasLeader = group.leaderId === oldId;
    const changed = !sameProtocols(old.protocols, req.protocols);
    group.members.delete(oldId);
    const member = this.newMember(newMemberId, req, client);
    member.assignment = old.assignment;
    group.members.set(newMemberId, member);
    group.staticMembers.set(req.groupInstanceId!, newMemberId);
    if (wasLeader) group.leaderId = newMemberId;
    if (group.state === 'Stable' && !changed) {
      this.scheduleHeartbeat(group, member);
      const response = this.currentJoinResponse(group, member, client.apiVersion);
      // The new member id must be durable before the client uses it, as in Kafka.
      void this.ctx
        .write(group.groupId, [groupMetadataRecord(group.groupId, group.toRecordValue())])
        .then((code) =>
          resolve(code === ErrorCode.NONE ? response : joinResponse(code, newMemberId)),
        );
      return;
    }
    member.joinWaiter = resolve;
    member.joinVersion = client.apiVersion;
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  private newMember(memberId: string, req: JoinGroupRequest, client: ClientInfo): ClassicMember {
    return {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: client.clientId,
      clientHost: client.clientHost,
      rebalanceTimeoutMs:
        req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols.map((p) => ({ name: p.name, metadata: p.metadata })),
      assignment: EMPTY,
      joinWaiter: null,
      syncWaiter: null,
      joinVersion: client.apiVersion,
      cancelHeartbeat: null,
    };
  }

  private updateMember(
    member: ClassicMember,
    req: JoinGroupRequest,
    client: ClientInfo,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    // A second JoinGroup replaces a parked one; the first gets an answer so no request hangs.
    member.joinWaiter?.(joinResponse(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
    member.protocols = req.protocols.map((p) => ({ name: p.name, metadata: p.metadata }));
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs =
      req.rebalanceTimeoutMs >= 0 ? req.rebalanceTimeoutMs : req.sessionTimeoutMs;
    member.clientId = client.clientId;
    member.clientHost = client.clientHost;
    member.joinWaiter = resolve;
    member.joinVersion = client.apiVersion;
  }

  private addMemberAndRebalance(
    group: ClassicGroup,
    member: ClassicMember,
    resolve: (r: JoinGroupResponse) => void,
  ): void {
    member.joinWaiter = resolve;
    group.addMember(member);
    group.newMemberAdded = true;
    if (group.state === 'PreparingRebalance') this.maybeCompleteJoin(group);
    else this.prepareRebalance(group);
  }

  /** Returns NONE, UNKNOWN_MEMBER_ID or FENCED_INSTANCE_ID for a member naming itself. */
  validateMember(group: ClassicGroup, memberId: string, instanceId: string | null): number {
    if (instanceId !== null) {
      const known = group.staticMembers.get(instanceId);
      if (known === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      return known === memberId ? ErrorCode.NONE : ErrorCode.FENCED_INSTANCE_ID;
    }
    return group.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  private currentJoinResponse(
    group: ClassicGroup,
    member: ClassicMember,
    apiVersion: number,
  ): JoinGroupResponse {
    const isLeader = member.memberId === group.leaderId;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      // KIP-814 (v9+): a static leader that rejoins a Stable group must not reassign.
      skipAssignment: isLeader && group.state === 'Stable' && apiVersion >= 9,
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: group.metadataOf(m),
          }))
        : [],
    };
  }

  /** Starts a rebalance: every member must rejoin. */
  prepareRebalance(group: ClassicGroup): void {
    const { clock, timers, config } = this.ctx;
    if (group.state === 'CompletingRebalance') {
      for (const m of group.members.values()) {
        m.assignment = EMPTY;
        m.syncWaiter?.(syncResponse(ErrorCode.REBALANCE_IN_PROGRESS));
        m.syncWaiter = null;
      }
    }
    group.cancelSyncTimer?.();
    group.cancelSyncTimer = null;
    group.cancelJoinTimer?.();
    const initial = group.state === 'Empty' && config.groupInitialRebalanceDelayMs > 0;
    this.ctx.logger.info(
      `Preparing to rebalance group ${group.groupId} in state PreparingRebalance ` +
        `with old generation ${group.generationId}`,
      { group: group.groupId, generation: group.generationId, members: group.members.size },
    );
    group.transitionTo('PreparingRebalance', clock.nowMs());
    if (initial) {
      group.inInitialDelay = true;
      group.newMemberAdded = false;
      const delayMs = config.groupInitialRebalanceDelayMs;
      this.scheduleInitialDelay(
        group,
        delayMs,
        Math.max(group.maxRebalanceTimeoutMs() - delayMs, 0),
      );
      return;
    }
    group.cancelJoinTimer = timers.schedule(group.maxRebalanceTimeoutMs(), () => {
      group.cancelJoinTimer = null;
      this.completeJoin(group);
    });
    this.maybeCompleteJoin(group);
  }

  /**
   * Kafka's InitialDelayedJoin: wait `delayMs`; if members joined meanwhile, wait again (at
   * most the delay, never past the rebalance timeout), so a group starting many consumers at
   * once rebalances once rather than once per consumer.
   */
  private scheduleInitialDelay(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    group.cancelJoinTimer = this.ctx.timers.schedule(delayMs, () => {
      group.cancelJoinTimer = null;
      if (group.newMemberAdded && remainingMs > 0) {
        group.newMemberAdded = false;
        const nextMs = Math.min(this.ctx.config.groupInitialRebalanceDelayMs, remainingMs);
        this.scheduleInitialDelay(group, nextMs, Math.max(remainingMs - nextMs, 0));
        return;
      }
      group.inInitialDelay = false;
      this.completeJoin(group);
    });
  }

  maybeCompleteJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance' || group.inInitialDelay) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  private completeJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return;
    const { clock, timers } = this.ctx;
    group.cancelJoinTimer?.();
    group.cancelJoinTimer = null;
    group.inInitialDelay = false;
    // Members that did not rejoin in time are out, static ones too.
    for (const m of [...group.members.values()]) {
      if (m.joinWaiter === null) this.dropMember(group, m);
    }
    group.generationId += 1;
    if (group.members.size === 0) {
      group.protocolName = null;
      this.ctx.logger.info(
        `Group ${group.groupId} with generation ${group.generationId} is now empty`,
        {
          group: group.groupId,
          generation: group.generationId,
        },
      );
      group.transitionTo('Empty', clock.nowMs());
      void this.persist(group);
      return;
    }
    group.protocolName = group.selectProtocol();
    group.transitionTo('CompletingRebalance', clock.nowMs());
    this.ctx.onRebalance?.('classic');
    for (const m of group.members.values()) {
      const resolve = m.joinWaiter!;
      m.joinWaiter = null;
      resolve(this.currentJoinResponse(group, m, m.joinVersion));
      this.scheduleHeartbeat(group, m);
    }
    const generation = group.generationId;
    group.cancelSyncTimer = timers.schedule(group.maxRebalanceTimeoutMs(), () => {
      group.cancelSyncTimer = null;
      if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return;
      // Members that never sent SyncGroup cannot hold the group: drop them and start again.
      for (const m of [...group.members.values()]) {
        if (m.syncWaiter === null) this.dropMember(group, m);
      }
      this.afterMembersLeft(group);
    });
  }

  /** Writes the group's current membership; resolves with the write's error code. */
  persist(group: ClassicGroup): Promise<number> {
    return this.ctx.write(group.groupId, [
      groupMetadataRecord(group.groupId, group.toRecordValue()),
    ]);
  }

  sync(req: SyncGroupRequest, client: ClientInfo): Promise<SyncGroupResponse> {
    const check = this.ctx.checkGroup(req.groupId);
    if (check !== ErrorCode.NONE) return Promise.resolve(syncResponse(check));
    const group = this.ctx.groups.get(req.groupId);
    if (!group) return Promise.resolve(syncResponse(ErrorCode.UNKNOWN_MEMBER_ID));
    const error = this.validateMember(group, req.memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return Promise.resolve(syncResponse(error));
    if (req.generationId !== group.generationId) {
      return Promise.resolve(syncResponse(ErrorCode.ILLEGAL_GENERATION));
    }
    const protocolMismatch =
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName);
    if (protocolMismatch)
      return Promise.resolve(syncResponse(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    const member = group.members.get(req.memberId)!;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return Promise.resolve(syncResponse(ErrorCode.UNKNOWN_MEMBER_ID));
      case 'PreparingRebalance':
        return Promise.resolve(syncResponse(ErrorCode.REBALANCE_IN_PROGRESS));
      case 'Stable':
        this.scheduleHeartbeat(group, member);
        return Promise.resolve(this.memberSyncResponse(group, member.assignment));
      case 'CompletingRebalance':
        break;
    }
    void client;
    return new Promise((resolve) => {
      member.syncWaiter?.(syncResponse(ErrorCode.REBALANCE_IN_PROGRESS));
      member.syncWaiter = resolve;
      this.scheduleHeartbeat(group, member);
      if (member.memberId === group.leaderId) this.applyAssignment(group, req);
    });
  }

  private applyAssignment(group: ClassicGroup, req: SyncGroupRequest): void {
    const given = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
    for (const m of group.members.values()) m.assignment = given.get(m.memberId) ?? EMPTY;
    const generation = group.generationId;
    void this.persist(group).then((code) => {
      if (group.state !== 'CompletingRebalance' || group.generationId !== generation) return;
      if (code !== ErrorCode.NONE) {
        for (const m of group.members.values()) {
          m.assignment = EMPTY;
          m.syncWaiter?.(syncResponse(code));
          m.syncWaiter = null;
        }
        this.prepareRebalance(group);
        return;
      }
      group.cancelSyncTimer?.();
      group.cancelSyncTimer = null;
      group.transitionTo('Stable', this.ctx.clock.nowMs());
      this.ctx.logger.info(
        `Stabilized group ${group.groupId} generation ${group.generationId} ` +
          `with ${group.members.size} members`,
        {
          group: group.groupId,
          generation: group.generationId,
          members: [...group.members.keys()],
          protocol: group.protocolName,
        },
      );
      for (const m of group.members.values()) {
        const resolve = m.syncWaiter;
        m.syncWaiter = null;
        resolve?.(this.memberSyncResponse(group, m.assignment));
      }
    });
  }

  private memberSyncResponse(group: ClassicGroup, assignment: Buffer): SyncGroupResponse {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment,
    };
  }

  /** Heartbeat: returns the error code for the response. */
  heartbeat(
    groupId: string,
    member: { memberId: string; groupInstanceId: string | null; generationId: number },
  ): number {
    const check = this.ctx.checkGroup(groupId);
    if (check !== ErrorCode.NONE) return check;
    const group = this.ctx.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    const error = this.validateMember(group, member.memberId, member.groupInstanceId);
    if (error !== ErrorCode.NONE) return error;
    if (member.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const m = group.members.get(member.memberId)!;
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return ErrorCode.UNKNOWN_MEMBER_ID;
      case 'PreparingRebalance':
        this.scheduleHeartbeat(group, m);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        // A member may heartbeat between its JoinGroup and SyncGroup; that keeps it alive.
        this.scheduleHeartbeat(group, m);
        return ErrorCode.NONE;
    }
  }

  /**
   * LeaveGroup for several members at once (v3+). Returns per-member error codes, in request
   * order; the group rebalances once for all of them.
   */
  leave(
    groupId: string,
    leaving: readonly { memberId: string; groupInstanceId: string | null }[],
  ): number[] | number {
    const check = this.ctx.checkGroup(groupId);
    if (check !== ErrorCode.NONE) return check;
    const group = this.ctx.groups.get(groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    let removed = false;
    const results = leaving.map(({ memberId, groupInstanceId }) => {
      if (groupInstanceId !== null) {
        const known = group.staticMembers.get(groupInstanceId);
        if (known === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
        if (memberId !== '' && memberId !== known) return ErrorCode.FENCED_INSTANCE_ID;
        this.dropMember(group, group.members.get(known)!);
        removed = true;
        return ErrorCode.NONE;
      }
      const pending = group.pendingMembers.get(memberId);
      if (pending) {
        pending();
        group.pendingMembers.delete(memberId);
        removed = true;
        return ErrorCode.NONE;
      }
      const member = group.members.get(memberId);
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
      this.dropMember(group, member);
      removed = true;
      return ErrorCode.NONE;
    });
    if (removed) this.afterMembersLeft(group);
    return results;
  }

  /** Removes a member, answering anything it has parked. The caller then updates the group. */
  private dropMember(group: ClassicGroup, member: ClassicMember): void {
    member.cancelHeartbeat?.();
    member.cancelHeartbeat = null;
    member.joinWaiter?.(joinResponse(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.joinWaiter = null;
    member.syncWaiter?.(syncResponse(ErrorCode.UNKNOWN_MEMBER_ID));
    member.syncWaiter = null;
    group.removeMember(member.memberId);
  }

  private afterMembersLeft(group: ClassicGroup): void {
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(group);
        return;
      case 'PreparingRebalance':
        this.maybeCompleteJoin(group);
        return;
      case 'Empty':
      case 'Dead':
        return;
    }
  }

  /** (Re)arms the member's session timer. Members parked in JoinGroup/SyncGroup stay alive. */
  scheduleHeartbeat(group: ClassicGroup, member: ClassicMember): void {
    member.cancelHeartbeat?.();
    member.cancelHeartbeat = this.ctx.timers.schedule(member.sessionTimeoutMs, () => {
      member.cancelHeartbeat = null;
      if (group.members.get(member.memberId) !== member) return;
      if (member.joinWaiter !== null || member.syncWaiter !== null) {
        this.scheduleHeartbeat(group, member);
        return;
      }
      this.dropMember(group, member);
      this.afterMembersLeft(group);
    });
  }

  /** Stops every timer of a group and answers its parked requests (unload, delete). */
  shutdownGroup(group: ClassicGroup, errorCode: number): void {
    group.cancelJoinTimer?.();
    group.cancelSyncTimer?.();
    group.cancelJoinTimer = group.cancelSyncTimer = null;
    for (const cancel of group.pendingMembers.values()) cancel();
    group.pendingMembers.clear();
    for (const m of group.members.values()) {
      m.cancelHeartbeat?.();
      m.cancelHeartbeat = null;
      m.joinWaiter?.(joinResponse(errorCode, m.memberId));
      m.syncWaiter?.(syncResponse(errorCode));
      m.joinWaiter = m.syncWaiter = null;
    }
  }
}

function sameProtocols(
  a: readonly { name: string; metadata: Buffer }[],
  b: readonly { name: string; metadata: Buffer }[],
): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata))
  );
}
