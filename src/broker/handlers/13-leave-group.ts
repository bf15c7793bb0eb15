// LeaveGroup v0-5. v0-2 name one member (`memberId`) and answer with a top-level error;
// v3+ (KIP-345) name several members, each by member id and/or group.instance.id, answered
// one by one, and the group rebalances once for all of them. v5 adds a reason.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (as in Kafka).
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/index.js';
import { may } from './support/authorize.js';
import { ErrorCode, createLeaveGroupResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const leaveGroupHandler: HandlerFactory = (broker) =>
  defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
    apiKey: 13,
    name: 'LeaveGroup',
    minVersion: 0,
    maxVersion: 5,
    handle: (request, ctx) =>
      Promise.resolve(
        may(ctx, 'READ', { type: 'GROUP', name: request.groupId })
          ? broker.groups.leaveGroup(request, ctx.apiVersion)
          : createLeaveGroupResponse({ errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED }),
      ),
  });
