// Every `rivulet` command. Each module is imported only when its command runs, so that
// `rivulet --help` stays fast.
import { registerCommand } from './command-registry.js';

registerCommand('start', {
  summary: 'Start a broker (Kafka-compatible, single node).',
  run: async (args) => (await import('./start.js')).runStart(args),
});
