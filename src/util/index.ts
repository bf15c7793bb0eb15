export { crc32c } from './crc32c.js';
export { BufferPool, type BufferPoolOptions } from './buffer-pool.js';
export { compileLinearRegExp } from './linear-regexp.js';
export {
  LOG_LEVELS,
  createLogger,
  describeError,
  formatJson,
  formatText,
  memoryLogger,
  namedLogger,
  parseLogLevel,
  silentLogger,
  type LogFields,
  type LogLevel,
  type LogRecord,
  type Logger,
  type TextLoggerOptions,
} from './logger.js';
export { forEachConcurrently } from './concurrency.js';
export { SerialQueue } from './serial-queue.js';
