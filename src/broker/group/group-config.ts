// The broker settings the group coordinator obeys, under Kafka's names converted mechanically.
import type { BrokerConfig } from '../config/index.js';

export interface GroupConfig {
  /** group.initial.rebalance.delay.ms: how long a new group waits for more members. */
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  /** group.max.size: members per classic group. */
  groupMaxSize: number;
  offsetsTopicNumPartitions: number;
  /** offsets.retention.minutes, in milliseconds. */
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  /** offset.metadata.max.bytes: longest commit metadata string. */
  offsetMetadataMaxBytes: number;
  /** KIP-848 consumer groups: group.consumer.session.timeout.ms and friends. */
  groupConsumerSessionTimeoutMs: number;
  groupConsumerHeartbeatIntervalMs: number;
  groupConsumerMaxSize: number;
}

export const DEFAULT_GROUP_CONFIG: GroupConfig = Object.freeze({
  groupInitialRebalanceDelayMs: 3000,
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1800000,
  groupMaxSize: 2147483647,
  offsetsTopicNumPartitions: 50,
  offsetsRetentionMs: 10080 * 60000,
  offsetsRetentionCheckIntervalMs: 600000,
  offsetMetadataMaxBytes: 4096,
  groupConsumerSessionTimeoutMs: 45000,
  groupConsumerHeartbeatIntervalMs: 5000,
  groupConsumerMaxSize: 2147483647,
});

export function groupConfigFrom(config: BrokerConfig): GroupConfig {
  const v = config.values as Record<string, unknown>;
  const num = (key: string, fallback: number): number =>
    typeof v[key] === 'number' ? (v[key] as number) : fallback;
  const d = DEFAULT_GROUP_CONFIG;
  return {
    groupInitialRebalanceDelayMs: num(
      'group.initial.rebalance.delay.ms',
      d.groupInitialRebalanceDelayMs,
    ),
    groupMinSessionTimeoutMs: num('group.min.session.timeout.ms', d.groupMinSessionTimeoutMs),
    groupMaxSessionTimeoutMs: num('group.max.session.timeout.ms', d.groupMaxSessionTimeoutMs),
    groupMaxSize: num('group.max.size', d.groupMaxSize),
    offsetsTopicNumPartitions: num('offsets.topic.num.partitions', d.offsetsTopicNumPartitions),
    offsetsRetentionMs: num('offsets.retention.minutes', 10080) * 60000,
    offsetsRetentionCheckIntervalMs: num(
      'offsets.retention.check.interval.ms',
      d.offsetsRetentionCheckIntervalMs,
    ),
    offsetMetadataMaxBytes: num('offset.metadata.max.bytes', d.offsetMetadataMaxBytes),
    groupConsumerSessionTimeoutMs: num(
      'group.consumer.session.timeout.ms',
      d.groupConsumerSessionTimeoutMs,
    ),
    groupConsumerHeartbeatIntervalMs: num(
      'group.consumer.heartbeat.interval.ms',
      d.groupConsumerHeartbeatIntervalMs,
    ),
    groupConsumerMaxSize: num('group.consumer.max.size', d.groupConsumerMaxSize),
  };
}

export interface ConsumerGroupTimeouts {
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
}

/**
 * A KIP-848 group's timeouts: its group configs `consumer.session.timeout.ms` and
 * `consumer.heartbeat.interval.ms` (checked against the broker's bounds when they were set),
 * else the broker's group.consumer.* values.
 */
export function consumerGroupTimeouts(
  config: GroupConfig,
  overrides: ReadonlyMap<string, string>,
): ConsumerGroupTimeouts {
  const num = (name: string, fallback: number): number => {
    const n = Number(overrides.get(name));
    return overrides.has(name) && Number.isInteger(n) && n > 0 ? n : fallback;
  };
  return {
    sessionTimeoutMs: num('consumer.session.timeout.ms', config.groupConsumerSessionTimeoutMs),
    heartbeatIntervalMs: num(
      'consumer.heartbeat.interval.ms',
      config.groupConsumerHeartbeatIntervalMs,
    ),
  };
}
