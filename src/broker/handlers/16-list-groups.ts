// ListGroups v0-5. v4+ may filter by state (KIP-518) and return each group's state; v5+
// may filter by type (KIP-848: "classic", "consumer"; every group here is classic) and return it.
// Authorization: DESCRIBE on the cluster lists every group; otherwise only the groups the
// principal may DESCRIBE are listed (as in Kafka).
import {
  ErrorCode,
  type ListGroupsRequest,
  type ListGroupsResponse,
} from '../../protocol/index.js';
import { allowedNames, mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const listGroupsHandler: HandlerFactory = (broker) =>
  defineHandler<ListGroupsRequest, ListGroupsResponse>({
    apiKey: 16,
    name: 'ListGroups',
    minVersion: 0,
    maxVersion: 5,
    handle: (request, ctx) => {
      const groups = broker.groups.listGroups(request.statesFilter, request.typesFilter);
      const visible = mayOnCluster(ctx, 'DESCRIBE')
        ? groups
        : (() => {
            const allowed = allowedNames(ctx, 'DESCRIBE', {
              type: 'GROUP',
              names: groups.map((g) => g.groupId),
            });
            return groups.filter((g) => allowed.has(g.groupId));
          })();
      return Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: visible });
    },
  });
