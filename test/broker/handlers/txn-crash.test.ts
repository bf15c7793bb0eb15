// Crash points of a transaction's end, with in-process seams instead of timing races: a
// marker append that fails for some partitions leaves the transaction prepared (PrepareCommit
// or PrepareAbort persisted, some markers written); the broker then stops and opens again over
// the same logs. The transaction must end whole: every partition committed (or aborted), the
// transactional offsets visible exactly once (or dropped), no LSO left behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInProcessBroker, type InProcessBroker } from './in-process-broker.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { MemoryMetadataLogStore } from '../../../src/metadata/index.js';
import type { ErrorName } from '../../../src/protocol/errors.js';
import { call } from './frame-call.js';
import { add, end, init, initBody, produce, readCommitted, type Producer } from './txn-steps.js';

const CONFIG = {
  'transaction.state.log.num.partitions': '3',
  'offsets.topic.num.partitions': '1',
};

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function brokerFiles() {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-txn-crash-'));
  dirs.push(dir);
  const store = new MemoryMetadataLogStore();
  return (markerFault?: (topic: string, partition: number) => ErrorName | null) =>
    openInProcessBroker(dir, { config: CONFIG, store, markerFault });
}

async function addOffsets(b: InProcessBroker, p: Producer, group: string) {
  const res = await call(b, 25, 3, {
    transactionalId: p.id,
    producerId: p.pid,
    producerEpoch: p.epoch,
    groupId: group,
  });
  return res.errorCode as number;
}

async function txnCommitOffset(b: InProcessBroker, p: Producer, group: string, offset: bigint) {
  const res = await call(b, 28, 3, {
    transactionalId: p.id,
    groupId: group,
    producerId: p.pid,
    producerEpoch: p.epoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: 'a',
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
  return res.topics[0].partitions[0].errorCode as number;
}

async function commitOffset(b: InProcessBroker, group: string, offset: bigint) {
  const res = await call(b, 8, 3, {
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
            committedMetadata: '',
          },
        ],
      },
    ],
  });
  return res.topics[0].partitions[0].errorCode as number;
}

/** OffsetFetch with require_stable, as read_committed consumers send it. */
async function fetchOffset(b: InProcessBroker, group: string) {
  const res = await call(b, 9, 7, {
    groupId: group,
    topics: [{ name: 'a', partitionIndexes: [0] }],
    groups: [],
    requireStable: true,
  });
  const p = res.topics[0].partitions[0];
  return { error: p.errorCode as number, offset: p.committedOffset as bigint };
}

async function stateOf(b: InProcessBroker, id: string): Promise<string> {
  const res = await call(b, 65, 0, { transactionalIds: [id] });
  return res.transactionStates[0].transactionState;
}

/** The read_committed view of __consumer_offsets: nothing held back by an open transaction. */
async function offsetsTopicSettled(b: InProcessBroker): Promise<boolean> {
  const p = b.data.replicas.getPartition('__consumer_offsets', 0)!;
  return p.lastStableOffset === p.highWatermark;
}

