// The coordinators follow the leadership of their internal-topic partitions: when this node
// stops leading a __consumer_offsets or __transaction_state partition, the groups and
// transactional ids placed there are dropped and answer NOT_COORDINATOR; when it leads the
// partition again, they are loaded back from the partition's records (answering
// COORDINATOR_LOAD_IN_PROGRESS meanwhile). Leadership changes are driven through the replica
// manager's event, as the metadata would announce them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInProcessBroker, type InProcessBroker } from './in-process-broker.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { CONSUMER_OFFSETS_TOPIC, partitionForGroup } from '../../../src/broker/group/index.js';
import { TRANSACTION_STATE_TOPIC, partitionForTxn } from '../../../src/broker/txn/index.js';
import { call } from './frame-call.js';
import { add, end, init, produce, readCommitted } from './txn-steps.js';

const PARTITIONS = 3;
const CONFIG = {
  'offsets.topic.num.partitions': String(PARTITIONS),
  'transaction.state.log.num.partitions': String(PARTITIONS),
  'group.initial.rebalance.delay.ms': '0',
};

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function open(): Promise<InProcessBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-coordinator-leadership-'));
  dirs.push(dir);
  return openInProcessBroker(dir, { config: CONFIG });
}

/** Two group ids placed in different __consumer_offsets partitions. */
function groupsInTwoPartitions(): [string, string] {
  const first = 'g0';
  for (let i = 1; ; i++) {
    const other = `g${i}`;
    if (partitionForGroup(other, PARTITIONS) !== partitionForGroup(first, PARTITIONS)) {
      return [first, other];
    }
  }
}

async function commitOffset(b: InProcessBroker, group: string, offset: bigint): Promise<number> {
  const res = await call(b, 8, 8, {
    groupId: group,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: 'a',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: -1,
            committedMetadata: 'm',
          },
        ],
      },
    ],
  });
  return res.topics[0].partitions[0].errorCode as number;
}

/** OffsetFetch v7: the group's error, or the committed offset of a-0. */
async function fetchOffset(b: InProcessBroker, group: string) {
  const res = await call(b, 9, 7, {
    groupId: group,
    topics: [{ name: 'a', partitionIndexes: [0] }],
    groups: [],
    requireStable: false,
  });
  if (res.errorCode !== ErrorCode.NONE) return { error: res.errorCode as number, offset: -1n };
  const p = res.topics[0].partitions[0];
  return { error: p.errorCode as number, offset: p.committedOffset as bigint };
}

function leadership(b: InProcessBroker, topic: string, partition: number, isLeader: boolean) {
  const leaderEpoch = isLeader ? 2 : 1;
  return b.data.replicas.notifyLeadershipChange({ topic, partition, isLeader, leaderEpoch });
}

test('a __consumer_offsets partition led elsewhere and back: NOT_COORDINATOR, then its offsets again', async () => {
  const b = await open();
  const [moved, stays] = groupsInTwoPartitions();
  assert.equal(await commitOffset(b, moved, 42n), ErrorCode.NONE);
  assert.equal(await commitOffset(b, stays, 7n), ErrorCode.NONE);
  const partition = partitionForGroup(moved, PARTITIONS);

  await leadership(b, CONSUMER_OFFSETS_TOPIC, partition, false);
  assert.deepEqual(await fetchOffset(b, moved), { error: ErrorCode.NOT_COORDINATOR, offset: -1n });
  assert.equal(await commitOffset(b, moved, 43n), ErrorCode.NOT_COORDINATOR);
  const described = await call(b, 15, 5, { groups: [moved], includeAuthorizedOperations: false });
  assert.equal(described.groups[0].errorCode, ErrorCode.NOT_COORDINATOR);
  // A group of another partition is still served.
  assert.deepEqual(await fetchOffset(b, stays), { error: ErrorCode.NONE, offset: 7n });

  const loading = leadership(b, CONSUMER_OFFSETS_TOPIC, partition, true);
  const during = b.groups.fetchOffsets(moved, [{ name: 'a', partitionIndexes: [0] }]);
  assert.equal(during.errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  await loading;
  assert.deepEqual(await fetchOffset(b, moved), { error: ErrorCode.NONE, offset: 42n });
  assert.equal(await commitOffset(b, moved, 44n), ErrorCode.NONE);
  assert.deepEqual(await fetchOffset(b, moved), { error: ErrorCode.NONE, offset: 44n });
  await b.close();
});

test('a classic group is dropped with its partition and comes back with its generation', async () => {
  const b = await open();
  const group = 'members';
  const protocols = [{ name: 'range', metadata: Buffer.from('m') }];
  const joinBody = (memberId: string) => ({
    groupId: group,
    sessionTimeoutMs: 30_000,
    rebalanceTimeoutMs: 30_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols,
    reason: null,
  });
  const required = await call(b, 11, 5, joinBody(''));
  const joined = await call(b, 11, 5, joinBody(required.memberId));
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const { memberId, generationId } = joined;
  const synced = await call(b, 14, 3, {
    groupId: group,
    generationId,
    memberId,
    groupInstanceId: null,
    assignments: [{ memberId, assignment: Buffer.from('A') }],
  });
  assert.equal(synced.errorCode, ErrorCode.NONE);
  const heartbeat = async () =>
    (await call(b, 12, 3, { groupId: group, generationId, memberId, groupInstanceId: null }))
      .errorCode as number;
  assert.equal(await heartbeat(), ErrorCode.NONE);

  const partition = partitionForGroup(group, PARTITIONS);
  await leadership(b, CONSUMER_OFFSETS_TOPIC, partition, false);
  assert.equal(await heartbeat(), ErrorCode.NOT_COORDINATOR);
  await leadership(b, CONSUMER_OFFSETS_TOPIC, partition, true);
  // The GroupMetadata record of the generation brings the member back.
  assert.equal(await heartbeat(), ErrorCode.NONE);
  await b.close();
});

test('a __transaction_state partition led elsewhere and back: NOT_COORDINATOR, then the open transaction commits', async () => {
  const b = await open();
  const p = await init(b, 'tx');
  assert.deepEqual(await add(b, p, [0]), [ErrorCode.NONE]);
  assert.equal(await produce(b, p, 0, ['one', 'two'], 0), ErrorCode.NONE);
  const partition = partitionForTxn('tx', PARTITIONS);

  await leadership(b, TRANSACTION_STATE_TOPIC, partition, false);
  assert.equal(b.transactions.state.get('tx'), undefined, 'the id is dropped');
  assert.deepEqual(await add(b, p, [1]), [ErrorCode.NOT_COORDINATOR]);
  assert.equal(await end(b, p, true), ErrorCode.NOT_COORDINATOR);
  const described = await call(b, 65, 0, { transactionalIds: ['tx'] });
  assert.equal(described.transactionStates[0].errorCode, ErrorCode.NOT_COORDINATOR);

  const loading = leadership(b, TRANSACTION_STATE_TOPIC, partition, true);
  assert.equal(b.transactions.coordinatorError('tx'), 'COORDINATOR_LOAD_IN_PROGRESS');
  await loading;
  assert.equal(b.transactions.coordinatorError('tx'), null);
  // The transaction is as it was: partition a-0 in it, so it commits.
  assert.equal(await end(b, p, true), ErrorCode.NONE);
  assert.deepEqual((await readCommitted(b, 0)).values, ['one', 'two']);
  await b.close();
});
