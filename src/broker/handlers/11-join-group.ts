// JoinGroup v0-9. Notes:
// - v0 has no rebalance timeout (the session timeout serves as both); v1+ send it.
// - v4+ (KIP-394): a new dynamic member first gets MEMBER_ID_REQUIRED with its member id and
//   must join again with it; older clients are added at once.
// - v5+ carry group.instance.id (KIP-345 static membership).
// - v7+ return the protocol type and name; v8+ send a reason; v9+ (KIP-814) tell a static
//   leader rejoining a Stable group to skip the assignment.
// The request waits in the coordinator until the rebalance completes (see docs/groups.md).
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (as in Kafka).
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/index.js';
import { may } from './support/authorize.js';
import { ErrorCode, createJoinGroupResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const joinGroupHandler: HandlerFactory = (broker) =>
  defineHandler<JoinGroupRequest, JoinGroupResponse>({
    apiKey: 11,
    name: 'JoinGroup',
    minVersion: 0,
    maxVersion: 9,
    handle: async (request, ctx) => {
      const version = ctx.apiVersion;
      if (version === 0) request.rebalanceTimeoutMs = request.sessionTimeoutMs;
      const response = may(ctx, 'READ', { type: 'GROUP', name: request.groupId })
        ? await broker.groups.joinGroup(request, {
            clientId: ctx.clientId ?? '',
            clientHost: `/${ctx.session.clientHost}`,
            apiVersion: version,
          })
        : createJoinGroupResponse({
            errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
            memberId: request.memberId,
          });
      // Before v7 the protocol name is a plain string and the protocol type is not sent.
      if (version < 7)
        return { ...response, protocolType: null, protocolName: response.protocolName ?? '' };
      return response;
    },
  });
