// ConsumerGroupDescribe v0-1 (KIP-848): epochs, assignor, and each member's current and
// target assignment. v1 adds the member type. Unknown groups get GROUP_ID_NOT_FOUND.
// Authorization: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED for it (as in Kafka).
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
} from '../../protocol/index.js';
import { allowedNames } from './support/authorize.js';
import {
  ErrorCode,
  createConsumerGroupDescribeResponseDescribedGroup,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const consumerGroupDescribeHandler: HandlerFactory = (broker) =>
  defineHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse>({
    apiKey: 69,
    name: 'ConsumerGroupDescribe',
    minVersion: 0,
    maxVersion: 1,
    handle: (request, ctx) => {
      const describable = allowedNames(ctx, 'DESCRIBE', { type: 'GROUP', names: request.groupIds });
      return Promise.resolve({
        throttleTimeMs: 0,
        groups: request.groupIds.map((groupId) =>
          describable.has(groupId)
            ? broker.groups.consumerGroupDescribe(groupId)
            : createConsumerGroupDescribeResponseDescribedGroup({
                groupId,
                errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
                errorMessage: 'Group authorization failed.',
              }),
        ),
      });
    },
  });
