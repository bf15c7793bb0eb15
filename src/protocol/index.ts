// The protocol layer's public face: wire primitives, the generated codecs of every message,
// and the request/response headers.
export * from './primitives/index.js';
export * from './generated/index.js';
export * from './headers.js';
