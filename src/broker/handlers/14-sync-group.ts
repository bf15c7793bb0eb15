// SyncGroup v0-5. The leader sends every member's assignment; the others send none and wait
// until the leader's arrives and is written. v3+ carry group.instance.id; v5+ send the
// protocol type and name, which must match the group's (INCONSISTENT_GROUP_PROTOCOL).
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const syncGroupHandler: HandlerFactory = (broker) =>
  defineHandler<SyncGroupRequest, SyncGroupResponse>({
    apiKey: 14,
    name: 'SyncGroup',
    minVersion: 0,
    maxVersion: 5,
    handle: (request, ctx) =>
      broker.groups.syncGroup(request, {
        clientId: ctx.clientId ?? '',
        clientHost: `/${ctx.session.clientHost}`,
        apiVersion: ctx.apiVersion,
      }),
  });
