// DescribeGroups v0-6. Member metadata and assignments are filled in only for Stable groups.
// A group that does not exist is described with state "Dead"; v6+ (KIP-1043) also set
// GROUP_ID_NOT_FOUND. v3+ may ask for the operations the principal may do on each group.
// Authorization: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED for it (as in Kafka).
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  authorizedOperations,
} from './support/authorized-operations.js';
import { allowedNames } from './support/authorize.js';
import {
  ErrorCode,
  createDescribeGroupsResponseDescribedGroup,
  type DescribeGroupsRequest,
  type DescribeGroupsResponse,
} from '../../protocol/index.js';
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
      const withOperations = ctx.apiVersion >= 3 && request.includeAuthorizedOperations;
      const describable = allowedNames(ctx, 'DESCRIBE', { type: 'GROUP', names: request.groups });
      return Promise.resolve({
        throttleTimeMs: 0,
        groups: request.groups.map((groupId) =>
          describable.has(groupId)
            ? {
                ...broker.groups.describeGroup(groupId, { notFoundError }),
                authorizedOperations: withOperations
                  ? authorizedOperations(ctx, { type: 'GROUP', name: groupId }, GROUP_OPERATIONS)
                  : AUTHORIZED_OPERATIONS_OMITTED,
              }
            : createDescribeGroupsResponseDescribedGroup({
                groupId,
                errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
                errorMessage: ctx.apiVersion >= 6 ? 'Group authorization failed.' : null,
                protocolType: '',
                protocolData: '',
                groupState: '',
                authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
              }),
        ),
      });
    },
  });
