// Every `rivulet` command. Each module is loaded only when its command runs, so that
// `rivulet --help` stays fast.
import { registerCommand } from './command-registry.js';
import { loadModule } from './load-module.js';

registerCommand('start', {
  summary: 'Start a broker (Kafka-compatible, single node).',
  run: async (args) => (await loadModule<typeof import('./start.js')>('./start.js')).runStart(args),
});

registerCommand('topics', {
  summary: 'Create, list, describe, alter or delete topics (kafka-topics).',
  run: async (args) =>
    (await loadModule<typeof import('./tools/topics.js')>('./tools/topics.js')).runTopics(args),
});

registerCommand('console-producer', {
  summary: 'Send lines from stdin as records (kafka-console-producer).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/console-producer.js')>('./tools/console-producer.js')
    ).runConsoleProducer(args),
});

registerCommand('console-consumer', {
  summary: 'Print the records of a topic (kafka-console-consumer).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/console-consumer.js')>('./tools/console-consumer.js')
    ).runConsoleConsumer(args),
});

registerCommand('configs', {
  summary: 'Describe or change topic and broker configs (kafka-configs).',
  run: async (args) =>
    (await loadModule<typeof import('./tools/configs.js')>('./tools/configs.js')).runConfigs(args),
});

registerCommand('acls', {
  summary: 'Add, list or remove ACLs (kafka-acls).',
  run: async (args) =>
    (await loadModule<typeof import('./tools/acls.js')>('./tools/acls.js')).runAcls(args),
});

registerCommand('consumer-groups', {
  summary: 'List, describe, reset offsets of or delete consumer groups (kafka-consumer-groups).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/consumer-groups.js')>('./tools/consumer-groups.js')
    ).runConsumerGroups(args),
});

registerCommand('dump-log', {
  summary: 'Print the record batches of log segment files (kafka-dump-log).',
  run: async (args) =>
    (await loadModule<typeof import('./tools/dump-log.js')>('./tools/dump-log.js')).runDumpLog(
      args,
    ),
});

registerCommand('producer-perf-test', {
  summary: 'Measure producer throughput and latency (kafka-producer-perf-test).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/producer-perf-test.js')>(
        './tools/producer-perf-test.js',
      )
    ).runProducerPerfTest(args),
});

registerCommand('consumer-perf-test', {
  summary: 'Measure consumer throughput (kafka-consumer-perf-test).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/consumer-perf-test.js')>(
        './tools/consumer-perf-test.js',
      )
    ).runConsumerPerfTest(args),
});

registerCommand('get-offsets', {
  summary: 'Print the offsets of partitions at a time (kafka-get-offsets).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/get-offsets.js')>('./tools/get-offsets.js')
    ).runGetOffsets(args),
});

registerCommand('delete-records', {
  summary: 'Delete records up to given offsets (kafka-delete-records).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/delete-records.js')>('./tools/delete-records.js')
    ).runDeleteRecords(args),
});

registerCommand('reassign-partitions', {
  summary: 'Move partition replicas between brokers (kafka-reassign-partitions).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/reassign-partitions.js')>(
        './tools/reassign-partitions.js',
      )
    ).runReassignPartitions(args),
});

registerCommand('leader-election', {
  summary: 'Elect preferred or unclean partition leaders (kafka-leader-election).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/leader-election.js')>('./tools/leader-election.js')
    ).runLeaderElection(args),
});

registerCommand('log-dirs', {
  summary: 'Describe the log directories of brokers (kafka-log-dirs).',
  run: async (args) =>
    (await loadModule<typeof import('./tools/log-dirs.js')>('./tools/log-dirs.js')).runLogDirs(
      args,
    ),
});

registerCommand('cluster-id', {
  summary: 'Print the cluster id (kafka-cluster cluster-id).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/cluster-info.js')>('./tools/cluster-info.js')
    ).runClusterId(args),
});

registerCommand('features', {
  summary: 'Describe the feature flags of the cluster (kafka-features describe).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/cluster-info.js')>('./tools/cluster-info.js')
    ).runFeatures(args),
});

registerCommand('broker-api-versions', {
  summary: 'Print the API versions each broker supports (kafka-broker-api-versions).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/cluster-info.js')>('./tools/cluster-info.js')
    ).runBrokerApiVersions(args),
});

registerCommand('transactions', {
  summary: 'List, describe, abort or find hanging transactions (kafka-transactions).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/transactions.js')>('./tools/transactions.js')
    ).runTransactions(args),
});

registerCommand('verifiable-producer', {
  summary: "Produce numbered records, one JSON event per line (Kafka's VerifiableProducer).",
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/verifiable.js')>('./tools/verifiable.js')
    ).runVerifiableProducer(args),
});

registerCommand('verifiable-consumer', {
  summary: "Consume in a group, one JSON event per line (Kafka's VerifiableConsumer).",
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/verifiable.js')>('./tools/verifiable.js')
    ).runVerifiableConsumer(args),
});

registerCommand('metadata-quorum', {
  summary: 'Describe the metadata log quorum (kafka-metadata-quorum describe).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/metadata-quorum.js')>('./tools/metadata-quorum.js')
    ).runMetadataQuorum(args),
});

registerCommand('cluster', {
  summary: 'cluster up: start etcd and N brokers on this machine (a local cluster).',
  run: async (args) =>
    (
      await loadModule<typeof import('./cluster/cluster-command.js')>(
        './cluster/cluster-command.js',
      )
    ).runCluster(args),
});

registerCommand('schema-registry', {
  summary: "Run a schema registry speaking Confluent's Schema Registry API.",
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/schema-registry.js')>('./tools/schema-registry.js')
    ).runSchemaRegistry(args),
});

registerCommand('rest-proxy', {
  summary: "Serve Confluent's REST Proxy API v2 and v3 for a cluster (kafka-rest).",
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/rest-proxy.js')>('./tools/rest-proxy.js')
    ).runRestProxy(args),
});

registerCommand('console', {
  summary: 'Serve the web console for a Kafka cluster (topics, messages, groups, lag).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/web-console.js')>('./tools/web-console.js')
    ).runConsole(args),
});

registerCommand('connect', {
  summary: 'Run a distributed Kafka Connect worker (connect-distributed).',
  run: async (args) =>
    (await loadModule<typeof import('./tools/connect.js')>('./tools/connect.js')).runConnect(args),
});

registerCommand('connect-standalone', {
  summary: 'Run a standalone Kafka Connect worker with connector files (connect-standalone).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/connect.js')>('./tools/connect.js')
    ).runConnectStandalone(args),
});

registerCommand('streams-application-reset', {
  summary: 'Reset a Streams application to reprocess its input (kafka-streams-application-reset).',
  run: async (args) =>
    (
      await loadModule<typeof import('./tools/streams-application-reset.js')>(
        './tools/streams-application-reset.js',
      )
    ).runStreamsApplicationReset(args),
});
