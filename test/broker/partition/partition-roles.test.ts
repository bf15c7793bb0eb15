// Partitions with a role: a leader tracks its followers' log end offsets and advances the high
// watermark to the smallest of the ISR; acks=all waits for it (or times out); a follower keeps
// its log and refuses produce and consumer fetches; the metadata image moves partitions
// between roles. There is no replica fetcher yet: followers are simulated by Fetch requests
// that carry their replica id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import {
  ReplicaManager,
  type LeadershipChange,
  type PartitionSpec,
} from '../../../src/broker/partition/index.js';
import type { CancelTimer, Timers } from '../../../src/util/index.js';
import { openLedPartitions } from '../../../src/broker/partition/metadata-sync.js';
import { MetadataImage, MetadataRecordType } from '../../../src/metadata/index.js';
import { encodeRecordBatchSync, splitRecordBatches } from '../../../src/protocol/records/index.js';

// This broker is node 1 (the default node.id); node 2 and 3 are simulated followers.
const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-000000000002';

/** Timers fired by the test, not by the clock. */
class ManualTimers implements Timers {
  readonly pending = new Set<{ fn: () => void; ms: number }>();
  schedule(ms: number, fn: () => void): CancelTimer {
    const t = { fn, ms };
    this.pending.add(t);
    return () => {
      this.pending.delete(t);
    };
  }
  fireAll(): void {
    for (const t of [...this.pending]) {
      this.pending.delete(t);
      t.fn();
    }
  }
}

async function setup(spec: Partial<PartitionSpec>, overrides?: Map<string, string>) {
  const fs = new MemoryFileSystem();
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  const timers = new ManualTimers();
  const rm = new ReplicaManager({ logs, broker, nowMs: () => 5_000, timers });
  const changes: LeadershipChange[] = [];
  rm.onLeadershipChange((c) => {
    changes.push(c);
  });
  await rm.ensurePartition(
    { topic: 't', partition: 0, topicId: TOPIC_ID, leaderEpoch: 0, ...spec },
    overrides,
  );
  const close = async () => {
    await rm.close();
    await logs.close();
  };
  return { rm, logs, timers, changes, close };
}

const batch = (...values: string[]) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    { timestamp: 5_000 },
  );

const produce = (rm: ReplicaManager, acks: number, ...values: string[]) =>
  rm.append('t', 0, { records: batch(...values), acks, apiVersion: 9 });

/** A consumer's fetch (replicaId -1) or a follower's (its broker id). */
async function fetch(rm: ReplicaManager, fetchOffset: number, replicaId = -1) {
  const [answer] = await rm.fetchPartitions(
    [{ topic: 't', partition: 0, fetchOffset, maxBytes: 1 << 20, currentLeaderEpoch: -1 }],
    { maxBytes: 1 << 20, minBytes: 0, maxWaitMs: 0, isolationLevel: 0, replicaId },
  );
  return answer!;
}

const batchesIn = (records: Buffer) => [...splitRecordBatches(records)].length;

test('alone in the ISR, the high watermark follows each local append', async () => {
  const { rm, close } = await setup({});
  const p = rm.getPartition('t', 0)!;
  assert.equal(p.role, 'leader');
  assert.deepEqual(p.isr, [1]);
  await produce(rm, 1, 'a', 'b');
  assert.equal(p.highWatermark, 2);
  assert.equal((await produce(rm, -1, 'c')).error, null);
  assert.equal(p.highWatermark, 3);
  await close();
});

test('the leader advances the high watermark to the smallest log end offset of the ISR', async () => {
  const { rm, close } = await setup({ leader: 1, replicas: [1, 2, 3], isr: [1, 2] });
  const p = rm.getPartition('t', 0)!;
  await produce(rm, 1, 'a', 'b');
  await produce(rm, 1, 'c');
  assert.equal(p.logEndOffset, 3);
  assert.equal(p.highWatermark, 0, 'follower 2 of the ISR has nothing yet');

  // Consumers read up to the high watermark only; a follower reads up to the log end.
  const consumer = await fetch(rm, 0);
  assert.equal(consumer.error, null);
  assert.equal(consumer.highWatermark, 0);
  assert.equal(consumer.records.length, 0);
  const follower = await fetch(rm, 0, 2);
  assert.equal(follower.error, null);
  assert.equal(batchesIn(follower.records), 2);
  assert.equal(p.highWatermark, 0, 'fetching offset 0 says the follower has nothing');

  // The next fetch offset is its log end; an ISR member counts as caught up from when the
  // leadership began (the partition opened as leader at 5000) until it lags.
  await fetch(rm, 2, 2);
  assert.deepEqual(p.followerState(2), { logEndOffset: 2, lastCaughtUpTimeMs: 5_000 });
  assert.equal(p.highWatermark, 2);
  assert.equal(batchesIn((await fetch(rm, 0)).records), 1);
  await fetch(rm, 3, 2);
  assert.deepEqual(p.followerState(2), { logEndOffset: 3, lastCaughtUpTimeMs: 5_000 });
  assert.equal(p.highWatermark, 3);

  // Replica 3 is not in the ISR: its fetches are recorded but do not hold the watermark.
  await fetch(rm, 0, 3);
  assert.equal(p.followerState(3)!.logEndOffset, 0);
  assert.equal(p.highWatermark, 3);
  // A broker that is no replica of the partition is refused.
  assert.equal((await fetch(rm, 0, 7)).error, 'NOT_LEADER_OR_FOLLOWER');
  await close();
});

