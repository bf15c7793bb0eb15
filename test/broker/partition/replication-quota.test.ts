// The follower replication throttle's bucket, on a simulated clock: one second of the rate to
// start with, nothing while it is spent, refilled at the rate, a new rate taking effect at
// once; and the throttled-replicas config as Kafka writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ReplicationQuota,
  isThrottledReplica,
} from '../../../src/broker/partition/replication-quota.js';

test('the bucket holds one second of the rate and refills at the rate', () => {
  let now = 0;
  let rate = 1000;
  const quota = new ReplicationQuota({ rateBytesPerSec: () => rate, monotonicMs: () => now });
  assert.equal(quota.enabled, true);
  assert.equal(quota.available(), 1000);
  quota.record(1500);
  assert.equal(quota.available(), -500);
  assert.equal(quota.waitMs(), 501);
  now += 500;
  assert.equal(quota.available(), 0);
  now += 250;
  assert.equal(quota.available(), 250);
  assert.equal(quota.waitMs(), 0);
  now += 10_000;
  assert.equal(quota.available(), 1000, 'never more than one second of the rate');
  rate = 10;
  assert.equal(quota.available(), 10, 'a new rate starts with one second of it');
  rate = Number.MAX_SAFE_INTEGER;
  assert.equal(quota.enabled, false);
});

test('throttled replicas: "*" or partition:broker pairs', () => {
  assert.equal(isThrottledReplica(undefined, 0, 1), false);
  assert.equal(isThrottledReplica('', 0, 1), false);
  assert.equal(isThrottledReplica('*', 3, 1), true);
  assert.equal(isThrottledReplica('0:1,1:2', 1, 2), true);
  assert.equal(isThrottledReplica('0:1,1:2', 1, 1), false);
  assert.equal(isThrottledReplica('0:1, 2:3', 2, 3), true);
});
