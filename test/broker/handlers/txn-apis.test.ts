// The transaction APIs over a real socket: InitProducerId with a transactional id,
// AddPartitionsToTxn (client and batched forms), AddOffsetsToTxn, transactional Produce, EndTxn,
// DescribeTransactions, ListTransactions, fencing, the marker listener, and the coordinator's
// state after a restart.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker, type StartBrokerOptions } from '../../../src/index.js';
import { ErrorCode, encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { createTopic, fetchBody, produceBody, valuesOf } from './data-helpers.js';
import { waitFor } from '../../support/wait.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 15000 }, fn);
const brokers: Broker[] = [];
const clients: ProtocolClient[] = [];
const dirs: string[] = [];
after(async () => {
  for (const c of clients) c.close();
  await Promise.all(brokers.map((b) => b.close()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function open(options: StartBrokerOptions = {}): Promise<{ b: Broker; c: ProtocolClient }> {
  const config = {
    'transaction.state.log.num.partitions': 3,
    'offsets.topic.num.partitions': 3,
    'num.partitions': 2,
    ...options.config,
  };
  const b = await startBroker({ port: 0, ...options, config });
  brokers.push(b);
  const c = await ProtocolClient.connect(b.port);
  clients.push(c);
  return { b, c };
}

const initBody = (transactionalId: string | null, producerId = -1n, producerEpoch = -1) => ({
  transactionalId,
  transactionTimeoutMs: 60000,
  producerId,
  producerEpoch,
  enable2Pc: false,
  keepPreparedTxn: false,
});

const addBody = (id: string, pid: bigint, epoch: number, topics: [string, number[]][]) => ({
  transactions: [],
  v3AndBelowTransactionalId: id,
  v3AndBelowProducerId: pid,
  v3AndBelowProducerEpoch: epoch,
  v3AndBelowTopics: topics.map(([name, partitions]) => ({ name, partitions })),
});

const endBody = (id: string, pid: bigint, epoch: number, committed: boolean) => ({
  transactionalId: id,
  producerId: pid,
  producerEpoch: epoch,
  committed,
});

const txnBatch = (values: string[], pid: bigint, epoch: number, baseSequence = 0) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    { producerId: pid, producerEpoch: epoch, baseSequence, isTransactional: true, timestamp: 1 },
  );

type PartitionCodes = { resultsByPartition: { partitionErrorCode: number }[] }[];
const codesOf = (topics: PartitionCodes) =>
  topics.flatMap((t) => t.resultsByPartition.map((p) => p.partitionErrorCode));

async function init(c: ProtocolClient, id: string, version = 4) {
  const res = await c.request(22, version, initBody(id));
  assert.equal(res.errorCode, ErrorCode.NONE);
  return { pid: res.producerId as bigint, epoch: res.producerEpoch as number };
}

test('commit: partitions added, transactional batches accepted, LSO held until EndTxn', async () => {
  const { c } = await open();
  await createTopic(c, 't1');
  const { pid, epoch } = await init(c, 'tx-commit');
  assert.equal(epoch, 0);

  // Not in the transaction yet: the partition refuses the batch.
  const early = await c.request(
    0,
    9,
    produceBody('t1', [{ index: 0, records: txnBatch(['x'], pid, epoch) }]),
  );
  assert.equal(early.responses[0].partitionResponses[0].errorCode, ErrorCode.INVALID_TXN_STATE);

  // One unknown partition: nothing is added.
  const partial = await c.request(
    24,
    3,
    addBody('tx-commit', pid, epoch, [
      ['t1', [0, 9]],
      ['nope', [0]],
    ]),
  );
  assert.deepEqual(codesOf(partial.resultsByTopicV3AndBelow), [
    ErrorCode.OPERATION_NOT_ATTEMPTED,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  const added = await c.request(24, 3, addBody('tx-commit', pid, epoch, [['t1', [0, 1]]]));
  assert.deepEqual(codesOf(added.resultsByTopicV3AndBelow), [0, 0]);

  const produced = await c.request(
    0,
    9,
    produceBody('t1', [{ index: 0, records: txnBatch(['a', 'b'], pid, epoch) }]),
  );
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  const committed = () =>
    c.request(1, 12, fetchBody('t1', [{ partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }));
  const held = (await committed()).responses[0].partitions[0];
  assert.deepEqual([held.highWatermark, held.lastStableOffset], [2n, 0n]);
  assert.deepEqual(valuesOf(held.records), []);

  const described = await c.request(65, 0, { transactionalIds: ['tx-commit', 'unknown'] });
  const [d, unknown] = described.transactionStates;
  assert.deepEqual(
    [d.errorCode, d.transactionState, d.producerId, d.producerEpoch],
    [0, 'Ongoing', pid, 0],
  );
  assert.deepEqual(d.topics, [{ topic: 't1', partitions: [0, 1] }]);
  assert.equal(unknown.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

  const end = await c.request(26, 3, endBody('tx-commit', pid, epoch, true));
  assert.equal(end.errorCode, ErrorCode.NONE);
  const visible = (await committed()).responses[0].partitions[0];
  assert.equal(visible.lastStableOffset, 3n); // two records and the COMMIT marker
  assert.deepEqual(valuesOf(visible.records), ['a', 'b']);
  // A retried EndTxn succeeds; the opposite one is INVALID_TXN_STATE.
  assert.equal((await c.request(26, 3, endBody('tx-commit', pid, epoch, true))).errorCode, 0);
  const wrong = await c.request(26, 3, endBody('tx-commit', pid, epoch, false));
  assert.equal(wrong.errorCode, ErrorCode.INVALID_TXN_STATE);
  const after = await c.request(65, 0, { transactionalIds: ['tx-commit'] });
  assert.equal(after.transactionStates[0].transactionState, 'CompleteCommit');
  assert.deepEqual(after.transactionStates[0].topics, []);
});

test('abort: read_committed gets the aborted range, read_uncommitted the records', async () => {
  const { c } = await open();
  await createTopic(c, 't2');
  const { pid, epoch } = await init(c, 'tx-abort');
  await c.request(24, 1, addBody('tx-abort', pid, epoch, [['t2', [1]]]));
  await c.request(0, 9, produceBody('t2', [{ index: 1, records: txnBatch(['gone'], pid, epoch) }]));
  assert.equal((await c.request(26, 1, endBody('tx-abort', pid, epoch, false))).errorCode, 0);
  const read = async (isolationLevel: number) =>
    (
      await c.request(
        1,
        12,
        fetchBody('t2', [{ partition: 1, fetchOffset: 0 }], { isolationLevel }),
      )
    ).responses[0].partitions[0];
  const rc = await read(1);
  assert.equal(rc.lastStableOffset, 2n);
  assert.deepEqual(rc.abortedTransactions, [{ producerId: pid, firstOffset: 0n }]);
  assert.deepEqual(valuesOf((await read(0)).records), ['gone']);
});

test('a second InitProducerId fences the first producer; old clients get INVALID_PRODUCER_EPOCH', async () => {
  const { c } = await open();
  await createTopic(c, 't3');
  const first = await init(c, 'tx-zombie');
  await c.request(24, 3, addBody('tx-zombie', first.pid, first.epoch, [['t3', [0]]]));
  await c.request(
    0,
    9,
    produceBody('t3', [{ index: 0, records: txnBatch(['z'], first.pid, first.epoch) }]),
  );
  // The open transaction is aborted first; the client retries.
  const busy = await c.request(22, 4, initBody('tx-zombie'));
  assert.equal(busy.errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  const second = await init(c, 'tx-zombie');
  assert.deepEqual([second.pid, second.epoch], [first.pid, 2]);
  const fenced = await c.request(26, 3, endBody('tx-zombie', first.pid, first.epoch, true));
  assert.equal(fenced.errorCode, ErrorCode.PRODUCER_FENCED);
  const old = await c.request(26, 1, endBody('tx-zombie', first.pid, first.epoch, true));
  assert.equal(old.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  const add = await c.request(24, 1, addBody('tx-zombie', first.pid, first.epoch, [['t3', [0]]]));
  assert.deepEqual(codesOf(add.resultsByTopicV3AndBelow), [ErrorCode.INVALID_PRODUCER_EPOCH]);
  const zombie = await c.request(
    0,
    9,
    produceBody('t3', [{ index: 0, records: txnBatch(['late'], first.pid, first.epoch, 1) }]),
  );
  assert.equal(
    zombie.responses[0].partitionResponses[0].errorCode,
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
  const unknown = await c.request(26, 3, endBody('no-such-id', 5n, 0, true));
  assert.equal(unknown.errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  assert.equal((await c.request(22, 4, initBody(''))).errorCode, ErrorCode.INVALID_REQUEST);
  const tooLong = await c.request(22, 4, { ...initBody('tx-long'), transactionTimeoutMs: 900_001 });
  assert.equal(tooLong.errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
});

test('AddOffsetsToTxn adds the group’s __consumer_offsets partition; batched AddPartitionsToTxn verifies', async () => {
  const { c } = await open();
  await createTopic(c, 't4');
  const { pid, epoch } = await init(c, 'tx-offsets');
  const res = await c.request(25, 3, {
    transactionalId: 'tx-offsets',
    producerId: pid,
    producerEpoch: epoch,
    groupId: 'g',
  });
  assert.equal(res.errorCode, ErrorCode.NONE);
  const d = (await c.request(65, 0, { transactionalIds: ['tx-offsets'] })).transactionStates[0];
  // 'g'.hashCode() = 103; 103 % 3 = 1
  assert.deepEqual(d.topics, [{ topic: '__consumer_offsets', partitions: [1] }]);

  const verify = await c.request(24, 4, {
    transactions: [
      {
        transactionalId: 'tx-offsets',
        producerId: pid,
        producerEpoch: epoch,
        verifyOnly: true,
        topics: [
          { name: '__consumer_offsets', partitions: [1, 2] },
          { name: 't4', partitions: [0] },
        ],
      },
      {
        transactionalId: 'tx-offsets',
        producerId: pid,
        producerEpoch: epoch + 1,
        verifyOnly: true,
        topics: [{ name: 't4', partitions: [0] }],
      },
    ],
    v3AndBelowTransactionalId: '',
    v3AndBelowProducerId: 0n,
    v3AndBelowProducerEpoch: 0,
    v3AndBelowTopics: [],
  });
  assert.equal(verify.errorCode, 0);
  assert.deepEqual(
    verify.resultsByTransaction.map((r: { topicResults: PartitionCodes }) =>
      codesOf(r.topicResults),
    ),
    [[0, ErrorCode.INVALID_TXN_STATE, ErrorCode.INVALID_TXN_STATE], [ErrorCode.PRODUCER_FENCED]],
  );
});

test('ListTransactions filters by state, producer id, duration and pattern', async () => {
  const { c } = await open();
  await createTopic(c, 't5');
  const a = await init(c, 'list-a');
  const b = await init(c, 'list-b');
  await c.request(24, 3, addBody('list-b', b.pid, b.epoch, [['t5', [0]]]));
  const list = async (body: Record<string, unknown>, version = 2) => {
    const res = await c.request(66, version, {
      stateFilters: [],
      producerIdFilters: [],
      durationFilter: -1n,
      transactionalIdPattern: null,
      ...body,
    });
    return {
      errorCode: res.errorCode as number,
      unknown: res.unknownStateFilters as string[],
      ids: (res.transactionStates as { transactionalId: string; transactionState: string }[])
        .map((s) => `${s.transactionalId}:${s.transactionState}`)
        .sort(),
    };
  };
  assert.deepEqual((await list({})).ids, ['list-a:Empty', 'list-b:Ongoing']);
  const ongoing = await list({ stateFilters: ['Ongoing', 'Bogus'] });
  assert.deepEqual([ongoing.ids, ongoing.unknown], [['list-b:Ongoing'], ['Bogus']]);
  assert.deepEqual((await list({ producerIdFilters: [a.pid] })).ids, ['list-a:Empty']);
  assert.deepEqual((await list({ transactionalIdPattern: 'list-.' })).ids.length, 2);
  assert.deepEqual((await list({ transactionalIdPattern: 'list' })).ids, []);
  assert.equal(
    (await list({ transactionalIdPattern: '(' })).errorCode,
    ErrorCode.INVALID_REGULAR_EXPRESSION,
  );
  assert.deepEqual((await list({ durationFilter: 3_600_000n }, 1)).ids, ['list-a:Empty']);
  // RE2 has no backreferences; patterns run in linear time, so this one cannot stall the
  // broker (with backtracking, 27 letters take seconds and each more doubles it).
  assert.equal(
    (await list({ transactionalIdPattern: '(l)\\1' })).errorCode,
    ErrorCode.INVALID_REGULAR_EXPRESSION,
  );
  // With backtracking, 200 letters would never finish; answering at all is the check.
  await init(c, `${'a'.repeat(200)}!`);
  assert.deepEqual((await list({ transactionalIdPattern: '(a+)+' })).ids, []);
});

test('the coordinator state survives a restart', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rivulet-txn-'));
  dirs.push(dataDir);
  const first = await open({ dataDir });
  await createTopic(first.c, 't6');
  const { pid, epoch } = await init(first.c, 'tx-restart');
  await first.c.request(24, 3, addBody('tx-restart', pid, epoch, [['t6', [0]]]));
  await first.c.request(
    0,
    9,
    produceBody('t6', [{ index: 0, records: txnBatch(['r'], pid, epoch) }]),
  );
  first.c.close();
  await first.b.close();

  const second = await open({ dataDir });
  const d = (await second.c.request(65, 0, { transactionalIds: ['tx-restart'] }))
    .transactionStates[0];
  assert.deepEqual(
    [d.transactionState, d.producerId, d.topics],
    ['Ongoing', pid, [{ topic: 't6', partitions: [0] }]],
  );
  assert.equal(
    (await second.c.request(26, 3, endBody('tx-restart', pid, epoch, true))).errorCode,
    0,
  );
  const rc = (
    await second.c.request(
      1,
      12,
      fetchBody('t6', [{ partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }),
    )
  ).responses[0].partitions[0];
  assert.deepEqual(valuesOf(rc.records), ['r']);
  // Epochs go on from the persisted one.
  const again = await init(second.c, 'tx-restart');
  assert.deepEqual([again.pid, again.epoch], [pid, 1]);
});

test('a transaction past its timeout is aborted by the expiry job and its producer fenced', async () => {
  const { c } = await open({
    config: { 'transaction.abort.timed.out.transaction.cleanup.interval.ms': 50 },
  });
  await createTopic(c, 't7');
  const res = await c.request(22, 4, { ...initBody('tx-expire'), transactionTimeoutMs: 100 });
  const [pid, epoch] = [res.producerId as bigint, res.producerEpoch as number];
  await c.request(24, 3, addBody('tx-expire', pid, epoch, [['t7', [0]]]));
  await c.request(0, 9, produceBody('t7', [{ index: 0, records: txnBatch(['late'], pid, epoch) }]));
  const describe = async () =>
    (await c.request(65, 0, { transactionalIds: ['tx-expire'] })).transactionStates[0];
  await waitFor(
    "the coordinator's timeout job to abort the transaction",
    async () => (await describe()).transactionState === 'CompleteAbort',
  );
  const d = await describe();
  assert.deepEqual([d.transactionState, d.producerEpoch], ['CompleteAbort', epoch + 1]);
  const rc = (
    await c.request(
      1,
      12,
      fetchBody('t7', [{ partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }),
    )
  ).responses[0].partitions[0];
  assert.equal(rc.lastStableOffset, 2n);
  const end = await c.request(26, 3, endBody('tx-expire', pid, epoch, true));
  assert.equal(end.errorCode, ErrorCode.PRODUCER_FENCED);
});