test('acks=all completes when the ISR has the batch, or times out with REQUEST_TIMED_OUT', async () => {
  const { rm, timers, close } = await setup({ leader: 1, replicas: [1, 2], isr: [1, 2] });
  const p = rm.getPartition('t', 0)!;
  let answered = false;
  const waiting = produce(rm, -1, 'a', 'b').then((r) => {
    answered = true;
    return r;
  });
  // acks=1 in the meantime is answered after the local write.
  assert.equal((await produce(rm, 1, 'c')).baseOffset, 2);
  assert.equal(p.delayedProduces, 1);
  assert.equal(answered, false);
  await fetch(rm, 1, 2);
  assert.equal(answered, false, 'offset 1 is not replicated yet');
  await fetch(rm, 2, 2);
  const r = await waiting;
  assert.equal(r.error, null);
  assert.equal(r.baseOffset, 0);
  assert.equal(p.delayedProduces, 0);

  const late = produce(rm, -1, 'd');
  while (p.delayedProduces === 0) await new Promise((resolve) => setImmediate(resolve));
  timers.fireAll();
  const timedOut = await late;
  assert.equal(timedOut.error, 'REQUEST_TIMED_OUT');
  // As in Kafka the records stay in the log; the high watermark reaches them later.
  assert.equal(p.logEndOffset, 4);
  await close();
});

test('acks=all with fewer in-sync replicas than min.insync.replicas is NOT_ENOUGH_REPLICAS', async () => {
  const configs = new Map([['min.insync.replicas', '2']]);
  const { rm, close } = await setup({ leader: 1, replicas: [1, 2], isr: [1] }, configs);
  const refused = await produce(rm, -1, 'a');
  assert.equal(refused.error, 'NOT_ENOUGH_REPLICAS');
  assert.equal(rm.getPartition('t', 0)!.logEndOffset, 0, 'nothing was written');
  assert.equal((await produce(rm, 1, 'a')).error, null, 'acks=1 does not need the ISR');
  await close();
});

