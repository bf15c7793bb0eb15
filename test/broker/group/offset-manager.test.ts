import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode, type OffsetCommitRequest } from '../../../src/protocol/index.js';
import { parseCoordinatorRecord } from '../../../src/broker/group/index.js';
import { LogStorageError } from '../../../src/storage/index.js';
import { harness, stableGroup } from './support.js';

function commitRequest(
  groupId: string,
  o: Partial<OffsetCommitRequest> = {},
  offset = 42n,
): OffsetCommitRequest {
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: 't',
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: 3,
            committedMetadata: 'meta',
          },
          {
            partitionIndex: 1,
            committedOffset: offset + 1n,
            committedLeaderEpoch: -1,
            committedMetadata: null,
          },
        ],
      },
    ],
    ...o,
  };
}

const errorsOf = (r: { topics: { partitions: { errorCode: number }[] }[] }) =>
  r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

test('a simple group commits and fetches; metadata and leader epochs round-trip', async () => {
  const h = await harness();
  const r = await h.coordinator.commitOffsets(commitRequest('simple'), 8);
  assert.deepEqual(errorsOf(r), [0, 0]);
  const f = h.coordinator.fetchOffsets('simple', [{ name: 't', partitionIndexes: [0, 1, 2] }]);
  assert.deepEqual(
    f.topics[0]!.partitions.map((p) => [p.committedOffset, p.committedLeaderEpoch, p.metadata]),
    [
      [42n, 3, 'meta'],
      [43n, -1, ''],
      [-1n, -1, ''],
    ],
  );
  const all = h.coordinator.fetchOffsets('simple', null);
  assert.equal(all.topics[0]!.partitions.length, 2);
  assert.equal(h.coordinator.describeGroup('simple', { notFoundError: true }).groupState, 'Empty');
});

test('offsets and groups survive a restart: a new coordinator replays the log', async () => {
  const h = await harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 2);
  const c = commitRequest(
    'g',
    { generationIdOrMemberEpoch: generationId, memberId: memberIds[0]! },
    100n,
  );
  assert.deepEqual(errorsOf(await h.coordinator.commitOffsets(c, 8)), [0, 0]);
  h.coordinator.close();
  const again = await harness({}, { log: h.log, timer: h.timer });
  const f = again.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }]);
  assert.equal(f.topics[0]!.partitions[0]!.committedOffset, 100n);
  assert.equal(f.topics[0]!.partitions[0]!.metadata, 'meta');
  const d = again.coordinator.describeGroup('g', { notFoundError: true });
  assert.equal(d.groupState, 'Stable');
  assert.deepEqual(d.members.map((m) => m.memberId).sort(), [...memberIds].sort());
  // Loaded members must heartbeat within their session timeout, or they are removed.
  again.timer.advance(10000);
  assert.equal(again.coordinator.describeGroup('g', { notFoundError: true }).groupState, 'Empty');
});

test('commits from a member check generation and membership', async () => {
  const h = await harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 1);
  const member = { memberId: memberIds[0]! };
  const stale = commitRequest('g', { generationIdOrMemberEpoch: generationId + 1, ...member });
  assert.deepEqual(errorsOf(await h.coordinator.commitOffsets(stale, 8)), [22, 22]);
  const stranger = commitRequest('g', { generationIdOrMemberEpoch: generationId, memberId: 'x' });
  assert.deepEqual(errorsOf(await h.coordinator.commitOffsets(stranger, 8)), [25, 25]);
  const outsider = commitRequest('g');
  assert.deepEqual(errorsOf(await h.coordinator.commitOffsets(outsider, 8)), [25, 25]);
  const noGroup = commitRequest('nope', { generationIdOrMemberEpoch: 3, memberId: 'm' });
  assert.deepEqual(errorsOf(await h.coordinator.commitOffsets(noGroup, 8)), [22, 22]);
  assert.deepEqual(errorsOf(await h.coordinator.commitOffsets(noGroup, 9)), [69, 69]);
});

test('oversized metadata is refused per partition; a failed write is retriable', async () => {
  const h = await harness({ offsetMetadataMaxBytes: 3 });
  const r = await h.coordinator.commitOffsets(commitRequest('g'), 8);
  assert.deepEqual(errorsOf(r), [ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
  h.log.failAppends = true;
  const failed = await h.coordinator.commitOffsets(commitRequest('g', {}, 7n), 8);
  assert.deepEqual(errorsOf(failed), [
    ErrorCode.OFFSET_METADATA_TOO_LARGE,
    ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ]);
  const f = h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [1] }]);
  assert.equal(f.topics[0]!.partitions[0]!.committedOffset, 43n, 'a failed write changes nothing');
});

