// Topic-level log configuration, with Kafka's names converted mechanically
// (`segment.bytes` -> segmentBytes) and Kafka's defaults. "Never" limits that Kafka expresses
// as Long.MAX_VALUE are Number.MAX_SAFE_INTEGER here.

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';
export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** segment.bytes: roll the active segment when it would grow past this. */
  segmentBytes: number;
  /** segment.ms: roll the active segment when its first batch is this old. */
  segmentMs: number;
  /** segment.jitter.ms: a random amount up to this is taken off segment.ms per segment. */
  segmentJitterMs: number;
  /** segment.index.bytes: roll when the offset or time index would grow past this. */
  segmentIndexBytes: number;
  /** index.interval.bytes: bytes of batches between two sparse index entries. */
  indexIntervalBytes: number;
  /** retention.ms: delete closed segments whose newest timestamp is older; -1 keeps all. */
  retentionMs: number;
  /** retention.bytes: delete oldest closed segments while the log is bigger; -1 keeps all. */
  retentionBytes: number;
  cleanupPolicy: CleanupPolicy;
  /** delete.retention.ms: how long tombstones stay after the segment was cleaned. */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: the dirty share of the log that makes it worth cleaning. */
  minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms: records younger than this are not compacted. */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms: records older than this make the log cleanable at any ratio. */
  maxCompactionLagMs: number;
  /** flush.messages: fsync after this many records (default: leave it to the OS). */
  flushMessages: number;
  /** flush.ms: fsync when the oldest unflushed data is this old (default: leave it to the OS). */
  flushMs: number;
  /** file.delete.delay.ms: how long a deleted segment's `.deleted` files linger. */
  fileDeleteDelayMs: number;
  /** message.timestamp.type */
  messageTimestampType: TimestampType;
  /** max.message.bytes: the largest batch the broker accepts (checked by the broker). */
  maxMessageBytes: number;
  /** preallocate: accepted for compatibility; segments are never preallocated. */
  preallocate: boolean;
}

const NEVER = Number.MAX_SAFE_INTEGER;

/** Kafka's default topic configuration (from the broker's log.* defaults). */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  segmentIndexBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: NEVER,
  flushMessages: NEVER,
  flushMs: NEVER,
  fileDeleteDelayMs: 60_000,
  messageTimestampType: 'CreateTime',
  maxMessageBytes: 1024 * 1024 + 12,
  preallocate: false,
});

/** Broker-wide settings of the log manager (Kafka's log.* / log.cleaner.* broker configs). */
export interface LogManagerConfig {
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs: number;
  /** log.flush.scheduler.interval.ms: how often flush.ms is checked. */
  flushSchedulerIntervalMs: number;
  /** log.flush.offset.checkpoint.interval.ms */
  flushOffsetCheckpointIntervalMs: number;
  /** log.cleaner.backoff.ms: pause of the cleaner when no log needs cleaning. */
  cleanerBackoffMs: number;
  /** log.cleaner.dedupe.buffer.size: bytes of the cleaner's key map (bounds its memory). */
  cleanerDedupeBufferSize: number;
  /** log.cleaner.io.buffer.size: read buffer of the cleaner. */
  cleanerIoBufferSize: number;
  /** log.cleaner.enable */
  cleanerEnable: boolean;
  /** num.recovery.threads.per.data.dir: logs loaded (and recovered) at once per log dir. */
  recoveryThreadsPerDataDir: number;
}

export const DEFAULT_LOG_MANAGER_CONFIG: Readonly<LogManagerConfig> = Object.freeze({
  retentionCheckIntervalMs: 300_000,
  flushSchedulerIntervalMs: 1_000,
  flushOffsetCheckpointIntervalMs: 60_000,
  cleanerBackoffMs: 15_000,
  cleanerDedupeBufferSize: 128 * 1024 * 1024,
  cleanerIoBufferSize: 512 * 1024,
  cleanerEnable: true,
  recoveryThreadsPerDataDir: 2,
});

/** Fills the settings not given from `base`. */
export function resolveLogConfig(
  base: Readonly<LogConfig>,
  overrides?: Partial<LogConfig>,
): LogConfig {
  const out = { ...base };
  if (overrides) {
    for (const [k, v] of Object.entries(overrides)) {
      if (v !== undefined) (out as Record<string, unknown>)[k] = v;
    }
  }
  return out;
}

/** `segment.bytes` -> `segmentBytes`: Kafka's names converted mechanically. */
export function logConfigName(kafkaName: string): string {
  return kafkaName.replace(/\.([a-z])/g, (_m, c: string) => c.toUpperCase());
}

const LOG_CONFIG_KEYS = new Set(Object.keys(DEFAULT_LOG_CONFIG));

/**
 * The LogConfig overrides in a set of topic configs keyed by Kafka names (`retention.ms`,
 * `cleanup.policy`, ...), as the metadata layer holds them. Keys storage does not use are
 * ignored; longs may be bigint or string (Long.MAX_VALUE becomes "never");
 * `cleanup.policy` may be a list or a comma-separated string.
 */
export function logConfigFromTopicConfig(
  values: Readonly<Record<string, unknown>>,
): Partial<LogConfig> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(values)) {
    const key = logConfigName(name);
    if (!LOG_CONFIG_KEYS.has(key) || raw === undefined || raw === null) continue;
    const template = DEFAULT_LOG_CONFIG[key as keyof LogConfig];
    if (key === 'cleanupPolicy') {
      const parts = (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((p) =>
        p.trim(),
      );
      const compact = parts.includes('compact');
      const del = parts.includes('delete');
      out[key] = compact && del ? 'compact,delete' : compact ? 'compact' : 'delete';
    } else if (typeof template === 'number') {
      const n = typeof raw === 'bigint' ? Number(raw) : Number(raw);
      if (!Number.isNaN(n)) out[key] = Math.min(n, NEVER);
    } else if (typeof template === 'boolean') {
      out[key] = raw === true || raw === 'true';
    } else {
      out[key] = String(raw);
    }
  }
  return out as Partial<LogConfig>;
}
