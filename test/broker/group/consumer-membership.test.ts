import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode,
  createOffsetCommitRequest,
  type ConsumerGroupHeartbeatRequest,
  type ConsumerGroupHeartbeatResponse,
} from '../../../src/protocol/index.js';
import {
  GroupCoordinator,
  MemoryCoordinatorLog,
  type TopicLookup,
} from '../../../src/broker/group/index.js';
import { SimulatedEnvironment } from '../../../src/util/index.js';
import { join } from './support.js';

const T = '11111111-1111-1111-1111-111111111111';
const U = '22222222-2222-2222-2222-222222222222';
const topics: TopicLookup = {
  byName: (n) =>
    n === 't'
      ? { topicId: T, partitionCount: 6 }
      : n === 'u'
        ? { topicId: U, partitionCount: 2 }
        : undefined,
  byId: (id) =>
    id === T
      ? { name: 't', partitionCount: 6 }
      : id === U
        ? { name: 'u', partitionCount: 2 }
        : undefined,
  names: () => ['t', 'u', '__consumer_offsets'],
};

async function setup(shared?: { log: MemoryCoordinatorLog; timer: SimulatedEnvironment }) {
  const timer = shared?.timer ?? new SimulatedEnvironment();
  const log = shared?.log ?? new MemoryCoordinatorLog();
  const coordinator = new GroupCoordinator({
    log,
    environment: timer,
    topics,
    config: { offsetsTopicNumPartitions: 3, groupInitialRebalanceDelayMs: 0 },
  });
  await coordinator.load();
  const hb = (
    o: Partial<ConsumerGroupHeartbeatRequest> & { memberId: string; memberEpoch: number },
  ) =>
    coordinator.consumerGroupHeartbeat(
      {
        groupId: 'cg',
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: 30000,
        subscribedTopicNames: null,
        subscribedTopicRegex: null,
        serverAssignor: null,
        topicPartitions: null,
        ...o,
      },
      { clientId: 'c', clientHost: '/127.0.0.1', apiVersion: 1 },
    );
  const joinAs = (memberId: string, extra: Partial<ConsumerGroupHeartbeatRequest> = {}) =>
    hb({ memberId, memberEpoch: 0, subscribedTopicNames: ['t'], topicPartitions: [], ...extra });
  return { coordinator, timer, log, hb, joinAs };
}

const parts = (r: ConsumerGroupHeartbeatResponse) =>
  r.assignment === null
    ? null
    : r.assignment.topicPartitions.flatMap((t) => t.partitions).sort((a, b) => a - b);

test('two members: the second gets partitions only after the first revokes them; epochs advance', async () => {
  const { coordinator, hb, joinAs } = await setup();
  const a1 = await joinAs('a');
  assert.deepEqual([a1.errorCode, a1.memberEpoch, parts(a1)], [0, 1, [0, 1, 2, 3, 4, 5]]);
  assert.equal(a1.heartbeatIntervalMs, 5000);
  const b1 = await joinAs('b');
  assert.deepEqual([b1.memberEpoch, parts(b1)], [2, []], 'b waits: a still owns everything');
  const a2 = await hb({ memberId: 'a', memberEpoch: 1 });
  assert.equal(a2.memberEpoch, 1, 'a stays at its epoch until it has revoked');
  const kept = parts(a2)!;
  assert.equal(kept.length, 3);
  assert.equal(coordinator.consumerGroupDescribe('cg').groupState, 'Reconciling');
  const a3 = await hb({
    memberId: 'a',
    memberEpoch: 1,
    topicPartitions: [{ topicId: T, partitions: kept }],
  });
  assert.deepEqual(
    [a3.memberEpoch, a3.assignment],
    [2, null],
    'revoked: epoch 2, assignment unchanged',
  );
  const b2 = await hb({ memberId: 'b', memberEpoch: 2 });
  const bParts = parts(b2)!;
  assert.deepEqual([...kept, ...bParts].sort(), [0, 1, 2, 3, 4, 5]);
  const d = coordinator.consumerGroupDescribe('cg');
  assert.deepEqual(
    [d.groupState, d.groupEpoch, d.assignmentEpoch, d.assignorName],
    ['Stable', 2, 2, 'uniform'],
  );
  assert.equal(d.members[0]!.assignment.topicPartitions[0]!.topicName, 't');
});

