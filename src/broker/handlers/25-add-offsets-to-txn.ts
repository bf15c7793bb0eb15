// AddOffsetsToTxn v0-4 (v3+ flexible). Before a transactional producer commits a group's
// offsets with TxnOffsetCommit, it adds the group's `__consumer_offsets` partition to its
// transaction, so the commit or abort marker reaches the offsets too. That partition is the
// group coordinator's (partitionForGroup); the topic is created here if it does not exist
// yet. Errors are the coordinator's, as for AddPartitionsToTxn (INVALID_PRODUCER_EPOCH
// instead of PRODUCER_FENCED before v2); an empty group id is INVALID_GROUP_ID.
// Authorization as Kafka's: WRITE on the transactional id (TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// READ on the group (GROUP_AUTHORIZATION_FAILED).
import {
  ErrorCode,
  type AddOffsetsToTxnRequest,
  type AddOffsetsToTxnResponse,
} from '../../protocol/index.js';
import { CONSUMER_OFFSETS_TOPIC, ensureConsumerOffsetsTopic } from '../group/index.js';
import { may } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { coordinatorLoading, txnErrorCode } from './support/txn-errors.js';

const FENCED_SINCE_VERSION = 2;

export const addOffsetsToTxnHandler: HandlerFactory = (broker) =>
  defineHandler<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>({
    apiKey: 25,
    name: 'AddOffsetsToTxn',
    minVersion: 0,
    maxVersion: 4,
    handle: async (request, ctx) => {
      const answer = (errorCode: number) => ({ throttleTimeMs: 0, errorCode });
      if (request.transactionalId === '') return answer(ErrorCode.INVALID_REQUEST);
      if (request.groupId === '') return answer(ErrorCode.INVALID_GROUP_ID);
      if (!may(ctx, 'WRITE', { type: 'TRANSACTIONAL_ID', name: request.transactionalId })) {
        return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      }
      if (!may(ctx, 'READ', { type: 'GROUP', name: request.groupId })) {
        return answer(ErrorCode.GROUP_AUTHORIZATION_FAILED);
      }
      const loading = coordinatorLoading(broker);
      if (loading !== null) return answer(ErrorCode[loading]);
      await ensureConsumerOffsetsTopic(broker);
      const error = await broker.transactions.addPartitions(request.transactionalId, {
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        partitions: [
          { topic: CONSUMER_OFFSETS_TOPIC, partition: broker.groups.partitionFor(request.groupId) },
        ],
      });
      return answer(txnErrorCode(error, ctx.apiVersion, FENCED_SINCE_VERSION));
    },
  });
