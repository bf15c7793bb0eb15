// LeaveGroup v0-5. v0-2 name one member (`memberId`) and answer with a top-level error;
// v3+ (KIP-345) name several members, each by member id and/or group.instance.id, answered
// one by one, and the group rebalances once for all of them. v5 adds a reason.
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const leaveGroupHandler: HandlerFactory = (broker) =>
  defineHandler<LeaveGroupRequest, LeaveGroupResponse>({
    apiKey: 13,
    name: 'LeaveGroup',
    minVersion: 0,
    maxVersion: 5,
    handle: (request, ctx) => Promise.resolve(broker.groups.leaveGroup(request, ctx.apiVersion)),
  });
