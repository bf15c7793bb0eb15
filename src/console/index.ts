// The web console's public face: start it against any Kafka cluster's bootstrap servers.
export { startConsole, type ConsoleOptions, type RunningConsole } from './console-server.js';
export { parseBasicAuthUser, readBasicAuthUsers } from './basic-auth.js';
export { parseCounterTotals, ThroughputSource } from './throughput-source.js';
