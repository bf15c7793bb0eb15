// AlterPartition v2-3 (v2+ names topics by id; v3 gives each ISR member with its broker epoch,
// KIP-903). A partition leader asks the controller to change the ISR; the controller checks
// it against the image with the partition epoch as the fence (metadata/alter-partition.ts)
// and appends a PartitionChangeRecord, answered once replayed. Rivulet brokers carry the
// controller's metadata writer, so any broker that writes the metadata log can answer it;
// in a cluster, which broker is the active controller is the election's business.
import type { AlterPartitionRequest, AlterPartitionResponse } from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const alterPartitionHandler: HandlerFactory = (broker) =>
  defineHandler<AlterPartitionRequest, AlterPartitionResponse>({
    apiKey: 56,
    name: 'AlterPartition',
    minVersion: 2,
    maxVersion: 3,
    handle: (request) => broker.metadata.alterPartition(request),
  });
