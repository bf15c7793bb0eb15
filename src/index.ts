// The package's public face: `import { … } from 'rivulet'`.
export { VERSION } from './cli/main.js';
export { startBroker, type Broker, type StartBrokerOptions } from './broker/index.js';
export {
  createLogger,
  memoryLogger,
  type LogLevel,
  type LogRecord,
  type Logger,
} from './broker/index.js';
export {
  SimulatedEnvironment,
  systemEnvironment,
  type Environment,
  type SimulatedEnvironmentOptions,
} from './util/index.js';
