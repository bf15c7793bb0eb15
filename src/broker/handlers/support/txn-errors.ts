// Error codes shared by the transaction coordinator's APIs.
import { ErrorCode } from '../../../protocol/index.js';
import type { ErrorName } from '../../../protocol/errors.js';
import type { BrokerContext } from '../../broker-context.js';

/**
 * The code of a coordinator answer for a request of `apiVersion`. PRODUCER_FENCED (KIP-588)
 * is understood from `fencedSinceVersion` on; older clients get INVALID_PRODUCER_EPOCH, which
 * they handle the same way, as Kafka answers them.
 */
export function txnErrorCode(
  error: ErrorName | null,
  apiVersion: number,
  fencedSinceVersion: number,
): number {
  if (error === null) return ErrorCode.NONE;
  if (error === 'PRODUCER_FENCED' && apiVersion < fencedSinceVersion) {
    return ErrorCode.INVALID_PRODUCER_EPOCH;
  }
  return ErrorCode[error];
}

/** COORDINATOR_LOAD_IN_PROGRESS until __transaction_state has been replayed. */
export function coordinatorLoading(broker: BrokerContext): ErrorName | null {
  return broker.transactions.loaded ? null : 'COORDINATOR_LOAD_IN_PROGRESS';
}
