// A hostile or confused transactional client, fed straight to the handler registry: each
// misuse gets the code Kafka's coordinator and partitions answer, and nothing it sent becomes
// visible to read_committed consumers or to OffsetFetch.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openInProcessBroker, type InProcessBroker } from './in-process-broker.js';
import {
  ErrorCode,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../../../src/protocol/index.js';
import { MemoryMetadataLogStore } from '../../../src/metadata/index.js';
import { fetchBody, produceBody } from './data-helpers.js';
import { call } from './frame-call.js';

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

interface Producer {
  id: string;
  pid: bigint;
  epoch: number;
}

const initBody = (id: string | null, timeoutMs = 30000, pid = -1n, epoch = -1) => ({
  transactionalId: id,
  transactionTimeoutMs: timeoutMs,
  producerId: pid,
  producerEpoch: epoch,
  enable2Pc: false,
  keepPreparedTxn: false,
});

async function init(b: InProcessBroker, id: string): Promise<Producer> {
  const res = await call(b, 22, 4, initBody(id));
  assert.equal(res.errorCode, ErrorCode.NONE);
  return { id, pid: res.producerId, epoch: res.producerEpoch };
}

async function add(b: InProcessBroker, p: Producer, partitions: number[], version = 3) {
  const res = await call(b, 24, version, {
    transactions: [],
    v3AndBelowTransactionalId: p.id,
    v3AndBelowProducerId: p.pid,
    v3AndBelowProducerEpoch: p.epoch,
    v3AndBelowTopics: [{ name: 'a', partitions }],
  });
  const codes: number[] = res.resultsByTopicV3AndBelow.flatMap(
    (t: { resultsByPartition: { partitionErrorCode: number }[] }) =>
      t.resultsByPartition.map((r) => r.partitionErrorCode),
  );
  return codes;
}

async function end(b: InProcessBroker, p: Producer, committed: boolean, version = 3) {
  const res = await call(b, 26, version, {
    transactionalId: p.id,
    producerId: p.pid,
    producerEpoch: p.epoch,
    committed,
  });
  return res.errorCode as number;
}

const txnBatch = (values: string[], p: Producer, baseSequence: number) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    {
      producerId: p.pid,
      producerEpoch: p.epoch,
      baseSequence,
      isTransactional: true,
      timestamp: Date.now(),
    },
  );

async function produce(
  b: InProcessBroker,
  p: Producer,
  partition: number,
  values: string[],
  seq: number,
) {
  const res = await call(
    b,
    0,
    9,
    produceBody('a', [{ index: partition, records: txnBatch(values, p, seq) }]),
  );
  return res.responses[0].partitionResponses[0].errorCode as number;
}

/**
 * What a read_committed consumer keeps, as Kafka's clients do: records below the LSO, without
 * control batches, and without the records of an aborted transaction (from its first offset
 * in `aborted_transactions` to its producer's ABORT marker).
 */
async function readCommitted(b: InProcessBroker, partition: number) {
  const res = await call(
    b,
    1,
    12,
    fetchBody('a', [{ partition, fetchOffset: 0 }], { isolationLevel: 1 }),
  );
  const p = res.responses[0].partitions[0];
  const aborted: { producerId: bigint; firstOffset: bigint }[] = p.abortedTransactions ?? [];
  const skipping = new Set<bigint>();
  const values: string[] = [];
  for (const raw of p.records === null ? [] : splitRecordBatches(p.records)) {
    const batch = decodeRecordBatchSync(raw);
    for (const a of aborted) {
      if (a.firstOffset <= batch.baseOffset) skipping.add(a.producerId);
    }
    if (batch.isControl) {
      skipping.delete(batch.producerId);
      continue;
    }
    if (batch.isTransactional && skipping.has(batch.producerId)) continue;
    for (const r of batch.records) values.push(r.value?.toString() ?? '');
  }
  return { values, lso: p.lastStableOffset as bigint, hw: p.highWatermark as bigint };
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
