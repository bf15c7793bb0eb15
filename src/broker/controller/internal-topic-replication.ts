// Replication of the internal topics (__consumer_offsets, __transaction_state) when they are
// first created: `offsets.topic.replication.factor` / `transaction.state.log.replication.factor`
// (Kafka's default 3), lowered to the number of live brokers so that a single node (and a
// cluster smaller than the setting) still gets its coordinators; Kafka would refuse the
// creation and answer COORDINATOR_NOT_AVAILABLE until enough brokers are up.

/** The replication factor to create an internal topic with. */
export function internalTopicReplicationFactor(configured: number, liveBrokers: number): number {
  return Math.max(1, Math.min(configured, liveBrokers));
}
