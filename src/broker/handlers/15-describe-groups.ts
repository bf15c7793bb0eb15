// DescribeGroups v0-6. Member metadata and assignments are filled in only for Stable groups.
// A group that does not exist is described with state "Dead"; v6+ (KIP-1043) also set
// GROUP_ID_NOT_FOUND. v3+ may ask for authorized operations (all allowed: no ACLs yet).
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/index.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './support/authorized-operations.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

/** Read, Describe, Delete (KIP-430 bit positions), the operations a group supports. */
const GROUP_OPERATIONS = (1 << 3) | (1 << 8) | (1 << 6);

export const describeGroupsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeGroupsRequest, DescribeGroupsResponse>({
    apiKey: 15,
    name: 'DescribeGroups',
    minVersion: 0,
    maxVersion: 6,
    handle: (request, ctx) => {
      const notFoundError = ctx.apiVersion >= 6;
      const operations =
        ctx.apiVersion >= 3 && request.includeAuthorizedOperations
          ? GROUP_OPERATIONS
          : AUTHORIZED_OPERATIONS_OMITTED;
      return Promise.resolve({
        throttleTimeMs: 0,
        groups: request.groups.map((groupId) => ({
          ...broker.groups.describeGroup(groupId, { notFoundError }),
          authorizedOperations: operations,
        })),
      });
    },
  });
