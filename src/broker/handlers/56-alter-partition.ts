// AlterPartition v2-3 (v2+ names topics by id; v3 gives each ISR member with its broker epoch,
// KIP-903). A partition leader asks the controller to change the ISR; the controller checks
// it against the image with the partition epoch as the fence (metadata/alter-partition.ts)
// and appends a PartitionChangeRecord, answered once replayed. On one node the broker is its
// own controller; in a cluster only the elected controller answers, the others say
// NOT_CONTROLLER (the leader's channel then asks again once the election has moved on).
import {
  ErrorCode,
  type AlterPartitionRequest,
  type AlterPartitionResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { notController } from './support/cluster-view.js';

export const alterPartitionHandler: HandlerFactory = (broker) =>
  defineHandler<AlterPartitionRequest, AlterPartitionResponse>({
    apiKey: 56,
    name: 'AlterPartition',
    minVersion: 2,
    maxVersion: 3,
    handle: (request) =>
      notController(broker)
        ? Promise.resolve({ throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, topics: [] })
        : broker.metadata.alterPartition(request),
  });
