import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_LOG_CONFIG,
  logConfigFromTopicConfig,
  resolveLogConfig,
} from '../../src/storage/index.js';

test('topic configs under Kafka names become LogConfig overrides', () => {
  const c = logConfigFromTopicConfig({
    'segment.bytes': 1024,
    'retention.ms': '-1',
    'flush.messages': 9223372036854775807n,
    'cleanup.policy': ['delete', 'compact'],
    'min.cleanable.dirty.ratio': 0.2,
    'message.timestamp.type': 'LogAppendTime',
    preallocate: 'true',
    'compression.type': 'zstd',
  });
  assert.deepEqual(c, {
    segmentBytes: 1024,
    retentionMs: -1,
    flushMessages: Number.MAX_SAFE_INTEGER,
    cleanupPolicy: 'compact,delete',
    minCleanableDirtyRatio: 0.2,
    messageTimestampType: 'LogAppendTime',
    preallocate: true,
  });
  assert.equal(logConfigFromTopicConfig({ 'cleanup.policy': 'compact' }).cleanupPolicy, 'compact');
  assert.equal(resolveLogConfig(DEFAULT_LOG_CONFIG, c).indexIntervalBytes, 4096);
});
