// InitProducerId v0-5 (v2+ flexible). v6 (KIP-939, two-phase commit) is still unstable in
// Kafka 4.3.1 and, as there, not advertised. Without a transactional id (idempotent producers)
// every call gets a new producer id with epoch 0, as Kafka does; ids come in blocks reserved in
// the metadata log, so none is ever reused. With one, the transaction coordinator answers: a
// new id gets a producer id and epoch 0, a known one an epoch bump that fences its previous
// instance (an open transaction of that instance is aborted first, and the call answers
// CONCURRENT_TRANSACTIONS until the abort is done; the client retries). An empty
// transactional id is INVALID_REQUEST; v0-3 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED.
// Authorization as Kafka's (KIP-679): a transactional id needs WRITE on it
// (TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent producer IDEMPOTENT_WRITE on the cluster
// or WRITE on some topic (CLUSTER_AUTHORIZATION_FAILED).
import {
  ErrorCode,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/index.js';
import { ProducerIdManager } from '../txn/index.js';
import { may, mayOnCluster, mayOnSome } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { coordinatorLoading, txnErrorCode } from './support/txn-errors.js';

const FENCED_SINCE_VERSION = 4;

export const initProducerIdHandler: HandlerFactory = (broker) => {
  const ids = new ProducerIdManager(() => broker.metadata.allocateProducerIdBlock());
  return defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
    apiKey: 22,
    name: 'InitProducerId',
    minVersion: 0,
    maxVersion: 5,
    handle: async (request, ctx) => {
      const answer = (errorCode: number, producerId = -1n, producerEpoch = -1) => ({
        throttleTimeMs: 0,
        errorCode,
        producerId,
        producerEpoch,
        ongoingTxnProducerId: -1n,
        ongoingTxnProducerEpoch: -1,
      });
      const transactionalId = request.transactionalId;
      if (transactionalId === null) {
        const idempotent =
          mayOnCluster(ctx, 'IDEMPOTENT_WRITE') || mayOnSome(ctx, 'WRITE', 'TOPIC');
        if (!idempotent) return answer(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
        return answer(ErrorCode.NONE, await ids.generate(), 0);
      }
      if (!may(ctx, 'WRITE', { type: 'TRANSACTIONAL_ID', name: transactionalId })) {
        return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      }
      if (transactionalId === '') return answer(ErrorCode.INVALID_REQUEST);
      const loading = coordinatorLoading(broker);
      if (loading !== null) return answer(ErrorCode[loading]);
      const result = await broker.transactions.initProducerId(transactionalId, {
        transactionTimeoutMs: request.transactionTimeoutMs,
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
      });
      return answer(
        txnErrorCode(result.error, ctx.apiVersion, FENCED_SINCE_VERSION),
        result.producerId,
        result.producerEpoch,
      );
    },
  });
};
