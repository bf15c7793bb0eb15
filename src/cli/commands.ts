// Every `rivulet` command. Each module is imported only when its command runs, so that
// `rivulet --help` stays fast.
import { registerCommand } from './command-registry.js';

registerCommand('start', {
  summary: 'Start a broker (Kafka-compatible, single node).',
  run: async (args) => (await import('./start.js')).runStart(args),
});

registerCommand('topics', {
  summary: 'Create, list, describe, alter or delete topics (kafka-topics).',
  run: async (args) => (await import('./tools/topics.js')).runTopics(args),
});

registerCommand('console-producer', {
  summary: 'Send lines from stdin as records (kafka-console-producer).',
  run: async (args) => (await import('./tools/console-producer.js')).runConsoleProducer(args),
});

registerCommand('console-consumer', {
  summary: 'Print the records of a topic (kafka-console-consumer).',
  run: async (args) => (await import('./tools/console-consumer.js')).runConsoleConsumer(args),
});
