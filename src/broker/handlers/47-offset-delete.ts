// OffsetDelete v0 (KIP-496). Deletes committed offsets of a group; partitions of topics the
// group's members subscribe to get GROUP_SUBSCRIBED_TO_TOPIC, and a non-empty group whose
// subscriptions cannot be read (not the "consumer" protocol) gets NON_EMPTY_GROUP.
import type { OffsetDeleteRequest, OffsetDeleteResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const offsetDeleteHandler: HandlerFactory = (broker) =>
  defineHandler<OffsetDeleteRequest, OffsetDeleteResponse>({
    apiKey: 47,
    name: 'OffsetDelete',
    minVersion: 0,
    maxVersion: 0,
    handle: (request) => broker.groups.deleteOffsets(request),
  });
