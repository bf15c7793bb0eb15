// Record batches: the header view the broker's hot path uses, full encode/decode for clients,
// control records, legacy message sets (read only) and compression codecs.
export * from './batch-header.js';
export * from './compression.js';
export { lz4DecompressedBound, zstdDecompressedBound } from './decompressed-size.js';
export * from './control-record.js';
export * from './legacy-message-set.js';
export * from './record.js';
export * from './record-batch.js';
export * from './record-decode-error.js';
export * from './record-scan.js';
export { RecordCursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';
