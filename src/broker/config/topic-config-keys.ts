// Topic-level configuration keys with Kafka's names and defaults, and for each the broker keys
// that supply its default ("synonyms", highest precedence first), as DescribeConfigs reports.
// A synonym's `factor` converts its unit to the topic key's (log.retention.hours → ms).
import {
  LONG_MAX,
  atLeast,
  between,
  key,
  oneOf,
  type ConfigKey,
  type Validator,
} from './config-key.js';

export interface Synonym {
  name: string;
  factor: number;
}

export interface TopicConfigKey extends ConfigKey {
  synonyms: readonly Synonym[];
}

const HOUR_MS = 3600000;
const ms = (name: string): Synonym => ({ name, factor: 1 });

/** Kafka's ThrottledReplicaListValidator: '*' or [partitionId]:[brokerId] entries. */
const throttledReplicas =
  (name: string): Validator =>
  (v) => {
    const items = Array.isArray(v) ? v : [String(v)];
    if (items.join('') === '*' || items.every((i) => /^(\d+:\d+)?$/.test(i))) return undefined;
    return `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`;
  };

function topic<K extends ConfigKey>(k: K, ...synonyms: Synonym[]): K & TopicConfigKey {
  return { ...k, synonyms };
}

export const TOPIC_CONFIG_KEYS = [
  topic(
    key.list('cleanup.policy', 'delete', 'delete and/or compact.', {
      validate: oneOf(['delete', 'compact']),
    }),
    ms('log.cleanup.policy'),
  ),
  topic(
    key.string('compression.type', 'producer', 'Compression of stored batches.', {
      validate: oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']),
    }),
    ms('compression.type'),
  ),
  topic(
    key.long('delete.retention.ms', 86400000, 'How long tombstones are kept.', {
      validate: atLeast(0),
    }),
    ms('log.cleaner.delete.retention.ms'),
  ),
  topic(
    key.long('file.delete.delay.ms', 60000, 'Delay before deleting a removed segment.', {
      validate: atLeast(0),
    }),
    ms('log.segment.delete.delay.ms'),
  ),
  topic(
    key.long('flush.messages', LONG_MAX, 'Messages before an fsync.', { validate: atLeast(1) }),
    ms('log.flush.interval.messages'),
  ),
  topic(
    key.long('flush.ms', LONG_MAX, 'Time before an fsync.', { validate: atLeast(0) }),
    ms('log.flush.interval.ms'),
    ms('log.flush.scheduler.interval.ms'),
  ),
  topic(
    key.int('index.interval.bytes', 4096, 'Bytes between offset index entries.', {
      validate: atLeast(0),
    }),
    ms('log.index.interval.bytes'),
  ),
  topic(
    key.long('max.compaction.lag.ms', LONG_MAX, 'Maximum age before compaction.', {
      validate: atLeast(1),
    }),
    ms('log.cleaner.max.compaction.lag.ms'),
  ),
  topic(
    key.int('max.message.bytes', 1048588, 'Largest record batch accepted.', {
      validate: atLeast(0),
    }),
    ms('message.max.bytes'),
  ),
  topic(
    key.string('message.timestamp.type', 'CreateTime', 'CreateTime or LogAppendTime.', {
      validate: oneOf(['CreateTime', 'LogAppendTime']),
    }),
    ms('log.message.timestamp.type'),
  ),
  topic(
    key.long('message.timestamp.before.max.ms', LONG_MAX, 'Accepted age of timestamps.', {
      validate: atLeast(0),
    }),
    ms('log.message.timestamp.before.max.ms'),
  ),
  topic(
    key.long('message.timestamp.after.max.ms', HOUR_MS, 'Accepted future timestamps.', {
      validate: atLeast(0),
    }),
    ms('log.message.timestamp.after.max.ms'),
  ),
  topic(
    key.double('min.cleanable.dirty.ratio', 0.5, 'Dirty ratio that triggers cleaning.', {
      validate: between(0, 1),
    }),
    ms('log.cleaner.min.cleanable.ratio'),
  ),
  topic(
    key.long('min.compaction.lag.ms', 0, 'Minimum age before compaction.', {
      validate: atLeast(0),
    }),
    ms('log.cleaner.min.compaction.lag.ms'),
  ),
  topic(
    key.int('min.insync.replicas', 1, 'Replicas that must have an acks=all write.', {
      validate: atLeast(1),
    }),
    ms('min.insync.replicas'),
  ),
  topic(key.boolean('preallocate', false, 'Preallocate segment files.'), ms('log.preallocate')),
  topic(
    key.long('retention.bytes', -1, 'Retention size per partition; -1 for none.'),
    ms('log.retention.bytes'),
  ),
  topic(
    key.long('retention.ms', 604800000, 'Retention time; -1 for none.', { validate: atLeast(-1) }),
    ms('log.retention.ms'),
    { name: 'log.retention.minutes', factor: 60000 },
    { name: 'log.retention.hours', factor: HOUR_MS },
  ),
  topic(
    key.int('segment.bytes', 1073741824, 'Segment size.', { validate: atLeast(14) }),
    ms('log.segment.bytes'),
  ),
  topic(
    key.int('segment.index.bytes', 10485760, 'Maximum offset index size.', {
      validate: atLeast(4),
    }),
    ms('log.index.size.max.bytes'),
  ),
  topic(
    key.long('segment.jitter.ms', 0, 'Random jitter subtracted from segment.ms.', {
      validate: atLeast(0),
    }),
    ms('log.roll.jitter.ms'),
    { name: 'log.roll.jitter.hours', factor: HOUR_MS },
  ),
  topic(
    key.long('segment.ms', 604800000, 'Segment age before rolling.', { validate: atLeast(1) }),
    ms('log.roll.ms'),
    { name: 'log.roll.hours', factor: HOUR_MS },
  ),
  topic(
    key.boolean('unclean.leader.election.enable', false, 'Allow out-of-sync leaders.'),
    ms('unclean.leader.election.enable'),
  ),
  // Removed from Kafka 4.0 with message formats v0/v1; accepted for older admin tools.
  topic(
    key.boolean('message.downconversion.enable', true, 'Down-convert for old consumers.', {
      supported: false,
    }),
  ),
  topic(
    key.int('compression.gzip.level', -1, 'gzip level.', { validate: between(-1, 9) }),
    ms('compression.gzip.level'),
  ),
  topic(
    key.int('compression.lz4.level', 9, 'lz4 level.', { validate: between(1, 17) }),
    ms('compression.lz4.level'),
  ),
  topic(
    key.int('compression.zstd.level', 3, 'zstd level.', { validate: between(-131072, 22) }),
    ms('compression.zstd.level'),
  ),
  // Replication throttling (KIP-73) has no broker synonym. Rivulet stores and reports the
  // lists; it does not throttle replication.
  topic(
    key.list('leader.replication.throttled.replicas', '', 'Replicas throttled on the leader.', {
      validate: throttledReplicas('leader.replication.throttled.replicas'),
    }),
  ),
  topic(
    key.list('follower.replication.throttled.replicas', '', 'Replicas throttled on followers.', {
      validate: throttledReplicas('follower.replication.throttled.replicas'),
    }),
  ),
  topic(key.boolean('remote.storage.enable', false, 'Tiered storage.', { supported: false })),
  topic(key.boolean('remote.log.copy.disable', false, 'Tiered storage.', { supported: false })),
  topic(
    key.boolean('remote.log.delete.on.disable', false, 'Tiered storage.', { supported: false }),
  ),
  topic(key.long('local.retention.ms', -2, 'Tiered storage.', { supported: false })),
  topic(key.long('local.retention.bytes', -2, 'Tiered storage.', { supported: false })),
] as const satisfies readonly TopicConfigKey[];
