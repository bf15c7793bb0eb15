// What the transaction coordinator knows of one transactional id, and its record in
// `__transaction_state` (spec/kafka/4.3.1/transaction-coordinator/): key = int16 version 0 +
// TransactionLogKey, value = int16 version 0 + TransactionLogValue, a null value deletes the id.
// The state numbers are Kafka's (TransactionState), so the records read the same in both.
import {
  Reader,
  Writer,
  decodeTransactionLogKey,
  decodeTransactionLogValue,
  encodeTransactionLogKey,
  encodeTransactionLogValue,
} from '../../protocol/index.js';

export const TxnState = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const;
export type TxnState = (typeof TxnState)[keyof typeof TxnState];

export const TXN_STATE_NAMES: Record<TxnState, string> = {
  0: 'Empty',
  1: 'Ongoing',
  2: 'PrepareCommit',
  3: 'PrepareAbort',
  4: 'CompleteCommit',
  5: 'CompleteAbort',
  6: 'Dead',
  7: 'PrepareEpochFence',
};

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface TxnMetadata {
  transactionalId: string;
  producerId: bigint;
  /** The producer id before the last one handed out (-1 when none). */
  previousProducerId: bigint;
  producerEpoch: number;
  /** The epoch before the last bump (KIP-360 retries of InitProducerId), -1 when none. */
  lastProducerEpoch: number;
  transactionTimeoutMs: number;
  state: TxnState;
  /** Partitions of the current transaction, `topic` → sorted partition ids. */
  partitions: Map<string, number[]>;
  startTimestampMs: number;
  lastUpdateTimestampMs: number;
}

const KEY_VERSION = 0;
const VALUE_VERSION = 0;

export function encodeTxnLogKey(transactionalId: string): Buffer {
  const w = new Writer();
  w.int16(KEY_VERSION);
  encodeTransactionLogKey(w, KEY_VERSION, { transactionalId });
  return w.toBuffer();
}

export function encodeTxnLogValue(m: TxnMetadata): Buffer {
  const w = new Writer();
  w.int16(VALUE_VERSION);
  encodeTransactionLogValue(w, VALUE_VERSION, {
    producerId: m.producerId,
    previousProducerId: m.previousProducerId,
    nextProducerId: -1n,
    producerEpoch: m.producerEpoch,
    nextProducerEpoch: -1,
    transactionTimeoutMs: m.transactionTimeoutMs,
    transactionStatus: m.state,
    transactionPartitions: [...m.partitions].map(([topic, partitionIds]) => ({
      topic,
      partitionIds,
    })),
    transactionLastUpdateTimestampMs: BigInt(m.lastUpdateTimestampMs),
    transactionStartTimestampMs: BigInt(m.startTimestampMs),
    clientTransactionVersion: 0,
  });
  return w.toBuffer();
}

/** A record of `__transaction_state`: the id and its metadata, or null for a tombstone. */
export function decodeTxnLogRecord(
  key: Buffer,
  value: Buffer | null,
): { transactionalId: string; metadata: TxnMetadata | null } {
  const k = new Reader(key);
  const transactionalId = decodeTransactionLogKey(k, k.int16()).transactionalId;
  if (value === null) return { transactionalId, metadata: null };
  const r = new Reader(value);
  const v = decodeTransactionLogValue(r, r.int16());
  return {
    transactionalId,
    metadata: {
      transactionalId,
      producerId: v.producerId,
      previousProducerId: v.previousProducerId,
      producerEpoch: v.producerEpoch,
      lastProducerEpoch: -1,
      transactionTimeoutMs: v.transactionTimeoutMs,
      state: v.transactionStatus as TxnState,
      partitions: new Map((v.transactionPartitions ?? []).map((p) => [p.topic, p.partitionIds])),
      startTimestampMs: Number(v.transactionStartTimestampMs),
      lastUpdateTimestampMs: Number(v.transactionLastUpdateTimestampMs),
    },
  };
}

/** A state number of a record: one of Kafka's that a record may hold (not Dead). */
function isStoredState(n: number): n is TxnState {
  return (
    Number.isInteger(n) &&
    n >= TxnState.Empty &&
    n <= TxnState.PrepareEpochFence &&
    n !== TxnState.Dead
  );
}

/**
 * A record of `__transaction_state` read at load, or null when it is not one the coordinator
 * could have written: no key, bytes that do not decode, an unknown version or state. Kafka
 * skips unknown versions the same way; such a record must not stop the coordinator loading.
 */
export function readTxnLogRecord(
  key: Buffer | null,
  value: Buffer | null,
): { transactionalId: string; metadata: TxnMetadata | null } | null {
  if (key === null) return null;
  try {
    const record = decodeTxnLogRecord(key, value);
    if (record.transactionalId === '') return null;
    if (record.metadata !== null && !isStoredState(record.metadata.state)) return null;
    return record;
  } catch {
    return null;
  }
}

export function partitionRefs(m: TxnMetadata): TopicPartitionRef[] {
  return [...m.partitions].flatMap(([topic, ids]) =>
    ids.map((partition) => ({ topic, partition })),
  );
}
