// ListPartitionReassignments v0 (KIP-455): the partitions with a reassignment under way, with
// their replicas and the replicas being added and removed, read from the active controller's
// image (another broker answers NOT_CONTROLLER). Null topics list every partition.
// Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED (as in Kafka).
import { isReassigning, type PartitionImage } from '../../metadata/index.js';
import {
  ErrorCode,
  type ListPartitionReassignmentsRequest,
  type ListPartitionReassignmentsResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { mayOnCluster } from './support/authorize.js';
import { notController } from './support/cluster-view.js';

type Response = ListPartitionReassignmentsResponse;

export const listPartitionReassignmentsHandler: HandlerFactory = (broker) =>
  defineHandler<ListPartitionReassignmentsRequest, Response>({
    apiKey: 46,
    name: 'ListPartitionReassignments',
    minVersion: 0,
    maxVersion: 0,
    handle: (request, ctx) => {
      const failed = (errorCode: number, errorMessage: string): Promise<Response> =>
        Promise.resolve({ throttleTimeMs: 0, errorCode, errorMessage, topics: [] });
      if (!mayOnCluster(ctx, 'DESCRIBE')) {
        return failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, 'Cluster authorization failed.');
      }
      if (notController(broker)) {
        return failed(ErrorCode.NOT_CONTROLLER, 'This is not the active controller.');
      }
      const image = broker.metadata.image;
      const wanted =
        request.topics ??
        image
          .topics()
          .map((t) => ({ name: t.name, partitionIndexes: t.partitions.map((_, i) => i) }));
      const topics: Response['topics'] = [];
      for (const w of wanted) {
        const partitions = (image.topic(w.name)?.partitions ?? [])
          .filter((p): p is PartitionImage => p !== undefined)
          .filter((p) => w.partitionIndexes.includes(p.partitionId) && isReassigning(p))
          .map((p) => ({
            partitionIndex: p.partitionId,
            replicas: [...p.replicas],
            addingReplicas: [...(p.addingReplicas ?? [])],
            removingReplicas: [...(p.removingReplicas ?? [])],
          }));
        if (partitions.length > 0) topics.push({ name: w.name, partitions });
      }
      return Promise.resolve({
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        topics,
      });
    },
  });