test('a write refused by a failing disk is NOT_COORDINATOR, as Kafka answers KAFKA_STORAGE_ERROR there', async () => {
  const h = await harness();
  h.log.append = () => Promise.reject(new LogStorageError('append failed: ENOSPC'));
  const failed = await h.coordinator.commitOffsets(commitRequest('g', {}, 7n), 8);
  assert.deepEqual(errorsOf(failed), [ErrorCode.NOT_COORDINATOR, ErrorCode.NOT_COORDINATOR]);
  const f = h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [1] }]);
  assert.equal(f.topics[0]!.partitions[0]!.committedOffset, -1n, 'nothing was committed');
});

test('deleting a group writes tombstones for its offsets and itself; members block deletion', async () => {
  const h = await harness();
  await h.coordinator.commitOffsets(commitRequest('simple'), 8);
  await stableGroup(h, 'busy', 1);
  assert.equal(await h.coordinator.deleteGroup('busy'), ErrorCode.NON_EMPTY_GROUP);
  assert.equal(await h.coordinator.deleteGroup('ghost'), ErrorCode.GROUP_ID_NOT_FOUND);
  assert.equal(await h.coordinator.deleteGroup('simple'), ErrorCode.NONE);
  const written = h.log.partitions.get(h.coordinator.partitionFor('simple'))!.slice(-3);
  assert.deepEqual(
    written.map((r) => [parseCoordinatorRecord(r).type, r.value]),
    [
      ['offset', null],
      ['offset', null],
      ['group', null],
    ],
  );
  assert.equal(h.coordinator.fetchOffsets('simple', null).topics.length, 0);
  assert.equal(h.coordinator.describeGroup('simple', { notFoundError: true }).errorCode, 69);
  const again = await harness({}, { log: h.log, timer: h.timer });
  assert.equal(
    again.coordinator.fetchOffsets('simple', null).topics.length,
    0,
    'deleted after replay too',
  );
});

test('offsets of an empty group expire after offsets.retention.minutes, then the group goes', async () => {
  const h = await harness({ offsetsRetentionMs: 60000, offsetsRetentionCheckIntervalMs: 1000 });
  await h.coordinator.commitOffsets(commitRequest('old'), 8);
  h.timer.advance(30000);
  await h.coordinator.commitOffsets(commitRequest('new'), 8);
  h.timer.advance(31000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(h.coordinator.fetchOffsets('old', null).topics.length, 0);
  assert.equal(h.coordinator.fetchOffsets('new', null).topics[0]!.partitions.length, 2);
  assert.deepEqual(
    h.coordinator.listGroups([], []).map((g) => g.groupId),
    ['new'],
  );
});

test('OffsetDelete: refused for topics the group consumes, allowed for others', async () => {
  const h = await harness();
  // A consumer subscription (version 0) for topic "t".
  const subscription = Buffer.from([0, 0, 0, 0, 0, 1, 0, 1, 0x74, 0xff, 0xff, 0xff, 0xff]);
  const { memberIds, generationId } = await stableGroup(h, 'g', 1, {
    protocols: [{ name: 'range', metadata: subscription }],
  });
  const commit = commitRequest('g', {
    generationIdOrMemberEpoch: generationId,
    memberId: memberIds[0]!,
  });
  commit.topics.push({ ...commit.topics[0]!, name: 'other' });
  await h.coordinator.commitOffsets(commit, 8);
  const r = await h.coordinator.deleteOffsets({
    groupId: 'g',
    topics: [
      { name: 't', partitions: [{ partitionIndex: 0 }] },
      { name: 'other', partitions: [{ partitionIndex: 0 }] },
    ],
  });
  assert.deepEqual(errorsOf(r), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE]);
  const left = h.coordinator
    .fetchOffsets('g', null)
    .topics.map((t) => [t.name, t.partitions.length]);
  assert.deepEqual(left, [
    ['t', 2],
    ['other', 1],
  ]);
});

test('ListGroups filters by state and type', async () => {
  const h = await harness();
  await h.coordinator.commitOffsets(commitRequest('simple'), 8);
  await stableGroup(h, 'live', 1);
  assert.deepEqual(
    h.coordinator.listGroups(['stable'], []).map((g) => g.groupId),
    ['live'],
  );
  assert.equal(h.coordinator.listGroups([], ['consumer']).length, 0);
  assert.equal(h.coordinator.listGroups([], ['Classic']).length, 2);
});
