// SyncGroup v0-5. The leader sends every member's assignment; the others send none and wait
// until the leader's arrives and is written. v3+ carry group.instance.id; v5+ send the
// protocol type and name, which must match the group's (INCONSISTENT_GROUP_PROTOCOL).
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (as in Kafka).
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/index.js';
import { may } from './support/authorize.js';
import { ErrorCode, createSyncGroupResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const syncGroupHandler: HandlerFactory = (broker) =>
  defineHandler<SyncGroupRequest, SyncGroupResponse>({
    apiKey: 14,
    name: 'SyncGroup',
    minVersion: 0,
    maxVersion: 5,
    handle: (request, ctx) =>
      may(ctx, 'READ', { type: 'GROUP', name: request.groupId })
        ? broker.groups.syncGroup(request, {
            clientId: ctx.clientId ?? '',
            clientHost: `/${ctx.session.clientHost}`,
            apiVersion: ctx.apiVersion,
          })
        : Promise.resolve(
            createSyncGroupResponse({
              errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
              protocolType: request.protocolType,
              protocolName: request.protocolName,
              assignment: Buffer.alloc(0),
            }),
          ),
  });
