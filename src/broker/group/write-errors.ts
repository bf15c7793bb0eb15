// The error a client gets when the group coordinator's write to __consumer_offsets fails, as
// Kafka's coordinator runtime translates partition errors: the client retries or looks for
// the coordinator again.
import { ErrorCode, type ErrorName } from '../../protocol/errors.js';

export function coordinatorWriteError(error: ErrorName): number {
  switch (error) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
    case 'NOT_ENOUGH_REPLICAS':
    case 'REQUEST_TIMED_OUT':
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case 'NOT_LEADER_OR_FOLLOWER':
    case 'KAFKA_STORAGE_ERROR':
      return ErrorCode.NOT_COORDINATOR;
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
    case 'INVALID_FETCH_SIZE':
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return ErrorCode[error];
  }
}
