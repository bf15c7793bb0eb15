// EndTxn v0-4 (v3+ flexible). Commits or aborts the producer's transaction: the coordinator
// persists PrepareCommit/PrepareAbort, writes the markers to every partition of the
// transaction (and a `__consumer_offsets` partition added by AddOffsetsToTxn), then persists
// CompleteCommit/CompleteAbort. The answer comes once the prepared state is durable — a crash
// after it still ends committed (the markers are written when the coordinator loads). A retry
// of a finished EndTxn succeeds; ending a transaction that is not ongoing is INVALID_TXN_STATE;
// while its markers are being written, CONCURRENT_TRANSACTIONS. v5 (KIP-890 part 2, an epoch
// bump per transaction) is not advertised: ApiVersions finalises no transaction.version.
// Authorization: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import {
  ErrorCode,
  createEndTxnResponse,
  type EndTxnRequest,
  type EndTxnResponse,
} from '../../protocol/index.js';
import { may } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { coordinatorLoading, txnErrorCode } from './support/txn-errors.js';

const FENCED_SINCE_VERSION = 2;

export const endTxnHandler: HandlerFactory = (broker) =>
  defineHandler<EndTxnRequest, EndTxnResponse>({
    apiKey: 26,
    name: 'EndTxn',
    minVersion: 0,
    maxVersion: 4,
    handle: async (request, ctx) => {
      const answer = (errorCode: number) => createEndTxnResponse({ errorCode });
      if (request.transactionalId === '') return answer(ErrorCode.INVALID_REQUEST);
      if (!may(ctx, 'WRITE', { type: 'TRANSACTIONAL_ID', name: request.transactionalId })) {
        return answer(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      }
      const loading = coordinatorLoading(broker);
      if (loading !== null) return answer(ErrorCode[loading]);
      const error = await broker.transactions.endTxn(request.transactionalId, {
        producerId: request.producerId,
        producerEpoch: request.producerEpoch,
        commit: request.committed,
      });
      return answer(txnErrorCode(error, ctx.apiVersion, FENCED_SINCE_VERSION));
    },
  });
