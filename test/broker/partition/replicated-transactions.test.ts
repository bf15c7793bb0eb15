// Transactions on replicated partitions: a committed and an aborted transaction written
// through the coordinator and the data partition's leader are replicated with their markers;
// after both leaderships move, the new transaction coordinator knows the transaction's state
// and fences the old producer epoch, and the new data leader (once a follower) knows which
// transaction was aborted (read_committed answers carry it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin } from '../../../src/client/index.js';
import { ErrorCode, encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';
import { fetchBody, produceBody, valuesOf } from '../handlers/data-helpers.js';
import { startInProcessCluster, type InProcessCluster } from './support/in-process-cluster.js';

const TXN_ID = 'replicated-txn';

const txnBatch = (values: string[], pid: bigint, epoch: number, baseSequence: number) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    {
      producerId: pid,
      producerEpoch: epoch,
      baseSequence,
      isTransactional: true,
      timestamp: Date.now(),
    },
  );

async function identical(cluster: InProcessCluster, topic: string): Promise<boolean> {
  const logs = await Promise.all([1, 2, 3].map((id) => cluster.logBytes(id, topic, 0)));
  return logs.every((l) => l.length > 0 && l.equals(logs[0]!));
}

async function transaction(
  c: ProtocolClient,
  txn: { pid: bigint; epoch: number; values: string[]; sequence: number; commit: boolean },
): Promise<void> {
  const added = await c.request(24, 3, {
    transactions: [],
    v3AndBelowTransactionalId: TXN_ID,
    v3AndBelowProducerId: txn.pid,
    v3AndBelowProducerEpoch: txn.epoch,
    v3AndBelowTopics: [{ name: 'tx-data', partitions: [0] }],
  });
  assert.equal(added.resultsByTopicV3AndBelow[0].resultsByPartition[0].partitionErrorCode, 0);
  const batch = txnBatch(txn.values, txn.pid, txn.epoch, txn.sequence);
  const produced = await c.request(0, 9, produceBody('tx-data', [{ index: 0, records: batch }]));
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  const ended = await c.request(26, 3, {
    transactionalId: TXN_ID,
    producerId: txn.pid,
    producerEpoch: txn.epoch,
    committed: txn.commit,
  });
  assert.equal(ended.errorCode, ErrorCode.NONE);
}

test('a transaction coordinator and a data leader that move keep transactions whole', async (t) => {
  const cluster = await startInProcessCluster(3, {
    'transaction.state.log.num.partitions': 1,
    'replica.fetch.wait.max.ms': 100,
  });
  t.after(() => cluster.close());
  const admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
  await admin.createTopics([
    { name: 'tx-data', numPartitions: 1, replicationFactor: 3 },
    {
      name: '__transaction_state',
      numPartitions: 1,
      replicationFactor: 3,
      configs: { 'cleanup.policy': 'compact' },
    },
  ]);
  await admin.close();
  await waitFor('the topics', () => cluster.observer.image.topic('tx-data') !== undefined);
  // The coordinator writes markers and verifies transactional produce on its own broker, so
  // the data partition's leader is the coordinator's broker here.
  const coordinator = cluster.partition('__transaction_state', 0).leader;
  if (cluster.partition('tx-data', 0).leader !== coordinator) {
    await cluster.changePartition('tx-data', 0, { leader: coordinator });
  }
  const c = await ProtocolClient.connect(cluster.brokers.get(coordinator)!.port);
  t.after(() => c.close());
  const initBody = {
    transactionalId: TXN_ID,
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  };
  let pid = -1n;
  let epoch = -1;
  await waitFor('the coordinator to give a producer id', async () => {
    const r = await c.request(22, 4, initBody);
    [pid, epoch] = [r.producerId as bigint, r.producerEpoch as number];
    return r.errorCode === ErrorCode.NONE;
  });
  await transaction(c, { pid, epoch, values: ['t0', 't1'], sequence: 0, commit: true });
  await transaction(c, { pid, epoch, values: ['u0'], sequence: 2, commit: false });
  // EndTxn answers once PrepareAbort is written; the markers and CompleteAbort follow. A new
  // coordinator does not finish a transaction it loads half-way (Kafka's does), so the move
  // waits for the old coordinator to complete it.
  await waitFor('the abort to complete', async () => {
    const r = await c.request(65, 0, { transactionalIds: [TXN_ID] });
    return r.transactionStates[0].transactionState === 'CompleteAbort';
  });
  await waitFor('replicated data and markers', () => identical(cluster, 'tx-data'));
  await waitFor('replicated transaction state', () => identical(cluster, '__transaction_state'));

  const next = [1, 2, 3].find((id) => id !== coordinator)!;
  await cluster.changePartition('__transaction_state', 0, { leader: next });
  await cluster.changePartition('tx-data', 0, { leader: next });
  const n = await ProtocolClient.connect(cluster.brokers.get(next)!.port);
  t.after(() => n.close());

  // The new coordinator loaded the transaction: its last one was aborted.
  let state = '';
  await waitFor('the new coordinator to describe the transaction', async () => {
    const r = await n.request(65, 0, { transactionalIds: [TXN_ID] });
    const s = r.transactionStates[0];
    state = s.transactionState;
    return s.errorCode === ErrorCode.NONE;
  });
  assert.equal(state, 'CompleteAbort');
  // A new InitProducerId for the same id keeps the producer id and bumps the epoch (fencing).
  const again = await n.request(22, 4, initBody);
  assert.equal(again.errorCode, ErrorCode.NONE);
  assert.equal(again.producerId, pid);
  assert.equal(again.producerEpoch, epoch + 1);

  // The new data leader answers read_committed with the aborted transaction it replicated
  // (once its followers have fetched, its high watermark covers the markers).
  type Part = {
    errorCode: number;
    lastStableOffset: bigint;
    records: Buffer | null;
    abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null;
  };
  let p!: Part;
  await waitFor('the last stable offset past both markers', async () => {
    const fetched = await n.request(
      1,
      12,
      fetchBody('tx-data', [{ partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }),
    );
    p = fetched.responses[0].partitions[0] as Part;
    return p.errorCode === ErrorCode.NONE && p.lastStableOffset === 5n;
  });
  const values = valuesOf(p.records);
  // Both transactions' records (read_committed filtering is the client's, by the list below).
  assert.deepEqual(
    values.filter((v) => !v.startsWith('\u0000')),
    ['t0', 't1', 'u0'],
    JSON.stringify(values),
  );
  assert.deepEqual(
    (p.abortedTransactions ?? []).map((a) => [a.producerId, a.firstOffset]),
    [[pid, 3n]],
  );
  // The old producer epoch is fenced on the new data leader too, once its marker is written.
  const stale = await n.request(
    0,
    9,
    produceBody('tx-data', [{ index: 0, records: txnBatch(['late'], pid, epoch, 3) }]),
  );
  assert.notEqual(stale.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
});
