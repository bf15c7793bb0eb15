// The protocol layer's public face: wire primitives, the generated codecs of every message,
// the request/response headers, framing, Kafka's error table and record batches.
export * from './primitives/index.js';
export * from './generated/index.js';
export * from './headers.js';
export * from './errors.js';
export * from './records/index.js';
export * from './framing.js';
