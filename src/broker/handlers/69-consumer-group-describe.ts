// ConsumerGroupDescribe v0-1 (KIP-848): epochs, assignor, and each member's current and
// target assignment. v1 adds the member type. Unknown groups get GROUP_ID_NOT_FOUND.
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const consumerGroupDescribeHandler: HandlerFactory = (broker) =>
  defineHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>({
    apiKey: 69,
    name: 'ConsumerGroupDescribe',
    minVersion: 0,
    maxVersion: 1,
    handle: (request) =>
      Promise.resolve({
        throttleTimeMs: 0,
        groups: request.groupIds.map((groupId) => broker.groups.consumerGroupDescribe(groupId)),
      }),
  });
