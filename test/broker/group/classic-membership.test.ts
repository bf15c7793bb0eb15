import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/protocol/index.js';
import { GroupCoordinator, MemoryCoordinatorLog } from '../../../src/broker/group/index.js';
import {
  formGroup,
  harness,
  heartbeat,
  join,
  joinDynamic,
  settle,
  stableGroup,
  sync,
} from './support.js';

test('two dynamic members: MEMBER_ID_REQUIRED, one generation, leader assigns, both Stable', async () => {
  const h = await harness();
  const { memberIds, responses } = await formGroup(h, 'g', 2);
  const [a, b] = memberIds as [string, string];
  const [ja, jb] = responses as [(typeof responses)[0], (typeof responses)[0]];
  assert.equal(ja.errorCode, ErrorCode.NONE);
  assert.equal(jb.errorCode, ErrorCode.NONE);
  assert.equal(ja.generationId, 1);
  assert.equal(jb.generationId, 1);
  assert.equal(ja.leader, a);
  assert.equal(ja.protocolName, 'range');
  assert.deepEqual(ja.members.map((m) => m.memberId).sort(), [a, b].sort());
  assert.deepEqual(jb.members, []);
  const follower = sync(h, 'g', { memberId: b, generationId: 1 });
  await settle();
  assert.equal(
    heartbeat(h, 'g', b, 1),
    ErrorCode.NONE,
    'a member may heartbeat while awaiting sync',
  );
  const leader = sync(h, 'g', {
    memberId: a,
    generationId: 1,
    assignments: [
      { memberId: a, assignment: Buffer.from('A') },
      { memberId: b, assignment: Buffer.from('B') },
    ],
  });
  assert.equal((await leader).assignment.toString(), 'A');
  assert.equal((await follower).assignment.toString(), 'B');
  assert.equal(heartbeat(h, 'g', b, 1), ErrorCode.NONE);
  const described = h.coordinator.describeGroup('g', { notFoundError: true });
  assert.equal(described.groupState, 'Stable');
  assert.equal(described.protocolData, 'range');
  assert.deepEqual(described.members.map((m) => m.memberAssignment.toString()).sort(), ['A', 'B']);
  assert.equal(h.log.size, 1, 'the assignment is written as one GroupMetadata record');
});

test('initial rebalance delay waits for more members and extends while they arrive', async () => {
  const h = await harness({ groupInitialRebalanceDelayMs: 3000 });
  let done = 0;
  const a = join(h, 'g', { version: 3 }).then((r) => (done++, r));
  h.timer.advance(2000);
  const b = join(h, 'g', { version: 3 }).then((r) => (done++, r));
  h.timer.advance(1500); // the first delay is over, but a member arrived: wait again
  await settle();
  assert.equal(done, 0);
  h.timer.advance(3000);
  const [ra, rb] = await Promise.all([a, b]);
  assert.equal(ra.generationId, 1);
  assert.equal(rb.generationId, 1);
  assert.equal(ra.leader, ra.memberId);
  assert.equal(ra.members.length, 2);
});

test('without an initial delay the first member completes a generation alone', async () => {
  const h = await harness({ groupInitialRebalanceDelayMs: 0 });
  const a = await joinDynamic(h, 'g');
  assert.equal((await a.response).generationId, 1);
});

