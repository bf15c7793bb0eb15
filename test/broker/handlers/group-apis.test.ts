// The group APIs over a real socket: FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
// OffsetCommit, OffsetFetch, DescribeGroups, ListGroups, LeaveGroup, DeleteGroups, and
// offsets surviving a broker restart.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker, type StartBrokerOptions } from '../../../src/index.js';
import {
  ErrorCode,
  createJoinGroupRequest,
  createOffsetCommitRequest,
  createSyncGroupRequest,
} from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
const clients: ProtocolClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  await Promise.all(brokers.map((b) => b.close()));
});
async function broker(options: StartBrokerOptions = {}): Promise<Broker> {
  const config = { 'group.initial.rebalance.delay.ms': 0, 'num.partitions': 2, ...options.config };
  const b = await startBroker({ port: 0, ...options, config });
  brokers.push(b);
  return b;
}
async function client(b: Broker): Promise<ProtocolClient> {
  const c = await ProtocolClient.connect(b.port);
  clients.push(c);
  return c;
}

const joinBody = (memberId = '') =>
  createJoinGroupRequest({
    groupId: 'g',
    memberId,
    protocolType: 'consumer',
    sessionTimeoutMs: 10000,
    rebalanceTimeoutMs: 10000,
    protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
  });

const commitBody = (memberId: string, generationId: number, topic = 'orders') =>
  createOffsetCommitRequest({
    groupId: 'g',
    memberId,
    generationIdOrMemberEpoch: generationId,
    topics: [
      {
        name: topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: [
          {
            partitionIndex: 1,
            committedOffset: 17n,
            committedLeaderEpoch: 0,
            committedMetadata: 'md',
          },
        ],
      },
    ],
  });