test('PrepareCommit persisted, marker not in __consumer_offsets: after a restart the offsets show once', async () => {
  const files = brokerFiles();
  let b = await files((topic) => (topic === '__consumer_offsets' ? 'KAFKA_STORAGE_ERROR' : null));
  const p = await init(b, 'tx-offsets-crash');
  assert.deepEqual(await add(b, p, [0]), [ErrorCode.NONE]);
  assert.equal(await addOffsets(b, p, 'g'), ErrorCode.NONE);
  assert.equal(await produce(b, p, 0, ['out-1', 'out-2'], 0), ErrorCode.NONE);
  assert.equal(await txnCommitOffset(b, p, 'g', 7n), ErrorCode.NONE);
  // The commit is durable (PrepareCommit), so EndTxn succeeds; one marker could not be written.
  assert.equal(await end(b, p, true), ErrorCode.NONE);
  assert.equal(await stateOf(b, p.id), 'PrepareCommit');
  assert.deepEqual((await readCommitted(b, 0)).values, ['out-1', 'out-2']);
  assert.deepEqual(await fetchOffset(b, 'g'), {
    error: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    offset: -1n,
  });
  assert.equal(await offsetsTopicSettled(b), false);
  // The producer waits: its next transaction and a new instance are told to retry.
  assert.deepEqual(await add(b, p, [1]), [ErrorCode.CONCURRENT_TRANSACTIONS]);
  const retried = await call(b, 22, 4, initBody(p.id));
  assert.equal(retried.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  await b.close();

  b = await files();
  // Prepared transactions are finished in the background of the load.
  await b.transactions.idle();
  assert.equal(await stateOf(b, p.id), 'CompleteCommit');
  assert.deepEqual(await fetchOffset(b, 'g'), { error: ErrorCode.NONE, offset: 7n });
  assert.equal(await offsetsTopicSettled(b), true);
  const out = await readCommitted(b, 0);
  assert.deepEqual(out.values, ['out-1', 'out-2']);
  assert.equal(out.lso, out.hw);

  // Once: a later plain commit wins, and stays after another restart (the replayed
  // transaction does not apply its offset again).
  assert.equal(await commitOffset(b, 'g', 9n), ErrorCode.NONE);
  await b.close();
  b = await files();
  // Prepared transactions are finished in the background of the load.
  await b.transactions.idle();
  assert.deepEqual(await fetchOffset(b, 'g'), { error: ErrorCode.NONE, offset: 9n });
  const next = await init(b, p.id);
  assert.equal(next.epoch, p.epoch + 1);
  await b.close();
});

test('a marker in some partitions only: the expiry job finishes the commit without a restart', async () => {
  const files = brokerFiles();
  let failing = true;
  const b = await files((topic, partition) =>
    failing && topic === 'a' && partition === 1 ? 'NOT_LEADER_OR_FOLLOWER' : null,
  );
  const p = await init(b, 'tx-retry');
  assert.deepEqual(await add(b, p, [0, 1]), [ErrorCode.NONE, ErrorCode.NONE]);
  assert.equal(await produce(b, p, 0, ['x0'], 0), ErrorCode.NONE);
  assert.equal(await produce(b, p, 1, ['x1'], 0), ErrorCode.NONE);
  assert.equal(await end(b, p, true), ErrorCode.NONE);
  assert.deepEqual((await readCommitted(b, 0)).values, ['x0']);
  const held = await readCommitted(b, 1);
  assert.deepEqual([held.values, held.lso, held.hw], [[], 0n, 1n]);
  await b.transactions.abortExpired(); // still failing: stays prepared
  assert.equal(await stateOf(b, p.id), 'PrepareCommit');
  failing = false;
  await b.transactions.abortExpired();
  assert.equal(await stateOf(b, p.id), 'CompleteCommit');
  const done = await readCommitted(b, 1);
  assert.deepEqual([done.values, done.lso], [['x1'], done.hw]);
  // Retries went only to partition 1: partition 0 holds its record and one marker.
  const first = await readCommitted(b, 0);
  assert.deepEqual([first.values, first.lso, first.hw], [['x0'], 2n, 2n]);
  await b.close();
});

test('PrepareAbort with markers in some partitions: after a restart the abort is whole', async () => {
  const files = brokerFiles();
  let b = await files((topic, partition) =>
    (topic === 'a' && partition === 1) || topic === '__consumer_offsets'
      ? 'KAFKA_STORAGE_ERROR'
      : null,
  );
  const p = await init(b, 'tx-abort-crash');
  assert.deepEqual(await add(b, p, [0, 1]), [ErrorCode.NONE, ErrorCode.NONE]);
  assert.equal(await addOffsets(b, p, 'g2'), ErrorCode.NONE);
  assert.equal(await produce(b, p, 0, ['gone-0'], 0), ErrorCode.NONE);
  assert.equal(await produce(b, p, 1, ['gone-1'], 0), ErrorCode.NONE);
  assert.equal(await txnCommitOffset(b, p, 'g2', 5n), ErrorCode.NONE);
  assert.equal(await end(b, p, false), ErrorCode.NONE);
  assert.equal(await stateOf(b, p.id), 'PrepareAbort');
  // The producer, told the abort is done, cannot turn it into a commit.
  assert.equal(await end(b, p, true), ErrorCode.INVALID_TXN_STATE);
  await b.close();

  b = await files();
  // Prepared transactions are finished in the background of the load.
  await b.transactions.idle();
  assert.equal(await stateOf(b, p.id), 'CompleteAbort');
  for (const partition of [0, 1]) {
    const seen = await readCommitted(b, partition);
    assert.deepEqual([seen.values, seen.lso], [[], seen.hw], `partition ${partition}`);
  }
  assert.deepEqual(await fetchOffset(b, 'g2'), { error: ErrorCode.NONE, offset: -1n });
  assert.equal(await offsetsTopicSettled(b), true);
  // The producer carries on with a new transaction that commits.
  assert.deepEqual(await add(b, p, [1]), [ErrorCode.NONE]);
  assert.equal(await produce(b, p, 1, ['kept'], 1), ErrorCode.NONE);
  assert.equal(await end(b, p, true), ErrorCode.NONE);
  assert.deepEqual((await readCommitted(b, 1)).values, ['kept']);
  await b.close();
});
