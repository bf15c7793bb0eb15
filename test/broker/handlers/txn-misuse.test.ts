// A hostile or confused transactional client, fed straight to the handler registry: each
// misuse gets the code Kafka's coordinator and partitions answer, and nothing it sent becomes
// visible to read_committed consumers or to OffsetFetch.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInProcessBroker } from './in-process-broker.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { MemoryMetadataLogStore } from '../../../src/metadata/index.js';
import { call } from './frame-call.js';
import { add, end, init, initBody, produce, readCommitted, type Producer } from './txn-steps.js';

const CONFIG = {
  'transaction.state.log.num.partitions': '3',
  'offsets.topic.num.partitions': '3',
  'transaction.max.timeout.ms': '60000',
};

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(store = new MemoryMetadataLogStore(), dir?: string) {
  const at = dir ?? mkdtempSync(join(tmpdir(), 'rivulet-txn-misuse-'));
  if (dir === undefined) dirs.push(at);
  const broker = await openInProcessBroker(at, { config: CONFIG, store });
  return { broker, store, dir: at };
}

test('EndTxn without AddPartitionsToTxn, and commit after abort, are INVALID_TXN_STATE', async () => {
  const { broker } = await open();
  const p = await init(broker, 'tx-end');
  assert.equal(await end(broker, p, true), ErrorCode.INVALID_TXN_STATE);
  assert.equal(await end(broker, p, false), ErrorCode.INVALID_TXN_STATE);

  assert.deepEqual(await add(broker, p, [0]), [ErrorCode.NONE]);
  assert.equal(await produce(broker, p, 0, ['aborted'], 0), ErrorCode.NONE);
  assert.equal(await end(broker, p, false), ErrorCode.NONE);
  // The abort is done: committing it now is refused; repeating the abort is a retry.
  assert.equal(await end(broker, p, true), ErrorCode.INVALID_TXN_STATE);
  assert.equal(await end(broker, p, false), ErrorCode.NONE);
  const seen = await readCommitted(broker, 0);
  assert.deepEqual(seen.values, []);
  assert.equal(seen.lso, seen.hw);
  await broker.close();
});

test('AddPartitionsToTxn: stale epoch fenced, unknown or wrong producer id refused', async () => {
  const { broker } = await open();
  const old = await init(broker, 'tx-add');
  const current = await init(broker, 'tx-add');
  assert.equal(current.epoch, old.epoch + 1);
  assert.deepEqual(await add(broker, old, [0]), [ErrorCode.PRODUCER_FENCED]);
  // Before KIP-588 (v0-1) clients know the same thing as INVALID_PRODUCER_EPOCH.
  assert.deepEqual(await add(broker, old, [0], 1), [ErrorCode.INVALID_PRODUCER_EPOCH]);
  assert.deepEqual(await add(broker, { ...current, id: 'tx-never-seen' }, [0]), [
    ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  ]);
  const other = await init(broker, 'tx-other');
  assert.deepEqual(await add(broker, { ...current, pid: other.pid }, [0]), [
    ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  ]);
  assert.deepEqual(await add(broker, { ...current, id: '' }, [0]), [ErrorCode.INVALID_REQUEST]);
  // None of it opened a transaction; the current producer's still works.
  assert.equal(await end(broker, current, true), ErrorCode.INVALID_TXN_STATE);
  assert.deepEqual(await add(broker, current, [0]), [ErrorCode.NONE]);
  assert.equal(await end(broker, current, true), ErrorCode.NONE);
  // The fenced instance cannot end it either.
  assert.equal(await end(broker, old, true), ErrorCode.PRODUCER_FENCED);
  await broker.close();
});

test('transactional Produce: partitions not added refused, a sequence gap refused, nothing half-visible', async () => {
  const { broker } = await open();
  const p = await init(broker, 'tx-seq');
  assert.deepEqual(await add(broker, p, [0]), [ErrorCode.NONE]);
  assert.equal(await produce(broker, p, 1, ['not-added'], 0), ErrorCode.INVALID_TXN_STATE);
  assert.equal(await produce(broker, p, 0, ['x', 'y'], 0), ErrorCode.NONE);
  assert.equal(await produce(broker, p, 0, ['gap'], 5), ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  // A fenced epoch cannot write into the transaction either.
  assert.equal(
    await produce(broker, { ...p, epoch: p.epoch + 3 }, 0, ['future'], 0),
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
  assert.equal(await produce(broker, p, 0, ['z'], 2), ErrorCode.NONE);
  assert.equal(await end(broker, p, true), ErrorCode.NONE);
  assert.deepEqual((await readCommitted(broker, 0)).values, ['x', 'y', 'z']);
  const other = await readCommitted(broker, 1);
  assert.deepEqual([other.values, other.hw], [[], 0n]);
  await broker.close();
});

test('TxnOffsetCommit without AddOffsetsToTxn is refused and never becomes visible', async () => {
  const { broker } = await open();
  const p = await init(broker, 'tx-offsets');
  assert.deepEqual(await add(broker, p, [0]), [ErrorCode.NONE]);
  const commit = () =>
    call(broker, 28, 3, {
      transactionalId: p.id,
      groupId: 'g',
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
              committedOffset: 9n,
              committedLeaderEpoch: -1,
              committedMetadata: '',
            },
          ],
        },
      ],
    });
  const refused = await commit();
  assert.equal(refused.topics[0].partitions[0].errorCode, ErrorCode.INVALID_TXN_STATE);
  assert.equal(await end(broker, p, true), ErrorCode.NONE);
  const fetched = await call(broker, 9, 7, {
    groupId: 'g',
    topics: [{ name: 'a', partitionIndexes: [0] }],
    groups: [],
    requireStable: true,
  });
  assert.equal(fetched.topics[0].partitions[0].errorCode, ErrorCode.NONE);
  assert.equal(fetched.topics[0].partitions[0].committedOffset, -1n);
  await broker.close();
});

