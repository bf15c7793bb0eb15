// Transactional offset commits in the group coordinator: pending until the transaction's
// marker, committed or dropped by it, and the same after a replay of the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ErrorCode,
  createTxnOffsetCommitRequest,
  type TxnOffsetCommitRequest,
} from '../../../src/protocol/index.js';
import {
  GroupCoordinator,
  MemoryCoordinatorLog,
  parseCoordinatorRecord,
  type CoordinatorLogEntry,
} from '../../../src/broker/group/index.js';
import { harness, join, stableGroup, type Harness } from './support.js';

const PID = 7n;

function txnCommit(
  groupId: string,
  offset: bigint,
  o: Partial<TxnOffsetCommitRequest> = {},
): TxnOffsetCommitRequest {
  return createTxnOffsetCommitRequest({
    transactionalId: 'tx',
    groupId,
    producerId: PID,
    producerEpoch: 0,
    topics: [
      {
        name: 't',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: offset,
            committedLeaderEpoch: 2,
            committedMetadata: 'txn',
          },
        ],
      },
    ],
    ...o,
  });
}

async function plainCommit(h: Harness, groupId: string, offset: bigint): Promise<void> {
  const r = await h.coordinator.commitOffsets(
    {
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
              committedLeaderEpoch: -1,
              committedMetadata: 'plain',
            },
          ],
        },
      ],
    },
    8,
  );
  assert.equal(r.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
}

const errorsOf = (r: { topics: { partitions: { errorCode: number }[] }[] }) =>
  r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

/** Offset and error of partition t-0, as OffsetFetch answers it. */
function fetch0(h: Harness, groupId: string, requireStable = false): [bigint, number] {
  const f = h.coordinator.fetchOffsets(groupId, [{ name: 't', partitionIndexes: [0] }], {
    requireStable,
  });
  const p = f.topics[0]!.partitions[0]!;
  return [p.committedOffset, p.errorCode];
}

/** The transaction coordinator's marker: in the group's partition log, then told to the coordinator. */
function endTxn(h: Harness, groupId: string, commit: boolean, producerId = PID): void {
  const partition = h.coordinator.partitionFor(groupId);
  h.log.writeMarker(partition, producerId, commit);
  h.coordinator.onTxnMarker(partition, { producerId, commit });
}

