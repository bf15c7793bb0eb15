// DeleteGroups v0-2. Only Empty groups can be deleted (NON_EMPTY_GROUP otherwise); deleting
// writes tombstones for the group's offsets and metadata. v2 is the first flexible version.
// Authorization: DELETE on each group, else GROUP_AUTHORIZATION_FAILED for it (as in Kafka).
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/index.js';
import { allowedNames } from './support/authorize.js';
import { ErrorCode } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const deleteGroupsHandler: HandlerFactory = (broker) =>
  defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
    apiKey: 42,
    name: 'DeleteGroups',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request, ctx) => {
      const results = [];
      const deletable = allowedNames(ctx, 'DELETE', { type: 'GROUP', names: request.groupsNames });
      for (const groupId of request.groupsNames) {
        const errorCode = deletable.has(groupId)
          ? await broker.groups.deleteGroup(groupId)
          : ErrorCode.GROUP_AUTHORIZATION_FAILED;
        results.push({ groupId, errorCode });
      }
      return { throttleTimeMs: 0, results };
    },
  });