test('fencing: wrong epochs and unknown members; a lost response is forgiven', async () => {
  const { hb, joinAs } = await setup();
  await joinAs('a');
  assert.equal(
    (await hb({ memberId: 'a', memberEpoch: 5 })).errorCode,
    ErrorCode.FENCED_MEMBER_EPOCH,
  );
  assert.equal(
    (await hb({ memberId: 'zz', memberEpoch: 1 })).errorCode,
    ErrorCode.UNKNOWN_MEMBER_ID,
  );
  await joinAs('b');
  await hb({
    memberId: 'a',
    memberEpoch: 1,
    topicPartitions: [{ topicId: T, partitions: [0, 1, 2] }],
  });
  // a moved to epoch 2 but missed the answer: epoch 1 with a subset of its partitions is fine.
  const again = await hb({
    memberId: 'a',
    memberEpoch: 1,
    topicPartitions: [{ topicId: T, partitions: [0, 1, 2] }],
  });
  assert.equal(again.errorCode, ErrorCode.NONE);
  assert.equal(again.memberEpoch, 2);
});

test('bad requests: no subscription on join, a bad regex, unknown assignor, empty member id in v1', async () => {
  const { hb, joinAs } = await setup();
  assert.equal(
    (await hb({ memberId: 'a', memberEpoch: 0, topicPartitions: [] })).errorCode,
    ErrorCode.INVALID_REQUEST,
  );
  assert.equal(
    (await joinAs('a', { subscribedTopicRegex: '(' })).errorCode,
    ErrorCode.INVALID_REGULAR_EXPRESSION,
  );
  assert.equal(
    (await joinAs('a', { serverAssignor: 'sticky' })).errorCode,
    ErrorCode.UNSUPPORTED_ASSIGNOR,
  );
  assert.equal((await joinAs('')).errorCode, ErrorCode.INVALID_REQUEST);
});

test('leaving hands partitions over; a silent member is removed after the session timeout', async () => {
  const { coordinator, timer, hb, joinAs } = await setup();
  await joinAs('a');
  await joinAs('b');
  await hb({
    memberId: 'a',
    memberEpoch: 1,
    topicPartitions: [{ topicId: T, partitions: [0, 1, 2] }],
  });
  const left = await hb({ memberId: 'a', memberEpoch: -1 });
  assert.equal(left.memberEpoch, -1);
  const b = await hb({ memberId: 'b', memberEpoch: 2 });
  assert.deepEqual(parts(b), [0, 1, 2, 3, 4, 5]);
  timer.advance(45000);
  assert.equal(coordinator.consumerGroupDescribe('cg').groupState, 'Empty');
  assert.deepEqual(
    coordinator.listGroups([], ['consumer']).map((g) => [g.groupId, g.groupState]),
    [['cg', 'Empty']],
  );
});

test('the range assignor gives contiguous ranges; subscriptions to several topics', async () => {
  const { hb, joinAs } = await setup();
  await joinAs('a', { serverAssignor: 'range', subscribedTopicNames: ['t', 'u'] });
  await joinAs('b', { serverAssignor: 'range', subscribedTopicNames: ['t', 'u'] });
  const a = await hb({ memberId: 'a', memberEpoch: 1 });
  assert.deepEqual(
    a.assignment!.topicPartitions.map((t) => [t.topicId, t.partitions]),
    [
      [T, [0, 1, 2]],
      [U, [0]],
    ],
  );
});

test('static member leaving with -2 keeps its partitions for a rejoin under a new id', async () => {
  const { hb, joinAs } = await setup();
  await joinAs('a', { instanceId: 'i' });
  const left = await hb({ memberId: 'a', memberEpoch: -2, instanceId: 'i' });
  assert.equal(left.memberEpoch, -2);
  const back = await joinAs('a2', { instanceId: 'i' });
  assert.deepEqual([back.errorCode, back.memberEpoch, parts(back)], [0, 1, [0, 1, 2, 3, 4, 5]]);
  assert.equal(
    (await joinAs('a3', { instanceId: 'i' })).errorCode,
    ErrorCode.UNRELEASED_INSTANCE_ID,
  );
});

