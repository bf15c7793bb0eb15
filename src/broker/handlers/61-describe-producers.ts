// DescribeProducers v0 (flexible). The producer state of partitions this node leads, as the
// partition's producer-state manager holds it: epoch, last sequence and timestamp, the
// coordinator epoch of the last marker, and the first offset of the open transaction (-1
// when none): what `kafka-transactions.sh find-hanging` uses. A partition this node does not
// have gets UNKNOWN_TOPIC_OR_PARTITION.
// Authorization: READ on each topic, else TOPIC_AUTHORIZATION_FAILED (as in Kafka).
import {
  ErrorCode,
  type DescribeProducersRequest,
  type DescribeProducersResponse,
} from '../../protocol/index.js';
import { allowedTopics } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const describeProducersHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeProducersRequest, DescribeProducersResponse>({
    apiKey: 61,
    name: 'DescribeProducers',
    minVersion: 0,
    maxVersion: 0,
    handle: (request, ctx) => {
      const readable = allowedTopics(
        ctx,
        'READ',
        request.topics.map((t) => t.name),
      );
      const topics = request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          if (!readable.has(t.name)) {
            return {
              partitionIndex,
              errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
              errorMessage: null,
              activeProducers: [],
            };
          }
          const { partition: p, error } = broker.replicas.leaderPartition(t.name, partitionIndex);
          if (p === null) {
            return {
              partitionIndex,
              errorCode: ErrorCode[error],
              errorMessage: null,
              activeProducers: [],
            };
          }
          const activeProducers = [...p.producers.entries()].map((e) => ({
            producerId: e.producerId,
            producerEpoch: e.epoch,
            lastSequence: e.batches[e.batches.length - 1]?.lastSequence ?? -1,
            lastTimestamp: BigInt(e.lastTimestamp),
            coordinatorEpoch: e.coordinatorEpoch,
            currentTxnStartOffset: BigInt(e.currentTxnFirstOffset),
          }));
          return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
        }),
      }));
      return Promise.resolve({ throttleTimeMs: 0, topics });
    },
  });
