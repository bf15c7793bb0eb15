// ListTransactions v0-2 (flexible): the transactional ids this coordinator knows, with their
// producer id and state, filtered by state names (unknown names are echoed back in
// `unknownStateFilters`), producer ids, v1+ a minimum running time (`durationFilter` ms, < 0:
// none; measured from the transaction's start timestamp, -1 for ids that never started one,
// as Kafka does) and v2+ a regular expression the whole id must match
// (INVALID_REGULAR_EXPRESSION when it does not compile, or cannot run in linear time:
// backreferences and lookarounds, which RE2 — what Kafka uses — has no syntax for either).
// Authorization: only the transactional ids the principal may DESCRIBE are listed (as in Kafka).
import {
  ErrorCode,
  type ListTransactionsRequest,
  type ListTransactionsResponse,
} from '../../protocol/index.js';
import { compileLinearRegExp } from '../../util/index.js';
import { TXN_STATE_NAMES, type TxnMetadata } from '../txn/index.js';
import { allowedNames } from './support/authorize.js';
import { defineHandler } from './handler-registry.js';
import type { HandlerFactory } from './handler-types.js';
import { coordinatorLoading } from './support/txn-errors.js';

const STATE_NAMES = new Set(Object.values(TXN_STATE_NAMES));

export const listTransactionsHandler: HandlerFactory = (broker) =>
  defineHandler<ListTransactionsRequest, ListTransactionsResponse>({
    apiKey: 66,
    name: 'ListTransactions',
    minVersion: 0,
    maxVersion: 2,
    handle: async (request, ctx) => {
      const answer = (errorCode: number, unknownStateFilters: string[] = []) => ({
        throttleTimeMs: 0,
        errorCode,
        unknownStateFilters,
        transactionStates: [],
      });
      const loading = coordinatorLoading(broker);
      if (loading !== null) return answer(ErrorCode[loading]);
      const pattern = compile(request.transactionalIdPattern);
      if (pattern === undefined) return answer(ErrorCode.INVALID_REGULAR_EXPRESSION);
      const states = new Set(request.stateFilters);
      const unknownStateFilters = request.stateFilters.filter((s) => !STATE_NAMES.has(s));
      const producerIds = new Set(request.producerIdFilters);
      const now = broker.environment.clock.nowMs();
      const durationMs = Number(request.durationFilter);
      const keep = (m: TxnMetadata): boolean =>
        (states.size === 0 || states.has(TXN_STATE_NAMES[m.state])) &&
        (producerIds.size === 0 || producerIds.has(m.producerId)) &&
        (durationMs < 0 || now - m.startTimestampMs > durationMs) &&
        (pattern === null || pattern.test(m.transactionalId));
      const kept = [...broker.transactions.state.all()].filter(keep);
      const describable = allowedNames(ctx, 'DESCRIBE', {
        type: 'TRANSACTIONAL_ID',
        names: kept.map((m) => m.transactionalId),
      });
      const listed = kept.filter((m) => describable.has(m.transactionalId));
      const transactionStates = listed.map((m) => ({
        transactionalId: m.transactionalId,
        producerId: m.producerId,
        transactionState: TXN_STATE_NAMES[m.state],
      }));
      return { ...answer(ErrorCode.NONE, unknownStateFilters), transactionStates };
    },
  });

/** null: no filter; undefined: not a valid expression. The whole id must match, as in Java. */
function compile(source: string | null): RegExp | null | undefined {
  if (source === null || source === '') return null;
  // Linear time: a filter from the network must not be able to stall the broker.
  return compileLinearRegExp(source) ?? undefined;
}
