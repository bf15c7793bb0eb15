// ListGroups v0-5. v4+ may filter by state (KIP-518) and return each group's state; v5+
// may filter by type (KIP-848: "classic", "consumer"; every group here is classic) and return it.
import {
  ErrorCode,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const listGroupsHandler: HandlerFactory = (broker) =>
  defineHandler<ListGroupsRequest, ListGroupsResponse>({
    apiKey: 16,
    name: 'ListGroups',
    minVersion: 0,
    maxVersion: 5,
    handle: (request) =>
      Promise.resolve({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        groups: broker.groups.listGroups(request.statesFilter, request.typesFilter),
      }),
  });
