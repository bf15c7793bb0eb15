// DeleteGroups v0-2. Only Empty groups can be deleted (NON_EMPTY_GROUP otherwise); deleting
// writes tombstones for the group's offsets and metadata. v2 is the first flexible version.
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const deleteGroupsHandler: HandlerFactory = (broker) =>
  defineHandler<DeleteGroupsRequest, DeleteGroupsResponse>({
    apiKey: 42,
    name: 'DeleteGroups',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request) => {
      const results = [];
      for (const groupId of request.groupsNames) {
        results.push({ groupId, errorCode: await broker.groups.deleteGroup(groupId) });
      }
      return { throttleTimeMs: 0, results };
    },
  });
