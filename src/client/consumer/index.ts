export { Consumer } from './consumer.js';
export { readFetchedRecords, type ReadOptions, type ReadResult } from './batch-reader.js';
export type {
  ConsumerBatch,
  ConsumerOptions,
  ConsumerRecord,
  IsolationLevel,
  OffsetSpec,
  TopicPartition,
} from './types.js';
