// InitProducerId v0-5 (v2+ flexible). v6 (KIP-939, two-phase commit) is still unstable in
// Kafka 4.3.1 and, as there, not advertised. Without a transactional id (idempotent producers)
// every call gets a new producer id with epoch 0, as Kafka does; ids come in blocks reserved in the
// metadata log, so none is ever reused. A transactional id needs the transaction coordinator,
// which does not exist yet: those calls get COORDINATOR_NOT_AVAILABLE, so a transactional
// producer fails to initialise rather than seeming to work.
import {
  ErrorCode,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from '../../protocol/index.js';
import { ProducerIdManager } from '../txn/index.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';

export const initProducerIdHandler: HandlerFactory = (broker) => {
  const ids = new ProducerIdManager(() => broker.metadata.allocateProducerIdBlock());
  return defineHandler<InitProducerIdRequest, InitProducerIdResponse>({
    apiKey: 22,
    name: 'InitProducerId',
    minVersion: 0,
    maxVersion: 5,
    handle: async (request) => {
      const answer = (errorCode: number, producerId = -1n, producerEpoch = -1) => ({
        throttleTimeMs: 0,
        errorCode,
        producerId,
        producerEpoch,
        ongoingTxnProducerId: -1n,
        ongoingTxnProducerEpoch: -1,
      });
      if (request.transactionalId !== null) return answer(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      return answer(ErrorCode.NONE, await ids.generate(), 0);
    },
  });
};
