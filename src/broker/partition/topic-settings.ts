// A topic's effective Kafka-named configuration (overrides over the broker's synonyms over
// Kafka's defaults) turned into what storage and the produce path use.
import { effectiveTopicConfig, type BrokerConfig } from '../config/index.js';
import type { CleanupPolicy, LogConfig, TimestampType } from '../../storage/index.js';

export interface TopicSettings {
  log: LogConfig;
  /** message.timestamp.before.max.ms */
  timestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms */
  timestampAfterMaxMs: number;
  /** min.insync.replicas: acks=all needs at least this many in-sync replicas. */
  minInsyncReplicas: number;
}

/** Kafka's Long.MAX_VALUE ("never") does not fit a JS number; storage uses MAX_SAFE_INTEGER. */
function num(value: string | null | undefined, fallback: number): number {
  if (value === null || value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(n, Number.MAX_SAFE_INTEGER);
}

function cleanupPolicy(value: string | null | undefined): CleanupPolicy {
  const parts = new Set((value ?? 'delete').split(',').map((s) => s.trim()));
  if (parts.has('compact') && parts.has('delete')) return 'compact,delete';
  return parts.has('compact') ? 'compact' : 'delete';
}

export function topicSettings(
  overrides: ReadonlyMap<string, string>,
  broker: BrokerConfig,
): TopicSettings {
  const c = effectiveTopicConfig(overrides, broker);
  const g = (name: string): string | null | undefined => c.get(name);
  const timestampType: TimestampType =
    g('message.timestamp.type') === 'LogAppendTime' ? 'LogAppendTime' : 'CreateTime';
  const log: LogConfig = {
    segmentBytes: num(g('segment.bytes'), 1024 ** 3),
    segmentMs: num(g('segment.ms'), 604_800_000),
    segmentJitterMs: num(g('segment.jitter.ms'), 0),
    segmentIndexBytes: num(g('segment.index.bytes'), 10 * 1024 * 1024),
    indexIntervalBytes: num(g('index.interval.bytes'), 4096),
    retentionMs: num(g('retention.ms'), 604_800_000),
    retentionBytes: num(g('retention.bytes'), -1),
    cleanupPolicy: cleanupPolicy(g('cleanup.policy')),
    deleteRetentionMs: num(g('delete.retention.ms'), 86_400_000),
    minCleanableDirtyRatio: num(g('min.cleanable.dirty.ratio'), 0.5),
    minCompactionLagMs: num(g('min.compaction.lag.ms'), 0),
    maxCompactionLagMs: num(g('max.compaction.lag.ms'), Number.MAX_SAFE_INTEGER),
    flushMessages: num(g('flush.messages'), Number.MAX_SAFE_INTEGER),
    flushMs: num(g('flush.ms'), Number.MAX_SAFE_INTEGER),
    fileDeleteDelayMs: num(g('file.delete.delay.ms'), 60_000),
    messageTimestampType: timestampType,
    maxMessageBytes: num(g('max.message.bytes'), 1024 * 1024 + 12),
    preallocate: g('preallocate') === 'true',
  };
  return {
    log,
    timestampBeforeMaxMs: num(g('message.timestamp.before.max.ms'), Number.MAX_SAFE_INTEGER),
    timestampAfterMaxMs: num(g('message.timestamp.after.max.ms'), 3_600_000),
    minInsyncReplicas: num(g('min.insync.replicas'), 1),
  };
}
