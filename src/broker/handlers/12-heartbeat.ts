// Heartbeat v0-4. v3+ carry group.instance.id; v4 is the first flexible version. The answer
// is only an error code: REBALANCE_IN_PROGRESS tells the member to rejoin.
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const heartbeatHandler: HandlerFactory = (broker) =>
  defineHandler<HeartbeatRequest, HeartbeatResponse>({
    apiKey: 12,
    name: 'Heartbeat',
    minVersion: 0,
    maxVersion: 4,
    handle: (request) =>
      Promise.resolve({ throttleTimeMs: 0, errorCode: broker.groups.heartbeat(request) }),
  });
