// Errors the client raises. A Kafka error code from a response becomes a KafkaError (from the
// protocol layer: `code`, Kafka's `name`, `retriable`); failures that happen on this side of
// the wire (timeouts, lost connections, closed clients) are ClientErrors with a stable `code`
// and the same `retriable` flag, so callers and the retry loop treat both alike.
import { KafkaError } from '../protocol/index.js';

export { KafkaError };

export type ClientErrorCode =
  | 'ERR_REQUEST_TIMEOUT'
  | 'ERR_CONNECTION'
  | 'ERR_CLOSED'
  | 'ERR_BUFFER_FULL'
  | 'ERR_DELIVERY_TIMEOUT'
  | 'ERR_UNSUPPORTED_VERSION'
  | 'ERR_NO_BROKERS'
  | 'ERR_INVALID_ARGUMENT'
  /** A transactional call made in the wrong state (send before beginTransaction...). */
  | 'ERR_INVALID_STATE'
  /** The record was never sent: its transaction was aborted first. */
  | 'ERR_TRANSACTION_ABORTED'
  /** A fetched batch could not be decoded (CRC, compression, records not matching its header). */
  | 'ERR_CORRUPT_RECORD';

const RETRIABLE: ReadonlySet<ClientErrorCode> = new Set([
  'ERR_REQUEST_TIMEOUT',
  'ERR_CONNECTION',
  'ERR_NO_BROKERS',
]);

export class ClientError extends Error {
  readonly code: ClientErrorCode;
  readonly retriable: boolean;

  constructor(code: ClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
    this.retriable = RETRIABLE.has(code);
  }
}

/**
 * A fetched batch could not be decoded. The partition's position stays at `offset` and the
 * partition is not fetched again until the application seeks (for instance past
 * `lastOffset`), as with Kafka's consumer; the records before the batch were delivered first.
 */
export class CorruptRecordError extends ClientError {
  readonly topic: string;
  readonly partition: number;
  /** The position where reading stopped: the first offset not delivered. */
  readonly offset: bigint;
  /** The last offset of the batch at fault, from its header, or null if that is unreadable. */
  readonly lastOffset: bigint | null;

  constructor(
    where: { topic: string; partition: number; offset: bigint; lastOffset: bigint | null },
    cause: Error,
  ) {
    super(
      'ERR_CORRUPT_RECORD',
      `corrupt record batch in ${where.topic}-${where.partition} at offset ${where.offset} ` +
        `(${cause.message}); seek past it to continue`,
      { cause },
    );
    this.name = 'CorruptRecordError';
    this.topic = where.topic;
    this.partition = where.partition;
    this.offset = where.offset;
    this.lastOffset = where.lastOffset;
  }
}

/**
 * Another producer with the same transactional id has taken over (PRODUCER_FENCED, or
 * INVALID_PRODUCER_EPOCH from older brokers): this producer can do nothing but close.
 */
export class ProducerFencedError extends KafkaError {
  constructor(code: number, detail?: string | null) {
    super(code, detail);
  }
}

/** Error codes after which a transactional producer can only be closed. */
const FATAL_TRANSACTION_CODES: ReadonlySet<number> = new Set([
  47, // INVALID_PRODUCER_EPOCH
  53, // TRANSACTIONAL_ID_AUTHORIZATION_FAILED
  90, // PRODUCER_FENCED
]);

/** A KafkaError, as ProducerFencedError when the code means the producer was fenced. */
export function transactionError(code: number, detail?: string | null): KafkaError {
  return code === 47 || code === 90
    ? new ProducerFencedError(code, detail)
    : new KafkaError(code, detail);
}

/** Whether a transactional producer must stop for good after this error. */
export function isFatalForTransactions(error: unknown): boolean {
  return error instanceof KafkaError && FATAL_TRANSACTION_CODES.has(error.code);
}

/** Whether an error may go away if the same operation is tried again (after a backoff). */
export function isRetriable(error: unknown): boolean {
  return (error instanceof KafkaError || error instanceof ClientError) && error.retriable === true;
}

/** Whether the error means the client's view of leaders or brokers is stale. */
export function needsMetadataRefresh(error: unknown): boolean {
  if (error instanceof ClientError) return error.code === 'ERR_CONNECTION';
  if (!(error instanceof KafkaError)) return false;
  return REFRESH_NAMES.has(error.name);
}

const REFRESH_NAMES: ReadonlySet<string> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'LEADER_NOT_AVAILABLE',
  'NOT_LEADER_OR_FOLLOWER',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'NOT_CONTROLLER',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_ID',
  'KAFKA_STORAGE_ERROR',
  'REPLICA_NOT_AVAILABLE',
  'NETWORK_EXCEPTION',
]);

/** Throws a KafkaError for a non-zero code. */
export function throwIfError(errorCode: number, message?: string | null): void {
  if (errorCode !== 0) throw new KafkaError(errorCode, message);
}
