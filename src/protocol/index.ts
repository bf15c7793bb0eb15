// The wire format: Kafka's error table and record batches.
export * from './errors.js';
export * from './records/index.js';
