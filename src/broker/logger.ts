// The broker reports through the project's one Logger type (src/util/logger.ts).
import { createLogger, type Logger } from '../util/index.js';

export {
  createLogger,
  describeError,
  memoryLogger,
  namedLogger,
  parseLogLevel,
  silentLogger,
  type LogLevel,
  type LogRecord,
  type Logger,
} from '../util/index.js';

/** Writes to stderr at info (or debug when asked), in Kafka's text layout. */
export function consoleLogger(options: { debug?: boolean } = {}): Logger {
  return createLogger({ level: options.debug === true ? 'debug' : 'info' });
}
