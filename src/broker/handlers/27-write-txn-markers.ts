// WriteTxnMarkers v1-2 (v1+ flexible; v0 was removed in Kafka 4). Sent by a transaction
// coordinator to each partition leader to end a transaction there: a COMMIT or ABORT control
// batch is appended, the producer's open transaction ends (the last stable offset moves on)
// and an abort is recorded in the partition's aborted-transaction index. Errors are per
// partition: a marker from an older producer epoch gets INVALID_PRODUCER_EPOCH, one from an
// older coordinator epoch TRANSACTION_COORDINATOR_FENCED. Markers for a producer the
// partition never saw are written anyway, as Kafka does (they end nothing). They go through
// the broker's marker channel, so its listeners hear of them as of the coordinator's own.
// Authorization: CLUSTER_ACTION on the cluster (brokers only), else every partition is
// CLUSTER_AUTHORIZATION_FAILED, as in Kafka.
import {
  ErrorCode,
  type WriteTxnMarkersRequest,
  type WriteTxnMarkersResponse,
} from '../../protocol/index.js';
import { mayOnCluster } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const writeTxnMarkersHandler: HandlerFactory = (broker) =>
  defineHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse>({
    apiKey: 27,
    name: 'WriteTxnMarkers',
    minVersion: 1,
    maxVersion: 2,
    handle: async (request, ctx) => {
      if (!mayOnCluster(ctx, 'CLUSTER_ACTION')) return refused(request);
      const markers = await Promise.all(
        request.markers.map(async (m) => ({
          producerId: m.producerId,
          topics: await Promise.all(
            m.topics.map(async (t) => ({
              name: t.name,
              partitions: await Promise.all(
                t.partitionIndexes.map(async (partitionIndex) => {
                  const { error } = await broker.txnMarkers.writeOne(t.name, partitionIndex, {
                    producerId: m.producerId,
                    producerEpoch: m.producerEpoch,
                    coordinatorEpoch: m.coordinatorEpoch,
                    commit: m.transactionResult,
                  });
                  return {
                    partitionIndex,
                    errorCode: error === null ? ErrorCode.NONE : ErrorCode[error],
                  };
                }),
              ),
            })),
          ),
        })),
      );
      return { markers };
    },
  });

/** Every partition of every marker refused. */
function refused(request: WriteTxnMarkersRequest): WriteTxnMarkersResponse {
  return {
    markers: request.markers.map((m) => ({
      producerId: m.producerId,
      topics: m.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => ({
          partitionIndex,
          errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED,
        })),
      })),
    })),
  };
}