test('WriteTxnMarkers for a producer the partition never saw is written and ends nothing', async () => {
  const { broker } = await open();
  const p = await init(broker, 'tx-marker');
  assert.deepEqual(await add(broker, p, [0]), [ErrorCode.NONE]);
  assert.equal(await produce(broker, p, 0, ['open'], 0), ErrorCode.NONE);
  const res = await call(broker, 27, 1, {
    markers: [
      {
        producerId: 4242n,
        producerEpoch: 3,
        transactionResult: true,
        topics: [{ name: 'a', partitionIndexes: [0] }],
        coordinatorEpoch: 0,
        transactionVersion: 0,
      },
    ],
  });
  assert.equal(res.markers[0].topics[0].partitions[0].errorCode, ErrorCode.NONE);
  // p's transaction is still open: its record stays invisible, the LSO held at it.
  const held = await readCommitted(broker, 0);
  assert.deepEqual([held.values, held.lso, held.hw], [[], 0n, 2n]);
  assert.equal(await end(broker, p, false), ErrorCode.NONE);
  const done = await readCommitted(broker, 0);
  assert.deepEqual([done.values, done.lso], [[], done.hw]);
  await broker.close();
});

test('InitProducerId: timeouts outside (0, transaction.max.timeout.ms] are INVALID_TRANSACTION_TIMEOUT', async () => {
  const { broker } = await open();
  for (const timeoutMs of [60001, 0, -5, 2 ** 31 - 1]) {
    const res = await call(broker, 22, 4, initBody('tx-timeout', timeoutMs));
    assert.equal(res.errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT, `${timeoutMs}`);
  }
  assert.equal((await call(broker, 22, 4, initBody('tx-timeout', 60000))).errorCode, 0);
  // Another producer's id and epoch (KIP-360) do not take this id over.
  const other = await init(broker, 'tx-timeout-other');
  const stolen = await call(broker, 22, 4, initBody('tx-timeout', 1000, other.pid, other.epoch));
  assert.equal(stolen.errorCode, ErrorCode.PRODUCER_FENCED);
  await broker.close();
});

// The longest id a request can carry: strings are at most 32767 bytes (as in Kafka).
test('transactional ids: empty refused; long and unicode ones work and survive a restart', async () => {
  const first = await open();
  let broker = first.broker;
  assert.equal((await call(broker, 22, 4, initBody(''))).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal(await end(broker, { id: '', pid: 1n, epoch: 0 }, true), ErrorCode.INVALID_REQUEST);
  const offsets = await call(broker, 25, 3, {
    transactionalId: '',
    producerId: 1n,
    producerEpoch: 0,
    groupId: 'g',
  });
  assert.equal(offsets.errorCode, ErrorCode.INVALID_REQUEST);

  const ids = ['x'.repeat(32767), 'tx-ünï-😀-\u0000-末', '😀'.repeat(8191)];
  const producers: Producer[] = [];
  for (const id of ids) {
    const p = await init(broker, id);
    assert.deepEqual(await add(broker, p, [1]), [ErrorCode.NONE]);
    assert.equal(await produce(broker, p, 1, [id.slice(0, 8)], 0), ErrorCode.NONE);
    assert.equal(await end(broker, p, true), ErrorCode.NONE);
    producers.push(p);
  }
  const described = await call(broker, 65, 0, { transactionalIds: ids });
  assert.deepEqual(
    described.transactionStates.map((s: { errorCode: number; transactionState: string }) => [
      s.errorCode,
      s.transactionState,
    ]),
    ids.map(() => [0, 'CompleteCommit']),
  );
  await broker.close();
  ({ broker } = await open(first.store, first.dir));
  for (const p of producers) {
    const again = await init(broker, p.id);
    assert.deepEqual([again.pid, again.epoch], [p.pid, p.epoch + 1]);
  }
  assert.deepEqual(
    (await readCommitted(broker, 1)).values,
    ids.map((id) => Buffer.from(id.slice(0, 8)).toString()),
  );
  await broker.close();
});

test('OffsetCommit with a retention near Long.MAX_VALUE is kept (no overflow)', async () => {
  const { broker } = await open();
  const res = await call(broker, 8, 3, {
    groupId: 'g-retention',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: 2n ** 63n - 1n,
    topics: [
      {
        name: 'a',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 4n,
            committedLeaderEpoch: -1,
            committedMetadata: '',
          },
        ],
      },
    ],
  });
  assert.equal(res.topics[0].partitions[0].errorCode, ErrorCode.NONE);
  const fetched = await call(broker, 9, 3, {
    groupId: 'g-retention',
    topics: [{ name: 'a', partitionIndexes: [0] }],
    groups: [],
    requireStable: false,
  });
  assert.equal(fetched.topics[0].partitions[0].committedOffset, 4n);
  await broker.close();
});