test('FindCoordinator answers this broker for groups and transactional ids, single and batched', async () => {
  const b = await broker();
  const c = await client(b);
  const v3 = await c.request(10, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
  assert.deepEqual([v3.errorCode, v3.nodeId, v3.host, v3.port], [0, 1, '127.0.0.1', b.port]);
  const v4 = await c.request(10, 4, { key: '', keyType: 0, coordinatorKeys: ['a', 'b'] });
  assert.deepEqual(
    v4.coordinators.map((x: { key: string; nodeId: number; port: number }) => [
      x.key,
      x.nodeId,
      x.port,
    ]),
    [
      ['a', 1, b.port],
      ['b', 1, b.port],
    ],
  );
  const txn = await c.request(10, 4, { key: '', keyType: 1, coordinatorKeys: ['t', ''] });
  assert.deepEqual(
    txn.coordinators.map((x: { errorCode: number; nodeId: number }) => [x.errorCode, x.nodeId]),
    [
      [ErrorCode.NONE, 1],
      [ErrorCode.INVALID_REQUEST, -1],
    ],
  );
  const md = await c.request(3, 12, {
    topics: null,
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const offsetsTopic = md.topics.find((t: { name: string }) => t.name === '__consumer_offsets');
  assert.equal(offsetsTopic?.partitions.length, 50);
  assert.equal(offsetsTopic?.isInternal, true);
  const stateTopic = md.topics.find((t: { name: string }) => t.name === '__transaction_state');
  assert.equal(stateTopic?.partitions.length, 50);
  assert.equal(stateTopic?.isInternal, true);
});

test('join, sync, heartbeat, commit, fetch, describe, list, leave and delete over the wire', async () => {
  const b = await broker();
  const c = await client(b);
  await c.request(3, 12, {
    topics: [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const first = await c.request(11, 5, joinBody());
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const memberId: string = first.memberId;
  assert.match(memberId, /^test-/);
  const joined = await c.request(11, 7, joinBody(memberId));
  assert.deepEqual(
    [joined.errorCode, joined.generationId, joined.leader, joined.protocolName],
    [0, 1, memberId, 'range'],
  );
  const synced = await c.request(
    14,
    5,
    createSyncGroupRequest({
      groupId: 'g',
      memberId,
      generationId: 1,
      protocolType: 'consumer',
      protocolName: 'range',
      assignments: [{ memberId, assignment: Buffer.from('mine') }],
    }),
  );
  assert.equal(synced.errorCode, 0);
  assert.equal(Buffer.from(synced.assignment).toString(), 'mine');
  const hb = await c.request(12, 4, {
    groupId: 'g',
    generationId: 1,
    memberId,
    groupInstanceId: null,
  });
  assert.equal(hb.errorCode, 0);

  const committed = await c.request(8, 8, commitBody(memberId, 1));
  assert.equal(committed.topics[0].partitions[0].errorCode, 0);
  const unknown = await c.request(8, 8, commitBody(memberId, 1, 'nope'));
  assert.equal(unknown.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const stale = await c.request(8, 8, commitBody(memberId, 5));
  assert.equal(stale.topics[0].partitions[0].errorCode, ErrorCode.ILLEGAL_GENERATION);

  const v7 = await c.request(9, 7, {
    groupId: 'g',
    topics: [{ name: 'orders', partitionIndexes: [0, 1] }],
    groups: [],
    requireStable: true,
  });
  assert.deepEqual(
    v7.topics[0].partitions.map((p: { committedOffset: bigint; metadata: string }) => [
      p.committedOffset,
      p.metadata,
    ]),
    [
      [-1n, ''],
      [17n, 'md'],
    ],
  );
  const v8 = await c.request(9, 8, {
    groupId: '',
    topics: [],
    groups: [
      { groupId: 'g', memberId: null, memberEpoch: -1, topics: null },
      { groupId: 'other', memberId: null, memberEpoch: -1, topics: null },
    ],
    requireStable: false,
  });
  assert.equal(v8.groups.length, 2);
  assert.equal(v8.groups[0].topics[0].partitions[0].committedOffset, 17n);
  assert.equal(v8.groups[0].topics[0].partitions[0].committedLeaderEpoch, 0);
  assert.deepEqual(v8.groups[1].topics, []);

  const described = await c.request(15, 5, {
    groups: ['g', 'ghost'],
    includeAuthorizedOperations: false,
  });
  assert.equal(described.groups[0].groupState, 'Stable');
  assert.equal(described.groups[0].members[0].clientHost, '/127.0.0.1');
  assert.equal(described.groups[1].groupState, 'Dead');
  const listed = await c.request(16, 5, { statesFilter: ['Stable'], typesFilter: [] });
  assert.deepEqual(
    listed.groups.map((g: { groupId: string; groupType: string }) => [g.groupId, g.groupType]),
    [['g', 'classic']],
  );
  const busy = await c.request(42, 2, { groupsNames: ['g'] });
  assert.equal(busy.results[0].errorCode, ErrorCode.NON_EMPTY_GROUP);
  const left = await c.request(13, 4, {
    groupId: 'g',
    memberId: '',
    members: [{ memberId, groupInstanceId: null, reason: null }],
  });
  assert.deepEqual([left.errorCode, left.members[0].errorCode], [0, 0]);
  const deleted = await c.request(42, 2, { groupsNames: ['g', 'ghost'] });
  assert.deepEqual(
    deleted.results.map((r: { errorCode: number }) => r.errorCode),
    [0, ErrorCode.GROUP_ID_NOT_FOUND],
  );
  const after = await c.request(9, 7, {
    groupId: 'g',
    topics: [{ name: 'orders', partitionIndexes: [1] }],
    groups: [],
    requireStable: false,
  });
  assert.equal(after.topics[0].partitions[0].committedOffset, -1n);
});

test('committed offsets survive a broker restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-groups-'));
  try {
    const first = await broker({ dataDir: dir });
    const c = await client(first);
    await c.request(3, 12, {
      topics: [{ name: 'orders', topicId: '00000000-0000-0000-0000-000000000000' }],
      allowAutoTopicCreation: true,
      includeClusterAuthorizedOperations: false,
      includeTopicAuthorizedOperations: false,
    });
    const r = await c.request(8, 8, commitBody('', -1));
    assert.equal(r.topics[0].partitions[0].errorCode, 0);
    c.close();
    await first.close();
    const second = await broker({ dataDir: dir });
    const c2 = await client(second);
    const fetched = await c2.request(9, 7, {
      groupId: 'g',
      topics: [{ name: 'orders', partitionIndexes: [1] }],
      groups: [],
      requireStable: false,
    });
    assert.equal(fetched.topics[0].partitions[0].committedOffset, 17n);
    assert.equal(fetched.topics[0].partitions[0].metadata, 'md');
  } finally {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(brokers.splice(0).map((b) => b.close()));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('KIP-848 over the wire: ConsumerGroupHeartbeat assigns, ConsumerGroupDescribe reports', async () => {
  const b = await broker({ config: { 'num.partitions': 4 } });
  const c = await client(b);
  const md = await c.request(3, 12, {
    topics: [{ name: 'kip848', topicId: '00000000-0000-0000-0000-000000000000' }],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  const topicId: string = md.topics[0].topicId;
  const heartbeat = (memberId: string, memberEpoch: number, extra: object = {}) =>
    c.request(68, 1, {
      groupId: 'cg',
      memberId,
      memberEpoch,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: memberEpoch === 0 ? ['kip848'] : null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: memberEpoch === 0 ? [] : null,
      ...extra,
    });
  const joined = await heartbeat('m1', 0);
  assert.deepEqual([joined.errorCode, joined.memberId, joined.memberEpoch], [0, 'm1', 1]);
  assert.deepEqual(joined.assignment.topicPartitions, [{ topicId, partitions: [0, 1, 2, 3] }]);
  const fenced = await heartbeat('m1', 7);
  assert.equal(fenced.errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  const described = await c.request(69, 1, {
    groupIds: ['cg', 'none'],
    includeAuthorizedOperations: false,
  });
  assert.equal(described.groups[0].groupState, 'Stable');
  assert.equal(described.groups[0].members[0].assignment.topicPartitions[0].topicName, 'kip848');
  assert.equal(described.groups[1].errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  const listed = await c.request(16, 5, { statesFilter: [], typesFilter: ['consumer'] });
  assert.deepEqual(
    listed.groups.map((g: { groupId: string }) => g.groupId),
    ['cg'],
  );
  const left = await heartbeat('m1', -1);
  assert.equal(left.memberEpoch, -1);
});
