// AlterPartitionReassignments v0-1 (KIP-455; v1 adds allowReplicationFactorChange, KIP-860).
// The active controller turns each partition's target replicas into a PartitionChangeRecord
// (metadata/partition-reassignment.ts: adding and removing replicas, completed later by the
// ISR change that brings every target replica in sync) and answers once they are replayed;
// null replicas cancel an ongoing reassignment. Another broker answers NOT_CONTROLLER.
// Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED (as in Kafka).
import { reassignPartition, type MetadataRecord } from '../../metadata/index.js';
import {
  ErrorCode,
  type AlterPartitionReassignmentsRequest,
  type AlterPartitionReassignmentsResponse,
} from '../../protocol/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { mayOnCluster } from './support/authorize.js';
import { notController } from './support/cluster-view.js';
import { TIMED_OUT, withTimeout } from './support/timeout.js';

type Response = AlterPartitionReassignmentsResponse;
type PartitionAnswer = Response['responses'][number]['partitions'][number];

export const alterPartitionReassignmentsHandler: HandlerFactory = (broker) =>
  defineHandler<AlterPartitionReassignmentsRequest, Response>({
    apiKey: 45,
    name: 'AlterPartitionReassignments',
    minVersion: 0,
    maxVersion: 1,
    handle: async (request, ctx) => {
      const allowRf = request.allowReplicationFactorChange;
      const everyPartition = (errorCode: number, errorMessage: string | null): Response => ({
        throttleTimeMs: 0,
        allowReplicationFactorChange: allowRf,
        errorCode,
        errorMessage,
        responses: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode,
            errorMessage,
          })),
        })),
      });
      if (!mayOnCluster(ctx, 'ALTER')) {
        return everyPartition(
          ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
          'Cluster authorization failed.',
        );
      }
      if (notController(broker)) {
        return everyPartition(ErrorCode.NOT_CONTROLLER, 'This is not the active controller.');
      }
      const op = broker.metadata.commitWithResult((image) => {
        const records: MetadataRecord[] = [];
        const responses = request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((q): PartitionAnswer => {
            const topic = image.topic(t.name);
            const p = topic?.partitions[q.partitionIndex];
            if (topic === undefined || p === undefined) {
              return {
                partitionIndex: q.partitionIndex,
                errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                errorMessage: 'This server does not host this topic-partition.',
              };
            }
            const outcome = reassignPartition(image, topic, p, q.replicas, {
              allowReplicationFactorChange: allowRf,
            });
            if (outcome.record !== undefined) records.push(outcome.record);
            return {
              partitionIndex: q.partitionIndex,
              errorCode: outcome.errorCode,
              errorMessage: outcome.errorMessage,
            };
          }),
        }));
        return { records, result: responses };
      });
      const outcome = await withTimeout(op, request.timeoutMs, broker.environment.timers);
      if (outcome === TIMED_OUT) {
        return everyPartition(ErrorCode.REQUEST_TIMED_OUT, 'Timed out.');
      }
      return {
        throttleTimeMs: 0,
        allowReplicationFactorChange: allowRf,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        responses: outcome,
      };
    },
  });