test('transactional offsets are invisible until the COMMIT marker, then committed', async () => {
  const h = await harness();
  const r = await h.coordinator.commitTransactionalOffsets(txnCommit('g', 100n));
  assert.deepEqual(errorsOf(r), [ErrorCode.NONE]);
  assert.deepEqual(fetch0(h, 'g'), [-1n, ErrorCode.NONE], 'read_uncommitted view: nothing yet');
  assert.deepEqual(fetch0(h, 'g', true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
  assert.equal(h.coordinator.stats.pendingOffsets, 1);
  const written = h.log.entries.get(h.coordinator.partitionFor('g'))!;
  assert.deepEqual(
    written.map((e) => (e.type === 'record' ? e.producerId : 'marker')),
    [PID],
    'one record in a transactional batch of the producer',
  );
  endTxn(h, 'g', true);
  assert.deepEqual(fetch0(h, 'g'), [100n, ErrorCode.NONE]);
  assert.deepEqual(fetch0(h, 'g', true), [100n, ErrorCode.NONE]);
  const all = h.coordinator.fetchOffsets('g', null);
  assert.equal(all.topics[0]!.partitions[0]!.metadata, 'txn');
  assert.equal(all.topics[0]!.partitions[0]!.committedLeaderEpoch, 2);
  assert.equal(h.coordinator.stats.pendingOffsets, 0);
});

test('an ABORT marker drops the offsets; the last committed offset stays', async () => {
  const h = await harness();
  await plainCommit(h, 'g', 5n);
  await h.coordinator.commitTransactionalOffsets(txnCommit('g', 100n));
  assert.deepEqual(fetch0(h, 'g'), [5n, ErrorCode.NONE], 'without require_stable: last committed');
  assert.deepEqual(fetch0(h, 'g', true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
  endTxn(h, 'g', false);
  assert.deepEqual(fetch0(h, 'g', true), [5n, ErrorCode.NONE]);
  assert.equal(h.coordinator.stats.pendingOffsets, 0);
});

test('mixed with plain commits, the commit record written last wins, as in Kafka', async () => {
  const h = await harness();
  // A plain commit before the transaction's: the transaction's wins at its marker.
  await plainCommit(h, 'a', 5n);
  await h.coordinator.commitTransactionalOffsets(txnCommit('a', 100n));
  endTxn(h, 'a', true);
  assert.deepEqual(fetch0(h, 'a'), [100n, ErrorCode.NONE]);
  // A plain commit after the transaction's record but before its marker stays.
  await h.coordinator.commitTransactionalOffsets(txnCommit('b', 100n));
  await plainCommit(h, 'b', 300n);
  assert.deepEqual(fetch0(h, 'b'), [300n, ErrorCode.NONE]);
  endTxn(h, 'b', true);
  assert.deepEqual(fetch0(h, 'b'), [300n, ErrorCode.NONE]);
});

test('a marker ends the transaction only in the __consumer_offsets partition it is written to', async () => {
  const h = await harness();
  // Two groups in different partitions (of 4), in one transaction of one producer.
  const groups = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
  const a = groups[0]!;
  const b = groups.find((g) => h.coordinator.partitionFor(g) !== h.coordinator.partitionFor(a))!;
  await h.coordinator.commitTransactionalOffsets(txnCommit(a, 10n));
  await h.coordinator.commitTransactionalOffsets(txnCommit(b, 20n));
  endTxn(h, a, true);
  assert.deepEqual(fetch0(h, a), [10n, ErrorCode.NONE]);
  assert.deepEqual(fetch0(h, b, true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
  endTxn(h, b, true);
  assert.deepEqual(fetch0(h, b), [20n, ErrorCode.NONE]);
});

test('replay: markers in the log decide; a transaction without a marker is still pending', async () => {
  const h = await harness();
  await plainCommit(h, 'c', 1n);
  await h.coordinator.commitTransactionalOffsets(txnCommit('c', 10n));
  endTxn(h, 'c', true);
  await h.coordinator.commitTransactionalOffsets(txnCommit('a', 20n));
  endTxn(h, 'a', false);
  await plainCommit(h, 'a', 2n);
  // The crash comes between TxnOffsetCommit and the marker.
  await h.coordinator.commitTransactionalOffsets(
    txnCommit('p', 30n, { producerId: 9n, transactionalId: 'other' }),
  );
  h.coordinator.close();
  const again = await harness({}, { log: h.log, timer: h.timer });
  assert.deepEqual(fetch0(again, 'c'), [10n, ErrorCode.NONE]);
  assert.deepEqual(fetch0(again, 'a'), [2n, ErrorCode.NONE]);
  assert.deepEqual(fetch0(again, 'p', true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
  assert.equal(again.coordinator.stats.pendingOffsets, 1);
  assert.equal(
    again.coordinator.describeGroup('p', { notFoundError: true }).errorCode,
    ErrorCode.NONE,
    'pending offsets make a simple group, as committed ones do',
  );
  // The coordinator finishes the transaction after the restart.
  endTxn(again, 'p', true, 9n);
  assert.deepEqual(fetch0(again, 'p', true), [30n, ErrorCode.NONE]);
  // A marker the coordinator heard of while loading and read again from the log is harmless.
  again.coordinator.onTxnMarker(again.coordinator.partitionFor('p'), {
    producerId: 9n,
    commit: false,
  });
  assert.deepEqual(fetch0(again, 'p'), [30n, ErrorCode.NONE]);
});

test('a marker heard before the load reaches it is applied by the load', async () => {
  const log = new MemoryCoordinatorLog();
  const first = await harness({}, { log, timer: (await harness()).timer });
  await first.coordinator.commitTransactionalOffsets(txnCommit('g', 40n));
  first.coordinator.close();
  const partition = first.coordinator.partitionFor('g');
  log.writeMarker(partition, PID, true);
  // A coordinator that has not loaded ignores the hook; its load reads the marker.
  const c = new GroupCoordinator({ log, config: { offsetsTopicNumPartitions: 4 } });
  c.onTxnMarker(partition, { producerId: PID, commit: true });
  await c.load();
  const f = c.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], { requireStable: true });
  assert.equal(f.topics[0]!.partitions[0]!.committedOffset, 40n);
  c.close();
});

test('a batch the transaction does not cover is refused with INVALID_TXN_STATE; nothing is pending', async () => {
  const h = await harness();
  h.log.verifyTransaction = () => false;
  const r = await h.coordinator.commitTransactionalOffsets(txnCommit('g', 1n));
  assert.deepEqual(errorsOf(r), [ErrorCode.INVALID_TXN_STATE]);
  assert.equal(h.coordinator.stats.pendingOffsets, 0);
  h.log.verifyTransaction = () => true;
  h.log.failAppends = true;
  const failed = await h.coordinator.commitTransactionalOffsets(txnCommit('g', 1n));
  assert.deepEqual(errorsOf(failed), [ErrorCode.COORDINATOR_NOT_AVAILABLE]);
  assert.deepEqual(fetch0(h, 'g', true), [-1n, ErrorCode.NONE]);
});

test('classic groups: generation, member and instance id are checked when given', async () => {
  const h = await harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 1);
  const memberId = memberIds[0]!;
  const commit = (o: Partial<TxnOffsetCommitRequest>) =>
    h.coordinator.commitTransactionalOffsets(txnCommit('g', 3n, o)).then(errorsOf);
  assert.deepEqual(await commit({ generationId, memberId }), [0]);
  assert.deepEqual(await commit({ generationId: generationId + 1, memberId }), [
    ErrorCode.ILLEGAL_GENERATION,
  ]);
  assert.deepEqual(await commit({ generationId, memberId: 'stranger' }), [
    ErrorCode.UNKNOWN_MEMBER_ID,
  ]);
  // A static member's group, still CompletingRebalance: the state is not checked here.
  const joining = join(h, 's', { instanceId: 'i1' });
  h.timer.advance(h.coordinator.config.groupInitialRebalanceDelayMs * 2);
  const joined = await joining;
  const s = { groupId: 's', generationId: joined.generationId };
  assert.deepEqual(await commit({ ...s, memberId: joined.memberId, groupInstanceId: 'i1' }), [0]);
  assert.deepEqual(await commit({ ...s, memberId: 'other', groupInstanceId: 'i1' }), [
    ErrorCode.FENCED_INSTANCE_ID,
  ]);
  // Old clients (v0-2) send no generation or member: accepted whatever the group's state.
  assert.deepEqual(await commit({}), [0]);
  assert.deepEqual(await commit({ generationId: 1, memberId: 'm', groupId: 'nope' }), [
    ErrorCode.ILLEGAL_GENERATION,
  ]);
  assert.deepEqual(await commit({ groupId: '' }), [ErrorCode.INVALID_GROUP_ID]);
  const big = await h.coordinator.commitTransactionalOffsets(
    txnCommit('g', 3n, {
      topics: [
        {
          name: 't',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 1n,
              committedLeaderEpoch: -1,
              committedMetadata: 'x'.repeat(5000),
            },
          ],
        },
      ],
    }),
  );
  assert.deepEqual(errorsOf(big), [ErrorCode.OFFSET_METADATA_TOO_LARGE]);
});

test('NOT_COORDINATOR before the load, COORDINATOR_LOAD_IN_PROGRESS during it', async () => {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const memory = new MemoryCoordinatorLog();
  const log = {
    append: memory.append.bind(memory),
    appendTransactional: memory.appendTransactional.bind(memory),
    replay: async (p: number, onEntry: (e: CoordinatorLogEntry) => void) => {
      await gate;
      await memory.replay(p, onEntry);
    },
  };
  const c = new GroupCoordinator({ log, config: { offsetsTopicNumPartitions: 1 } });
  const before = await c.commitTransactionalOffsets(txnCommit('g', 1n));
  assert.deepEqual(errorsOf(before), [ErrorCode.NOT_COORDINATOR]);
  const loading = c.load();
  const during = await c.commitTransactionalOffsets(txnCommit('g', 1n));
  assert.deepEqual(errorsOf(during), [ErrorCode.COORDINATOR_LOAD_IN_PROGRESS]);
  release();
  await loading;
  assert.deepEqual(errorsOf(await c.commitTransactionalOffsets(txnCommit('g', 1n))), [0]);
  c.close();
});

test('pending offsets hold back expiry and get tombstones when the group is deleted', async () => {
  const h = await harness({ offsetsRetentionMs: 1000 });
  await plainCommit(h, 'g', 5n);
  await h.coordinator.commitTransactionalOffsets(txnCommit('g', 9n));
  h.timer.advance(5000);
  assert.equal(await h.coordinator.expireOffsets(), 0, 'a transaction is about to replace it');
  assert.deepEqual(fetch0(h, 'g'), [5n, ErrorCode.NONE]);
  // A partition only the transaction holds gets a tombstone too.
  await h.coordinator.commitTransactionalOffsets(
    txnCommit('g', 9n, {
      topics: [
        {
          name: 'u',
          partitions: [
            {
              partitionIndex: 1,
              committedOffset: 3n,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            },
          ],
        },
      ],
    }),
  );
  assert.equal(await h.coordinator.deleteGroup('g'), ErrorCode.NONE);
  const log = h.log.partitions.get(h.coordinator.partitionFor('g'))!;
  const tombstones = log
    .filter((r) => r.value === null)
    .map((r) => parseCoordinatorRecord(r))
    .map((p) => (p.type === 'offset' ? `${p.topic}-${p.partition}` : p.type));
  assert.deepEqual(tombstones, ['t-0', 'u-1', 'group']);
  assert.equal(h.coordinator.stats.pendingOffsets, 0, 'tombstones drop pending offsets');
  endTxn(h, 'g', true);
  assert.deepEqual(fetch0(h, 'g'), [-1n, ErrorCode.NONE], 'the marker brings nothing back');
});

test('consumer groups (KIP-848): the member epoch is checked; behind it is ILLEGAL_GENERATION', async () => {
  const topicId = '11111111-1111-1111-1111-111111111111';
  const c = new GroupCoordinator({
    log: new MemoryCoordinatorLog(),
    config: { offsetsTopicNumPartitions: 1 },
    topics: {
      byName: (n) => (n === 't' ? { topicId, partitionCount: 2 } : undefined),
      byId: (id) => (id === topicId ? { name: 't', partitionCount: 2 } : undefined),
      names: () => ['t'],
    },
  });
  await c.load();
  const joined = await c.consumerGroupHeartbeat(
    {
      groupId: 'cg',
      memberId: 'm1',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30000,
      subscribedTopicNames: ['t'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
    },
    { clientId: 'c', clientHost: '/127.0.0.1', apiVersion: 1 },
  );
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const epoch = joined.memberEpoch;
  const commit = (o: Partial<TxnOffsetCommitRequest>) =>
    c.commitTransactionalOffsets(txnCommit('cg', 3n, o)).then(errorsOf);
  assert.deepEqual(await commit({ memberId: 'm1', generationId: epoch }), [ErrorCode.NONE]);
  assert.deepEqual(await commit({ memberId: 'm1', generationId: epoch - 1 }), [
    ErrorCode.ILLEGAL_GENERATION,
  ]);
  assert.deepEqual(await commit({ memberId: 'm1', generationId: epoch + 1 }), [
    ErrorCode.FENCED_MEMBER_EPOCH,
  ]);
  assert.deepEqual(await commit({ memberId: 'x', generationId: epoch }), [
    ErrorCode.UNKNOWN_MEMBER_ID,
  ]);
  assert.deepEqual(await commit({}), [ErrorCode.UNKNOWN_MEMBER_ID], 'the group has members');
  c.close();
});
