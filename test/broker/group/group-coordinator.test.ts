// Loading and unloading __consumer_offsets partitions: an unload drops the partition's groups,
// offsets and pending transactional offsets and answers parked requests NOT_COORDINATOR; a
// write in flight when its partition goes is not applied; a load brings everything back from
// the records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode,
  createOffsetCommitRequest,
  createTxnOffsetCommitRequest,
} from '../../../src/protocol/index.js';
import { harness, joinDynamic, type Harness } from './support.js';

const commit = (groupId: string, offset: bigint) =>
  createOffsetCommitRequest({
    groupId,
    generationIdOrMemberEpoch: -1,
    topics: [
      {
        name: 't',
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: -1,
            committedMetadata: '',
          },
        ],
      },
    ],
  });

const txnCommit = (groupId: string, offset: bigint) =>
  createTxnOffsetCommitRequest({
    transactionalId: 'tx',
    groupId,
    producerId: 7n,
    producerEpoch: 0,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: -1,
            committedMetadata: '',
          },
        ],
      },
    ],
  });

function fetched(h: Harness, groupId: string): { error: number; offset: bigint } {
  const r = h.coordinator.fetchOffsets(groupId, [{ name: 't', partitionIndexes: [0] }]);
  const p = r.topics[0]?.partitions[0];
  return { error: r.errorCode, offset: p?.committedOffset ?? -1n };
}

test('an unload answers a parked JoinGroup NOT_COORDINATOR and drops the group', async () => {
  const h = await harness({ groupInitialRebalanceDelayMs: 3000 });
  const { response } = await joinDynamic(h, 'g');
  await h.coordinator.unload([h.coordinator.partitionFor('g')]);
  assert.equal((await response).errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(h.coordinator.stats.groups, 0);
  assert.equal(fetched(h, 'g').error, ErrorCode.NOT_COORDINATOR);
});

test('offsets and pending transactional offsets go with their partition and come back', async () => {
  const h = await harness();
  await h.coordinator.commitOffsets(commit('g', 5n), 8);
  await h.coordinator.commitTransactionalOffsets(txnCommit('g', 9n));
  assert.deepEqual(h.coordinator.stats, { groups: 1, offsets: 1, pendingOffsets: 1 });
  const partition = h.coordinator.partitionFor('g');
  await h.coordinator.unload([partition]);
  assert.deepEqual(h.coordinator.stats, { groups: 0, offsets: 0, pendingOffsets: 0 });
  await h.coordinator.load([partition], 1);
  assert.deepEqual(h.coordinator.stats, { groups: 1, offsets: 1, pendingOffsets: 1 });
  assert.deepEqual(fetched(h, 'g'), { error: ErrorCode.NONE, offset: 5n });
  // The transaction's marker still ends the pending offsets after the reload.
  h.coordinator.onTxnMarker(partition, { producerId: 7n, commit: true });
  assert.deepEqual(fetched(h, 'g'), { error: ErrorCode.NONE, offset: 9n });
});

test('a commit written while its partition is unloaded is not applied, and is loaded later', async () => {
  const h = await harness();
  const partition = h.coordinator.partitionFor('g');
  const inFlight = h.coordinator.commitOffsets(commit('g', 5n), 8);
  const unloaded = h.coordinator.unload([partition]);
  const answer = await inFlight;
  assert.equal(answer.topics[0]!.partitions[0]!.errorCode, ErrorCode.NOT_COORDINATOR);
  await unloaded;
  assert.equal(h.coordinator.stats.offsets, 0);
  await h.coordinator.load([partition], 1);
  assert.deepEqual(fetched(h, 'g'), { error: ErrorCode.NONE, offset: 5n });
});

test('leadership changes load and unload; a repeated announcement changes nothing', async () => {
  const h = await harness();
  await h.coordinator.commitOffsets(commit('g', 5n), 8);
  const partition = h.coordinator.partitionFor('g');
  await h.coordinator.onLeadershipChange({ partition, isLeader: true, leaderEpoch: 0 });
  assert.equal(h.log.size, 1, 'nothing replayed twice');
  assert.deepEqual(fetched(h, 'g'), { error: ErrorCode.NONE, offset: 5n });
  await h.coordinator.onLeadershipChange({ partition, isLeader: false, leaderEpoch: 1 });
  assert.equal(fetched(h, 'g').error, ErrorCode.NOT_COORDINATOR);
  await h.coordinator.onLeadershipChange({ partition, isLeader: false, leaderEpoch: 1 });
  await h.coordinator.onLeadershipChange({ partition, isLeader: true, leaderEpoch: 2 });
  assert.deepEqual(fetched(h, 'g'), { error: ErrorCode.NONE, offset: 5n });
  assert.equal(h.coordinator.stats.offsets, 1);
});
