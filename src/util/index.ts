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
export {
  scheduleRepeating,
  systemClock,
  systemEnvironment,
  systemTimers,
  type CancelTimer,
  type Clock,
  type Environment,
  type SystemEnvironmentOptions,
  type Timers,
} from './environment.js';
export { SimulatedEnvironment, type SimulatedEnvironmentOptions } from './simulated-environment.js';
export { SeededRandom, systemRandom, type Random } from './random.js';
export {
  DEFAULT_BUCKETS,
  MemoryMetricsRegistry,
  type Counter,
  type Gauge,
  type Histogram,
  type HistogramOptions,
  type Labels,
  type MetricFamily,
  type MetricOptions,
  type MetricSample,
  type MetricType,
  type MetricsRegistry,
} from './metrics.js';
export { nodeNetwork, type ListenOptions, type Network, type NetworkListener } from './network.js';
export type { FileHandle, FileStat, FileSystem } from './fs/file-system.js';
export { NodeFileSystem } from './fs/node-file-system.js';
export {
  CrashedError,
  MemoryFileSystem,
  type CrashOptions,
  type MemoryFsOp,
} from './fs/memory-file-system.js';
export { SerialQueue } from './serial-queue.js';
