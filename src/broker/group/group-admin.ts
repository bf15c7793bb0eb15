// DescribeGroups, ListGroups and DeleteGroups over classic groups.
import {
  ErrorCode,
  type DescribeGroupsResponseDescribedGroup,
  type ListGroupsResponseListedGroup,
} from '../../protocol/index.js';
import type { ClassicMembership } from './classic-membership.js';
import { consumerGroupTombstones } from './consumer-group-records.js';
import type { ConsumerMembership } from './consumer-membership.js';
import type { GroupContext } from './group-context.js';
import { groupTombstone, offsetTombstone, type CoordinatorRecord } from './group-records.js';

const EMPTY = Buffer.alloc(0);

export class GroupAdmin {
  constructor(
    private readonly ctx: GroupContext,
    private readonly membership: ClassicMembership,
    private readonly consumerMembership: ConsumerMembership,
  ) {}

  /**
   * Like Kafka, member metadata and assignments are shown only for a Stable group; a group
   * that does not exist is described as Dead (with GROUP_ID_NOT_FOUND when `notFoundError`,
   * which DescribeGroups v6+ asks for).
   */
  describe(
    groupId: string,
    options: { notFoundError: boolean },
  ): DescribeGroupsResponseDescribedGroup {
    const base = {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      groupId,
      groupState: 'Dead',
      protocolType: '',
      protocolData: '',
      members: [],
      authorizedOperations: -2147483648,
    };
    const check = this.ctx.checkGroup(groupId);
    if (check !== ErrorCode.NONE) return { ...base, errorCode: check };
    const group = this.ctx.groups.get(groupId);
    if (!group || group.state === 'Dead') {
      return options.notFoundError
        ? {
            ...base,
            errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
            errorMessage: `Group ${groupId} not found.`,
          }
        : base;
    }
    const stable = group.state === 'Stable';
    return {
      ...base,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? group.metadataOf(m) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  /** Groups this coordinator serves; filters match Kafka's (states case-insensitively). */
  list(
    statesFilter: readonly string[],
    typesFilter: readonly string[],
  ): ListGroupsResponseListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.toLowerCase()));
    const types = new Set(typesFilter.map((s) => s.toLowerCase()));
    const listed: ListGroupsResponseListedGroup[] = [];
    for (const group of this.ctx.groups.values()) {
      if (group.state === 'Dead' || this.ctx.checkGroup(group.groupId) !== ErrorCode.NONE) continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('classic')) continue;
      listed.push({
        groupId: group.groupId,
        protocolType: group.protocolType ?? '',
        groupState: group.state,
        groupType: 'classic',
      });
    }
    for (const group of this.ctx.consumerGroups.values()) {
      if (this.ctx.checkGroup(group.groupId) !== ErrorCode.NONE) continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has('consumer')) continue;
      listed.push({
        groupId: group.groupId,
        protocolType: 'consumer',
        groupState: group.state,
        groupType: 'consumer',
      });
    }
    return listed;
  }

  /** Deletes Empty groups: tombstones for every offset and for the group itself. */
  async delete(groupId: string): Promise<number> {
    const check = this.ctx.checkGroup(groupId);
    if (check !== ErrorCode.NONE) return check;
    const consumerGroup = this.ctx.consumerGroups.get(groupId);
    if (consumerGroup) {
      if (consumerGroup.members.size > 0) return ErrorCode.NON_EMPTY_GROUP;
      this.consumerMembership.shutdown(consumerGroup);
      this.ctx.consumerGroups.delete(groupId);
      return this.ctx.write(groupId, [
        ...this.offsetTombstones(groupId),
        ...consumerGroupTombstones(consumerGroup),
      ]);
    }
    const group = this.ctx.groups.get(groupId);
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    const records = [...this.offsetTombstones(groupId), groupTombstone(groupId)];
    this.membership.shutdownGroup(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    return this.ctx.write(groupId, records);
  }

  /** Tombstones for every committed offset and every partition only a transaction holds. */
  private offsetTombstones(groupId: string): CoordinatorRecord[] {
    const records: CoordinatorRecord[] = [];
    const committed = this.ctx.offsets.topicsOf(groupId);
    for (const [topic, parts] of committed) {
      for (const partition of parts.keys())
        records.push(offsetTombstone(groupId, topic, partition));
    }
    for (const [topic, parts] of this.ctx.pending.partitionsOf(groupId)) {
      for (const partition of parts) {
        if (committed.get(topic)?.has(partition)) continue;
        records.push(offsetTombstone(groupId, topic, partition));
      }
    }
    return records;
  }
}
