export { Producer } from './producer.js';
export type {
  Bytes,
  CompressionName,
  ProducerOptions,
  ProducerRecord,
  RecordMetadata,
} from './types.js';
export type { ConsumerGroupMetadata, TransactionOffset, TransactionState } from './transactions.js';