test('commits check member epochs; classic members cannot join a consumer group', async () => {
  const { coordinator, hb, joinAs } = await setup();
  await joinAs('a');
  await joinAs('b');
  const commit = (memberId: string, epoch: number) =>
    coordinator.commitOffsets(
      createOffsetCommitRequest({
        groupId: 'cg',
        memberId,
        generationIdOrMemberEpoch: epoch,
        topics: [
          {
            name: 't',
            topicId: T,
            partitions: [
              {
                partitionIndex: 0,
                committedOffset: 5n,
                committedLeaderEpoch: -1,
                committedMetadata: '',
              },
            ],
          },
        ],
      }),
      9,
    );
  const code = async (memberId: string, epoch: number) =>
    (await commit(memberId, epoch)).topics[0]!.partitions[0]!.errorCode;
  assert.equal(await code('b', 2), ErrorCode.NONE);
  assert.equal(await code('a', 1), ErrorCode.NONE);
  await hb({
    memberId: 'a',
    memberEpoch: 1,
    topicPartitions: [{ topicId: T, partitions: [0, 1, 2] }],
  });
  assert.equal(await code('a', 1), ErrorCode.STALE_MEMBER_EPOCH);
  assert.equal(await code('a', 9), ErrorCode.FENCED_MEMBER_EPOCH);
  assert.equal(await code('x', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(
    (await join({ coordinator } as never, 'cg')).errorCode,
    ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
  );
});

test('consumer groups are written to the log and rebuilt by replay after a restart', async () => {
  const first = await setup();
  await first.joinAs('a');
  await first.joinAs('b');
  await first.hb({
    memberId: 'a',
    memberEpoch: 1,
    topicPartitions: [{ topicId: T, partitions: [0, 1, 2] }],
  });
  await first.hb({ memberId: 'b', memberEpoch: 2 });
  const before = first.coordinator.consumerGroupDescribe('cg');
  first.coordinator.close();
  const second = await setup({ log: first.log, timer: first.timer });
  const after = second.coordinator.consumerGroupDescribe('cg');
  const view = (d: typeof before) => [
    d.groupState,
    d.groupEpoch,
    d.assignmentEpoch,
    d.members.map((m) => [
      m.memberId,
      m.memberEpoch,
      m.assignment.topicPartitions,
      m.targetAssignment.topicPartitions,
    ]),
  ];
  assert.deepEqual(view(after), view(before));
  const a = await second.hb({ memberId: 'a', memberEpoch: 2 });
  assert.equal(a.errorCode, ErrorCode.NONE, 'a member carries on with its epoch after the restart');
  assert.equal((await second.hb({ memberId: 'a', memberEpoch: -1 })).errorCode, ErrorCode.NONE);
  assert.equal((await second.hb({ memberId: 'b', memberEpoch: -1 })).errorCode, ErrorCode.NONE);
  assert.equal(await second.coordinator.deleteGroup('cg'), ErrorCode.NONE);
  second.coordinator.close();
  const third = await setup({ log: first.log, timer: first.timer });
  assert.equal(
    third.coordinator.consumerGroupDescribe('cg').errorCode,
    ErrorCode.GROUP_ID_NOT_FOUND,
  );
});

test('a regular-expression subscription matches whole topic names, never internal topics', async () => {
  const { coordinator, joinAs } = await setup();
  const r = await joinAs('a', { subscribedTopicNames: null, subscribedTopicRegex: '[tu]|__.*' });
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    r.assignment!.topicPartitions.map((t) => [t.topicId, t.partitions.length]),
    [
      [T, 6],
      [U, 2],
    ],
  );
  assert.equal(
    coordinator.consumerGroupDescribe('cg').members[0]!.subscribedTopicRegex,
    '[tu]|__.*',
  );
});
