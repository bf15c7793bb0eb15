export { crc32c } from './crc32c.js';
export { BufferPool, type BufferPoolOptions } from './buffer-pool.js';
export { compileLinearRegExp } from './linear-regexp.js';
export { forEachConcurrently } from './concurrency.js';
