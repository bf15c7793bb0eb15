import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOG_CONFIG, resolveLogConfig } from '../../src/storage/index.js';
import {
  retentionSteps,
  segmentsBelowLogStart,
  type RetainedSegment,
} from '../../src/storage/log-retention.js';

/** Segments of 100 bytes at base offsets 0, 10, 20, …, the newest record of each at 1000 * i. */
function segments(n: number): RetainedSegment[] {
  return Array.from({ length: n }, (_, i) => ({
    baseOffset: i * 10,
    size: 100,
    maxTimestamp: 1000 * i,
    createdMs: 0,
  }));
}

test('segments wholly below the log start offset go, never the active one', () => {
  assert.equal(segmentsBelowLogStart(segments(4), 0), 0);
  assert.equal(segmentsBelowLogStart(segments(4), 19), 1, 'offsets 10-19 are still readable');
  assert.equal(segmentsBelowLogStart(segments(4), 20), 2);
  assert.equal(segmentsBelowLogStart(segments(4), 1000), 3, 'the active segment stays');
});

test('a pass deletes below the log start, then by age, then by size, each after the last', () => {
  const config = resolveLogConfig(DEFAULT_LOG_CONFIG, { retentionMs: 2500, retentionBytes: 150 });
  // Six segments; the log start is in the second; at 5000 the segments newest before 2500 are
  // too old (1000, 2000); then 300 bytes remain, and deleting one segment (not two) leaves at
  // least 150.
  const steps = retentionSteps(segments(6), { config, logStartOffset: 12, nowMs: 5000 });
  assert.deepEqual(steps, [
    { reason: 'log-start-offset', count: 1 },
    { reason: 'retention.ms', count: 2 },
    { reason: 'retention.bytes', count: 1 },
  ]);
});

test('a compacted log only loses what is below its log start offset', () => {
  const config = resolveLogConfig(DEFAULT_LOG_CONFIG, {
    retentionMs: 1,
    retentionBytes: 0,
    cleanupPolicy: 'compact',
  });
  const steps = retentionSteps(segments(5), { config, logStartOffset: 25, nowMs: 1e9 });
  assert.deepEqual(steps, [{ reason: 'log-start-offset', count: 2 }]);
});

test('a segment without timestamps ages from its creation', () => {
  const config = resolveLogConfig(DEFAULT_LOG_CONFIG, { retentionMs: 100 });
  const old = { baseOffset: 0, size: 1, maxTimestamp: -1, createdMs: 0 };
  const young = { baseOffset: 5, size: 1, maxTimestamp: -1, createdMs: 150 };
  const active = { baseOffset: 9, size: 1, maxTimestamp: -1, createdMs: 0 };
  const steps = retentionSteps([old, young, active], { config, logStartOffset: 0, nowMs: 200 });
  assert.deepEqual(steps, [{ reason: 'retention.ms', count: 1 }]);
});
