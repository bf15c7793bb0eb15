export { crc32c } from './crc32c.js';
export { BufferPool, type BufferPoolOptions } from './buffer-pool.js';
