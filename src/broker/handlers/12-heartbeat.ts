// Heartbeat v0-4. v3+ carry group.instance.id; v4 is the first flexible version. The answer
// is only an error code: REBALANCE_IN_PROGRESS tells the member to rejoin.
// Authorization: READ on the group, else GROUP_AUTHORIZATION_FAILED (as in Kafka).
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/index.js';
import { may } from './support/authorize.js';
import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const heartbeatHandler: HandlerFactory = (broker) =>
  defineHandler<HeartbeatRequest, HeartbeatResponse>({
    apiKey: 12,
    name: 'Heartbeat',
    minVersion: 0,
    maxVersion: 4,
    handle: (request, ctx) =>
      Promise.resolve({
        throttleTimeMs: 0,
        errorCode: may(ctx, 'READ', { type: 'GROUP', name: request.groupId })
          ? broker.groups.heartbeat(request)
          : ErrorCode.GROUP_AUTHORIZATION_FAILED,
      }),
  });
