// DescribeTopicPartitions v0 (KIP-966; what the Java admin's describeTopics uses on 3.8+).
// Notes:
// - An empty topic list means every topic. Topics are answered in name order; unknown ones
//   get UNKNOWN_TOPIC_OR_PARTITION, bad names INVALID_TOPIC_EXCEPTION.
// - At most response_partition_limit partitions per response (capped at 2000, Kafka's
//   max.request.partition.size.limit); when more remain, next_cursor names the first one left
//   out and the client asks again with it as the cursor.
// - There is one replica per partition here, so eligible leader replica lists are empty.
// Authorization as Kafka's: DESCRIBE on each topic (TOPIC_AUTHORIZATION_FAILED when named, left
// out when listing all); authorized operations are the principal's.
import {
  ErrorCode,
  ZERO_UUID,
  type DescribeTopicPartitionsRequest,
  type DescribeTopicPartitionsResponse,
  type DescribeTopicPartitionsResponseDescribeTopicPartitionsResponseTopic as ResultTopic,
} from '../../protocol/index.js';
import { isInternalTopic, topicNameProblem, type TopicImage } from '../../metadata/index.js';
import {
  AUTHORIZED_OPERATIONS_OMITTED,
  TOPIC_OPERATIONS,
  authorizedOperations,
} from './support/authorized-operations.js';
import { allowedTopics } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

/** Kafka's max.request.partition.size.limit default. */
export const MAX_PARTITIONS_PER_RESPONSE = 2000;

export const describeTopicPartitionsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse>({
    apiKey: 75,
    name: 'DescribeTopicPartitions',
    minVersion: 0,
    maxVersion: 0,
    handle: (request, ctx) => {
      const image = broker.metadata.image;
      const cursor = request.cursor;
      const listAll = request.topics.length === 0;
      const asked = listAll
        ? image.topics().map((t) => t.name)
        : [...new Set(request.topics.map((t) => t.name))].sort();
      const describable = allowedTopics(ctx, 'DESCRIBE', asked);
      // Listing every topic leaves out the refused ones; named ones are answered refused.
      const names = listAll ? asked.filter((n) => describable.has(n)) : asked;
      let budget = Math.min(
        Math.max(request.responsePartitionLimit, 1),
        MAX_PARTITIONS_PER_RESPONSE,
      );
      const topics: ResultTopic[] = [];
      let nextCursor: DescribeTopicPartitionsResponse['nextCursor'] = null;
      for (const name of names) {
        if (cursor !== null && name < cursor.topicName) continue;
        if (!describable.has(name)) {
          topics.push(errorTopic(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
          continue;
        }
        const problem = topicNameProblem(name);
        const topic = problem === null ? image.topic(name) : undefined;
        if (topic === undefined) {
          const errorCode =
            problem === null
              ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
              : ErrorCode.INVALID_TOPIC_EXCEPTION;
          topics.push(errorTopic(name, errorCode));
          continue;
        }
        if (budget === 0) {
          nextCursor = { topicName: name, partitionIndex: 0 };
          break;
        }
        const first = cursor !== null && name === cursor.topicName ? cursor.partitionIndex : 0;
        const last = Math.min(topic.partitions.length, first + budget);
        const described = describe(topic, first, last);
        described.topicAuthorizedOperations = authorizedOperations(
          ctx,
          { type: 'TOPIC', name },
          TOPIC_OPERATIONS,
        );
        topics.push(described);
        budget -= Math.max(0, last - first);
        if (last < topic.partitions.length) {
          nextCursor = { topicName: name, partitionIndex: last };
          break;
        }
      }
      return Promise.resolve({ throttleTimeMs: 0, topics, nextCursor });
    },
  });

function describe(topic: TopicImage, first: number, last: number): ResultTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.slice(first, last).map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.partitionId,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      eligibleLeaderReplicas: [],
      lastKnownElr: [],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: TOPIC_OPERATIONS,
  };
}

function errorTopic(name: string, errorCode: number): ResultTopic {
  return {
    errorCode,
    name,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}
