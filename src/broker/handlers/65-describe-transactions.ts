// DescribeTransactions v0 (flexible): the coordinator's view of each transactional id — state
// (Kafka's names: Empty, Ongoing, PrepareCommit, …), timeout, start time, producer id and
// epoch, and the partitions of the current transaction. An unknown id gets
// TRANSACTIONAL_ID_NOT_FOUND; every id gets COORDINATOR_LOAD_IN_PROGRESS while loading, and
// an id of a __transaction_state partition this node does not hold NOT_COORDINATOR.
// Authorization: DESCRIBE on each transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import {
  ErrorCode,
  type DescribeTransactionsRequest,
  type DescribeTransactionsResponse,
  type DescribeTransactionsResponseTransactionState,
} from '../../protocol/index.js';
import { TRANSACTION_STATE_TOPIC, TXN_STATE_NAMES } from '../txn/index.js';
import { allowedNames } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { coordinatorLoading } from './support/txn-errors.js';

export const describeTransactionsHandler: HandlerFactory = (broker) =>
  defineHandler<DescribeTransactionsRequest, DescribeTransactionsResponse>({
    apiKey: 65,
    name: 'DescribeTransactions',
    minVersion: 0,
    maxVersion: 0,
    handle: async (request, ctx) => {
      const loading = coordinatorLoading(broker);
      const describable = allowedNames(ctx, 'DESCRIBE', {
        type: 'TRANSACTIONAL_ID',
        names: request.transactionalIds,
      });
      const describe = (transactionalId: string): DescribeTransactionsResponseTransactionState => {
        const fail = (errorCode: number) => ({
          errorCode,
          transactionalId,
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: -1n,
          producerId: -1n,
          producerEpoch: -1,
          topics: [],
        });
        if (!describable.has(transactionalId)) {
          return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        }
        if (loading !== null) return fail(ErrorCode[loading]);
        // An id of a partition this node does not hold (once the topic exists to hold it).
        const placed = broker.metadata.image.topic(TRANSACTION_STATE_TOPIC) !== undefined;
        const refused = placed ? broker.transactions.coordinatorError(transactionalId) : null;
        if (refused !== null) return fail(ErrorCode[refused]);
        const m = broker.transactions.state.get(transactionalId);
        if (m === undefined) return fail(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: TXN_STATE_NAMES[m.state],
          transactionTimeoutMs: m.transactionTimeoutMs,
          transactionStartTimeMs: BigInt(m.startTimestampMs),
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          topics: [...m.partitions].map(([topic, partitions]) => ({ topic, partitions })),
        };
      };
      return { throttleTimeMs: 0, transactionStates: request.transactionalIds.map(describe) };
    },
  });
