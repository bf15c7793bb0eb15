// The replica manager counts ISR shrinks and expansions of the partitions this node leads, as
// assignments with a different ISR arrive (Kafka's IsrShrinksPerSec / IsrExpandsPerSec).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import { LogManager } from '../../../src/storage/index.js';
import { MemoryFileSystem } from '../../../src/util/index.js';

test('ISR shrinks and expansions are counted on the leader only', async () => {
  const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
  const logs = await LogManager.open({ logDirs: ['/data'], fs: new MemoryFileSystem() });
  const rm = new ReplicaManager({ logs, broker, nowMs: () => 1_000_000 });
  const spec = { topic: 't', partition: 0, topicId: '00000000-0000-0000-0000-000000000009' };
  const assign = (leader: number, isr: number[], leaderEpoch = 0) =>
    rm.ensurePartition({ ...spec, leader, leaderEpoch, replicas: [1, 2, 3], isr });
  await assign(1, [1, 2, 3]);
  assert.deepEqual(rm.isrChanges, { shrinks: 0, expands: 0 });
  await assign(1, [1, 2]);
  assert.deepEqual(rm.isrChanges, { shrinks: 1, expands: 0 });
  await assign(1, [1, 2, 3]);
  assert.deepEqual(rm.isrChanges, { shrinks: 1, expands: 1 });
  // One replaced by another: a shrink and an expansion.
  await assign(1, [1, 3]);
  await assign(1, [1, 2]);
  assert.deepEqual(rm.isrChanges, { shrinks: 3, expands: 2 });
  // A follower does not count the leader's ISR changes.
  await assign(2, [2, 3], 1);
  await assign(2, [2], 1);
  assert.deepEqual(rm.isrChanges, { shrinks: 3, expands: 2 });
  assert.equal(rm.offlineCount, 0);
  assert.deepEqual(
    [...rm.heldPartitions()].map((p) => `${p.topic}-${p.partition}`),
    ['t-0'],
  );
  await rm.close();
  await logs.close();
});
