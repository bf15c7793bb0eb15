export { Producer } from './producer.js';
export { formatMetrics, type ProducerMetric } from './producer-metrics.js';
export type {
  Bytes,
  CompressionName,
  ProducerOptions,
  ProducerRecord,
  RecordMetadata,
} from './types.js';
export type { ConsumerGroupMetadata, TransactionOffset, TransactionState } from './transactions.js';
