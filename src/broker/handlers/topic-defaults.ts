// Creating topics with the broker's defaults (auto-creation by Metadata, and CreateTopics
// with -1 partitions or replication factor).
import type { CreateTopicResult } from '../../metadata/index.js';
import type { BrokerContext } from '../broker-context.js';

/** Creates `names` with num.partitions and default.replication.factor, no config overrides. */
export function createTopicsWithDefaults(
  broker: BrokerContext,
  names: readonly string[],
): Promise<CreateTopicResult[]> {
  const numPartitions = broker.config.values['num.partitions'];
  const replicationFactor = broker.config.values['default.replication.factor'];
  return broker.metadata.createTopics(
    names.map((name) => ({ name, numPartitions, replicationFactor })),
  );
}
