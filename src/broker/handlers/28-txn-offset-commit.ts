// TxnOffsetCommit v0-5: a transactional producer commits a group's offsets inside its
// transaction (after AddOffsetsToTxn put the group's __consumer_offsets partition in it).
// The offsets become visible to OffsetFetch only when the transaction commits. Notes:
// - v2+ carry the committed leader epoch; v3+ (KIP-447) the group's generation, member id and
//   group.instance.id, checked like an OffsetCommit's; v3+ are flexible.
// - v5 is the KIP-890 part 2 version; this broker does not enable transaction.version 2, so
//   it answers v5 as v4 (the batch is verified against the transaction either way).
// - Before v2, clients do not expect COORDINATOR_LOAD_IN_PROGRESS: they get
//   COORDINATOR_NOT_AVAILABLE instead, as Kafka answers them.
// - Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION and are not written.
// Authorization as Kafka's: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// READ on the group (GROUP_AUTHORIZATION_FAILED), READ on each topic (TOPIC_AUTHORIZATION_FAILED).
import {
  ErrorCode,
  type TxnOffsetCommitRequest,
  type TxnOffsetCommitResponse,
} from '../../protocol/index.js';
import { allowedTopics, may } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { knownPartitions, partitionErrors } from './support/offset-commit-partitions.js';

export const txnOffsetCommitHandler: HandlerFactory = (broker) =>
  defineHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse>({
    apiKey: 28,
    name: 'TxnOffsetCommit',
    minVersion: 0,
    maxVersion: 5,
    handle: async (request, ctx) => {
      const refusal = !may(ctx, 'WRITE', {
        type: 'TRANSACTIONAL_ID',
        name: request.transactionalId,
      })
        ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : !may(ctx, 'READ', { type: 'GROUP', name: request.groupId })
          ? ErrorCode.GROUP_AUTHORIZATION_FAILED
          : null;
      const readable =
        refusal === null
          ? allowedTopics(
              ctx,
              'READ',
              request.topics.map((t) => t.name),
            )
          : new Set<string>();
      const authorized = { ...request, topics: request.topics.filter((t) => readable.has(t.name)) };
      const accepted = knownPartitions(broker.metadata.image, authorized);
      const committed = partitionErrors(
        accepted.topics.length > 0
          ? await broker.groups.commitTransactionalOffsets(accepted)
          : null,
      );
      const errorOf = (topic: string, partition: number): number =>
        refusal ??
        (readable.has(topic) ? committed(topic, partition) : ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      const compatible = (code: number): number =>
        ctx.apiVersion < 2 && code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
          ? ErrorCode.COORDINATOR_NOT_AVAILABLE
          : code;
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: compatible(errorOf(t.name, p.partitionIndex)),
          })),
        })),
      };
    },
  });
