// Creating topics with the broker's defaults (auto-creation by Metadata, and CreateTopics
// with -1 partitions or replication factor). As in Kafka, the coordinator topics get their
// own partition counts and configs when auto-created; their replication factor is capped at
// the live brokers so a single node can create them with Kafka's default of 3.
import type { CreateTopicResult, NewTopic } from '../../../metadata/index.js';
import type { BrokerContext } from '../../broker-context.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';
export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** Creates `names` with num.partitions and default.replication.factor, no config overrides. */
export function createTopicsWithDefaults(
  broker: BrokerContext,
  names: readonly string[],
): Promise<CreateTopicResult[]> {
  return broker.metadata.createTopics(names.map((name) => defaultTopic(broker, name)));
}

/** What auto-creation makes of `name`. */
export function defaultTopic(broker: BrokerContext, name: string): NewTopic {
  const v = broker.config.values;
  const live = Math.max(1, broker.metadata.liveBrokerIds().length);
  if (name === CONSUMER_OFFSETS_TOPIC) {
    return {
      name,
      numPartitions: v['offsets.topic.num.partitions'],
      replicationFactor: Math.min(v['offsets.topic.replication.factor'], live),
      configs: new Map([
        ['cleanup.policy', 'compact'],
        ['segment.bytes', String(v['offsets.topic.segment.bytes'])],
        ['compression.type', 'producer'],
      ]),
    };
  }
  if (name === TRANSACTION_STATE_TOPIC) {
    const replicationFactor = Math.min(v['transaction.state.log.replication.factor'], live);
    return {
      name,
      numPartitions: v['transaction.state.log.num.partitions'],
      replicationFactor,
      configs: new Map([
        ['cleanup.policy', 'compact'],
        ['segment.bytes', String(v['transaction.state.log.segment.bytes'])],
        ['compression.type', 'uncompressed'],
        [
          'min.insync.replicas',
          String(Math.min(v['transaction.state.log.min.isr'], replicationFactor)),
        ],
        ['unclean.leader.election.enable', 'false'],
      ]),
    };
  }
  return {
    name,
    numPartitions: v['num.partitions'],
    replicationFactor: v['default.replication.factor'],
  };
}
