// The broker's public face.
export { startBroker, type Broker, type NetworkStats, type StartBrokerOptions } from './broker.js';
export type { BrokerContext } from './broker-context.js';
export {
  consoleLogger,
  createLogger,
  describeError,
  memoryLogger,
  namedLogger,
  parseLogLevel,
  silentLogger,
  type LogLevel,
  type LogRecord,
  type Logger,
} from './logger.js';
export * as config from './config/index.js';
export * as server from './server/index.js';
export {
  createHandlerRegistry,
  HANDLER_FACTORIES,
  HandlerRegistry,
  type ApiHandler,
  type ApiVersionRange,
  type HandlerFactory,
} from './handlers/index.js';
