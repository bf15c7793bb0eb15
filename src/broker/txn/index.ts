// Producer ids and the transaction coordinator.
export { ProducerIdManager } from './producer-id-manager.js';
export {
  TXN_STATE_NAMES,
  TxnState,
  decodeTxnLogRecord,
  encodeTxnLogKey,
  encodeTxnLogValue,
  partitionRefs,
  type TopicPartitionRef,
  type TxnMetadata,
} from './transaction-metadata.js';
export {
  TransactionStateMachine,
  type InitProducerIdOptions,
  type ProducerRef,
  type Transition,
} from './transaction-state-machine.js';
export {
  TransactionCoordinator,
  javaStringHash,
  partitionForTxn,
  type InitProducerIdAnswer,
  type TransactionCoordinatorOptions,
  type TxnMarkerWriter,
  type TxnStateLog,
} from './transaction-coordinator.js';
export { TRANSACTION_STATE_TOPIC, TransactionStateLog } from './transaction-state-log.js';
export {
  TxnMarkerChannel,
  type TxnMarkerListener,
  type TxnMarkerTarget,
  type WrittenTxnMarker,
} from './txn-marker-channel.js';
export {
  ensureTransactionStateTopic,
  openTransactionCoordinator,
  type OpenTransactionCoordinatorOptions,
  type OpenedTransactionCoordinator,
  type RepeatScheduler,
} from './open-transaction-coordinator.js';
