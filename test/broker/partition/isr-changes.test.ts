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

test('a partition that opens as leader gives its ISR followers replica.lag.time.max.ms to fetch', async () => {
  const broker = resolveBrokerConfig(
    new Map([
      ['log.dirs', '/data'],
      ['node.id', '1'],
    ]),
  ).config!;
  const logs = await LogManager.open({ logDirs: ['/data'], fs: new MemoryFileSystem() });
  let now = 1_000_000;
  const proposed: number[][] = [];
  const rm = new ReplicaManager({
    logs,
    broker,
    nowMs: () => now,
    replicaLagTimeMaxMs: 10_000,
    // The controller this test plays: it records each proposal and answers nothing yet.
    controller: {
      alterPartition: (request) => {
        proposed.push(request.topics[0]!.partitions[0]!.newIsrWithEpochs.map((b) => b.brokerId));
        return new Promise(() => {});
      },
      close: () => undefined,
    },
  });
  await rm.ensurePartition({
    topic: 't',
    partition: 0,
    topicId: '00000000-0000-0000-0000-00000000000a',
    leader: 1,
    leaderEpoch: 0,
    replicas: [1, 2, 3],
    isr: [1, 2, 3],
  });
  rm.maybeShrinkIsr();
  now += 10_000;
  rm.maybeShrinkIsr();
  assert.deepEqual(proposed, [], 'no follower is dropped within the lag time');
  now += 1;
  rm.maybeShrinkIsr();
  assert.deepEqual(proposed, [[1]], 'followers that never fetched leave after it');
  await rm.close();
  await logs.close();
});