test('a member that stops heartbeating is removed after its session timeout', async () => {
  const h = await harness();
  const { memberIds } = await stableGroup(h, 'g', 2, { sessionTimeoutMs: 10000 });
  const [a, b] = memberIds as [string, string];
  for (let i = 0; i < 2; i++) {
    h.timer.advance(4000);
    assert.equal(heartbeat(h, 'g', a, 1), ErrorCode.NONE);
  }
  h.timer.advance(4000);
  // b went silent over 10 s ago; a is told to rejoin, and then is alone in generation 2.
  assert.equal(heartbeat(h, 'g', a, 1), ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin = await join(h, 'g', { memberId: a });
  assert.equal(rejoin.generationId, 2);
  assert.deepEqual(
    rejoin.members.map((m) => m.memberId),
    [a],
  );
  assert.equal(heartbeat(h, 'g', b, 1), ErrorCode.UNKNOWN_MEMBER_ID);
});

test('wrong generation, unknown member, bad session timeout and mixed protocols get their errors', async () => {
  const h = await harness({ groupMinSessionTimeoutMs: 6000 });
  const { memberIds } = await stableGroup(h, 'g', 1);
  const a = memberIds[0]!;
  assert.equal(heartbeat(h, 'g', a, 2), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(heartbeat(h, 'g', 'nobody', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(heartbeat(h, 'nogroup', 'nobody', 1), ErrorCode.UNKNOWN_MEMBER_ID);
  const wrongGen = await sync(h, 'g', { memberId: a, generationId: 7 });
  assert.equal(wrongGen.errorCode, ErrorCode.ILLEGAL_GENERATION);
  assert.equal(
    (await join(h, 'g', { sessionTimeoutMs: 10 })).errorCode,
    ErrorCode.INVALID_SESSION_TIMEOUT,
  );
  const otherType = await join(h, 'g', { protocolType: 'connect' });
  assert.equal(otherType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const noCommon = await join(h, 'g', {
    protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }],
  });
  assert.equal(noCommon.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal((await join(h, 'ghost', { memberId: 'x' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal((await join(h, '')).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal(heartbeat(h, 'g', a, 1), ErrorCode.NONE, 'refused joins leave the group alone');
});

test('the protocol all members support with the most first choices is selected', async () => {
  const h = await harness();
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
  const a = await joinDynamic(h, 'g', { protocols: p('cooperative-sticky', 'range') });
  const b = await joinDynamic(h, 'g', { protocols: p('range', 'cooperative-sticky') });
  const c = await joinDynamic(h, 'g', {
    protocols: p('range', 'roundrobin', 'cooperative-sticky'),
  });
  h.timer.advance(6000);
  const responses = await Promise.all([a.response, b.response, c.response]);
  for (const r of responses) assert.equal(r.protocolName, 'range');
  assert.deepEqual(
    responses[0]!.members.map((m) => m.metadata.toString()),
    ['range', 'range', 'range'],
  );
});

test('group.max.size refuses the member beyond it', async () => {
  const h = await harness({ groupMaxSize: 2 });
  await stableGroup(h, 'g', 2);
  assert.equal((await join(h, 'g')).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
});

test('a flood of first joins is bounded by group.max.size and does not stall another group', async () => {
  const h = await harness({ groupMaxSize: 3 });
  const codes = [];
  for (let i = 0; i < 100; i++) codes.push((await join(h, 'flood')).errorCode);
  assert.deepEqual(codes.slice(0, 3), [79, 79, 79]);
  assert.ok(codes.slice(3).every((c) => c === ErrorCode.GROUP_MAX_SIZE_REACHED));
  const { generationId } = await stableGroup(h, 'calm', 2);
  assert.equal(generationId, 1);
});

test('a member that never sends SyncGroup is dropped after the rebalance timeout', async () => {
  const h = await harness();
  const { memberIds } = await formGroup(h, 'g', 2, { rebalanceTimeoutMs: 5000 });
  const [, b] = memberIds as [string, string];
  const parked = sync(h, 'g', { memberId: b, generationId: 1 });
  h.timer.advance(5000); // the leader never syncs
  assert.equal((await parked).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin = await join(h, 'g', { memberId: b });
  assert.equal(rejoin.generationId, 2);
  assert.equal(rejoin.leader, b);
  assert.deepEqual(
    rejoin.members.map((m) => m.memberId),
    [b],
  );
});

test('rebalance timeout 0: the pending-sync wait ends when the join completes, as in Kafka', async () => {
  // Kafka's GroupMetadataManager.completeClassicGroupJoin schedules the pending-sync timer for
  // the group's longest rebalance timeout; at 0 it fires at once and expirePendingSync removes
  // every member whose SyncGroup has not arrived, so the SyncGroup gets UNKNOWN_MEMBER_ID.
  const h = await harness();
  const { memberIds, responses } = await formGroup(h, 'zero', 1, { rebalanceTimeoutMs: 0 });
  assert.equal(responses[0]!.errorCode, ErrorCode.NONE);
  const late = await sync(h, 'zero', { memberId: memberIds[0]!, generationId: 1 });
  assert.equal(late.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('static member restarts inside the session timeout: same generation, same assignment, old id fenced', async () => {
  const h = await harness({ groupInitialRebalanceDelayMs: 0 });
  const a = await join(h, 'g', { instanceId: 'i-a' });
  assert.equal(a.errorCode, ErrorCode.NONE, 'static members need no MEMBER_ID_REQUIRED round');
  const s = await sync(h, 'g', {
    memberId: a.memberId,
    generationId: 1,
    instanceId: 'i-a',
    assignments: [{ memberId: a.memberId, assignment: Buffer.from('P0') }],
  });
  assert.equal(s.assignment.toString(), 'P0');
  const again = await join(h, 'g', { instanceId: 'i-a' });
  assert.equal(again.errorCode, ErrorCode.NONE);
  assert.equal(again.generationId, 1, 'no rebalance');
  assert.notEqual(again.memberId, a.memberId);
  assert.equal(again.skipAssignment, true);
  const s2 = await sync(h, 'g', { memberId: again.memberId, generationId: 1, instanceId: 'i-a' });
  assert.equal(s2.assignment.toString(), 'P0');
  assert.equal(heartbeat(h, 'g', a.memberId, 1, 'i-a'), ErrorCode.FENCED_INSTANCE_ID);
  assert.equal(h.coordinator.describeGroup('g', { notFoundError: true }).groupState, 'Stable');
});

test('batched LeaveGroup removes several members with one rebalance', async () => {
  const h = await harness();
  const { memberIds } = await stableGroup(h, 'g', 3);
  const res = h.coordinator.leaveGroup(
    {
      groupId: 'g',
      memberId: '',
      members: [
        { memberId: memberIds[1]!, groupInstanceId: null, reason: null },
        { memberId: memberIds[2]!, groupInstanceId: null, reason: null },
        { memberId: 'nobody', groupInstanceId: null, reason: null },
      ],
    },
    5,
  );
  assert.deepEqual(
    res.members.map((m) => m.errorCode),
    [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID],
  );
  const rejoin = await join(h, 'g', { memberId: memberIds[0]! });
  assert.equal(rejoin.generationId, 2);
  assert.equal(rejoin.members.length, 1);
  const last = h.coordinator.leaveGroup({ groupId: 'g', memberId: memberIds[0]!, members: [] }, 2);
  assert.equal(last.errorCode, ErrorCode.NONE);
  assert.equal(h.coordinator.describeGroup('g', { notFoundError: true }).groupState, 'Empty');
});

test('a new member that never completes its join does not hold the others past its session timeout', async () => {
  const h = await harness();
  const { memberIds } = await stableGroup(h, 'g', 1);
  const a = memberIds[0]!;
  const b = await join(h, 'g'); // MEMBER_ID_REQUIRED, never comes back
  assert.equal(b.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  h.timer.advance(5000);
  assert.equal(heartbeat(h, 'g', a, 1), ErrorCode.NONE, 'a pending member does not rebalance');
  const c = await joinDynamic(h, 'g');
  assert.equal(heartbeat(h, 'g', a, 1), ErrorCode.REBALANCE_IN_PROGRESS);
  let done = false;
  const ra = join(h, 'g', { memberId: a }).then((r) => ((done = true), r));
  await settle();
  assert.equal(done, false, 'the pending member still counts until its session timeout');
  h.timer.advance(5000);
  assert.equal((await ra).generationId, 2);
  assert.equal((await c.response).generationId, 2);
});

test('cooperative clients simply rejoin: unchanged protocols keep the generation, new metadata rebalances', async () => {
  const h = await harness();
  const { memberIds } = await stableGroup(h, 'g', 2);
  const [a, b] = memberIds as [string, string];
  const same = await join(h, 'g', { memberId: b });
  assert.equal(same.generationId, 1);
  const changed = join(h, 'g', {
    memberId: b,
    protocols: [{ name: 'range', metadata: Buffer.from('x') }],
  });
  assert.equal(heartbeat(h, 'g', a, 1), ErrorCode.REBALANCE_IN_PROGRESS);
  const ra = await join(h, 'g', { memberId: a });
  assert.equal(ra.generationId, 2);
  assert.equal((await changed).generationId, 2);
});

test('requests for groups before their partition is loaded get NOT_COORDINATOR', async () => {
  const c = new GroupCoordinator({
    log: new MemoryCoordinatorLog(),
    config: { offsetsTopicNumPartitions: 2 },
  });
  const r = await c.joinGroup(
    {
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [],
      sessionTimeoutMs: 10000,
      rebalanceTimeoutMs: 10000,
      reason: null,
    },
    { clientId: 'c', clientHost: 'h', apiVersion: 9 },
  );
  assert.equal(r.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(
    c.heartbeat({ groupId: 'g', memberId: 'm', generationId: 1, groupInstanceId: null }),
    ErrorCode.NOT_COORDINATOR,
  );
  c.close();
});