test('a follower keeps its log and refuses produce and consumer fetches; roles follow the image', async () => {
  const { rm, changes, close } = await setup({ leader: 1, replicas: [1, 2], isr: [1, 2] });
  const p = rm.getPartition('t', 0)!;
  await produce(rm, 1, 'a');
  const waiting = produce(rm, -1, 'b');
  while (p.delayedProduces === 0) await new Promise((resolve) => setImmediate(resolve));

  const base = { topic: 't', partition: 0, topicId: TOPIC_ID, replicas: [1, 2] };
  await rm.ensurePartition({ ...base, leader: 2, leaderEpoch: 1, isr: [1, 2] });
  assert.equal(p.role, 'follower');
  assert.equal(p.leaderId, 2);
  assert.equal((await waiting).error, 'NOT_LEADER_OR_FOLLOWER', 'waiting acks=all is released');
  assert.equal((await produce(rm, 1, 'c')).error, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal((await fetch(rm, 0)).error, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(rm.leaderPartition('t', 0).error, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(rm.leaderPartition('t', 0, 0).error, 'FENCED_LEADER_EPOCH');
  const marker = { producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, commit: true };
  assert.equal((await rm.writeTxnMarker('t', 0, marker)).error, 'NOT_LEADER_OR_FOLLOWER');
  assert.equal(p.logEndOffset, 2, 'the follower keeps its log');
  // Its log is no stray.
  assert.deepEqual(await rm.deleteStrayLogs(), []);

  await rm.ensurePartition({ ...base, leader: 1, leaderEpoch: 2, isr: [1] });
  assert.equal(p.role, 'leader');
  assert.equal(p.leaderEpoch, 2);
  assert.equal(p.endOffsetForEpoch(2).endOffset, 2);
  assert.equal((await produce(rm, -1, 'd')).baseOffset, 2, 'alone in the ISR again');
  assert.deepEqual(
    changes.map((c) => [c.isLeader, c.leaderEpoch]),
    [
      [true, 0],
      [false, 1],
      [true, 2],
    ],
  );
  await close();
});

test('partitions this node follows open as followers from the image, and PartitionChange moves them', async () => {
  const fs = new MemoryFileSystem();
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  const rm = new ReplicaManager({ logs, broker });
  const image = new MetadataImage();
  const partition = (id: number, leader: number, replicas: number[]) => ({
    type: MetadataRecordType.Partition,
    value: {
      partitionId: id,
      topicId: TOPIC_ID,
      replicas,
      isr: replicas,
      removingReplicas: [],
      addingReplicas: [],
      leader,
      leaderRecoveryState: 0,
      leaderEpoch: 0,
      partitionEpoch: 0,
      directories: [],
      eligibleLeaderReplicas: null,
      lastKnownElr: null,
    },
  });
  image.replay([
    { type: MetadataRecordType.Topic, value: { name: 't', topicId: TOPIC_ID } },
    partition(0, 1, [1, 2]),
    partition(1, 2, [2, 1]),
    partition(2, 2, [2, 3]),
  ]);
  await openLedPartitions(rm, image.topic('t')!, 1);
  assert.equal(rm.getPartition('t', 0)!.role, 'leader');
  assert.equal(rm.getPartition('t', 1)!.role, 'follower');
  assert.equal(rm.getPartition('t', 2), undefined, 'no replica here');

  const changed = image.replay([
    {
      type: MetadataRecordType.PartitionChange,
      value: {
        partitionId: 1,
        topicId: TOPIC_ID,
        isr: [1],
        leader: 1,
        replicas: null,
        removingReplicas: null,
        addingReplicas: null,
        leaderRecoveryState: -1,
        directories: null,
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      },
    },
  ]);
  const change = changed[0]!;
  assert.equal(change.type, 'partitions-changed');
  if (change.type !== 'partitions-changed') return;
  await openLedPartitions(rm, change.topic, 1, change.partitionIds);
  const p1 = rm.getPartition('t', 1)!;
  assert.equal(p1.role, 'leader');
  assert.equal(p1.leaderEpoch, 1);
  assert.deepEqual(p1.isr, [1]);

  // Partition 0 moves to brokers 2 and 3: this node must stop leading it at once.
  const [moved] = image.replay([
    {
      type: MetadataRecordType.PartitionChange,
      value: {
        partitionId: 0,
        topicId: TOPIC_ID,
        isr: [2, 3],
        leader: 2,
        replicas: [2, 3],
        removingReplicas: null,
        addingReplicas: null,
        leaderRecoveryState: -1,
        directories: null,
        eligibleLeaderReplicas: null,
        lastKnownElr: null,
      },
    },
  ]);
  if (moved?.type !== 'partitions-changed') return assert.fail('no partitions-changed');
  await openLedPartitions(rm, moved.topic, 1, moved.partitionIds);
  // No longer a replica here (a completed reassignment): the partition and its log go.
  assert.equal(rm.getPartition('t', 0), undefined);
  assert.notEqual(rm.leaderPartition('t', 0).error, null);
  assert.equal(await fs.stat('/data/t-0'), null);
  await rm.close();
  await logs.close();
});

test('a follower that reaches where the leader ended at its previous fetch counts as caught up then', async () => {
  // Under a steady stream of appends a follower is never at the leader's current log end; it
  // is caught up as long as each fetch reaches where the leader was at the one before.
  const { rm, close } = await setup({ leader: 1, replicas: [1, 2], isr: [1, 2] });
  const p = rm.getPartition('t', 0)!;
  await produce(rm, 1, 'a');
  await fetch(rm, 0, 2);
  await produce(rm, 1, 'b');
  await fetch(rm, 1, 2);
  const caughtUp = p.followerState(2)!.lastCaughtUpTimeMs;
  assert.ok(caughtUp > 0, 'offset 1 is where the leader ended at the previous fetch');
  await produce(rm, 1, 'c');
  await fetch(rm, 1, 2);
  assert.equal(p.followerState(2)!.lastCaughtUpTimeMs, caughtUp, 'no progress: not caught up');
  await close();
});
