// Transactions whose partitions are led by different brokers (issue #15): the coordinator sends
// COMMIT/ABORT markers to each partition's leader with WriteTxnMarkers over the inter-broker
// connection and completes a transaction only once every marker is written. Three
// `rivulet start` brokers on one etcd, a topic with one partition led by each, and
// confluent-kafka-python's transactional producer writing to every partition in each
// transaction, committing two and aborting the third. The coordinator's broker is killed with
// kill -9 during the stream (a new coordinator loads __transaction_state and finishes what was
// prepared), then restarted. Afterwards read_committed consumers see every committed
// transaction whole, exactly once and in order, and nothing of the aborted ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionForTxn } from '../../src/broker/txn/index.js';
import { readAll } from '../interop/support/txn-clients.js';
import { startCluster, type TestCluster } from './support/cluster.js';
import { brokerLogs, createTopic, partitionsOf } from './support/cluster-admin.js';
import { startPyStream, type PyStream } from './support/py-stream.js';
import { checkTransactions, type TxnResult } from './support/txn-check.js';

const TOPIC = 'txns';
const PARTITIONS = 3;
const PER_PARTITION = 2;
const TXN_ID = 'across-brokers';
const TXN_STATE_PARTITIONS = 3;

let cluster: TestCluster;
let producer: PyStream<TxnResult> | undefined;
before(async () => {
  cluster = await startCluster({
    brokers: 3,
    config: {
      'broker.session.timeout.ms': 6000,
      'transaction.state.log.num.partitions': TXN_STATE_PARTITIONS,
    },
  });
});
after(async () => {
  producer?.kill();
  await cluster?.stop();
});

/** The broker leading the __transaction_state partition of the test's transactional id. */
async function coordinatorOf(): Promise<number> {
  const partition = partitionForTxn(TXN_ID, TXN_STATE_PARTITIONS);
  const state = await partitionsOf(cluster, '__transaction_state');
  return state.find((p) => p.partition === partition)?.leader ?? -1;
}

const count = (events: TxnResult[], r: TxnResult['r']) => events.filter((e) => e.r === r).length;

test('transactions over partitions of three leaders stay whole through a kill -9 of their coordinator', async () => {
  await createTopic(cluster, {
    name: TOPIC,
    partitions: PARTITIONS,
    replicationFactor: 3,
    config: { 'min.insync.replicas': '2' },
  });
  const leaders = new Set((await partitionsOf(cluster, TOPIC)).map((p) => p.leader));
  assert.ok(leaders.size >= 2, `the partitions have several leaders: ${[...leaders].join(',')}`);

  const p = startPyStream<TxnResult>('txn_stream.py', {
    bootstrap: cluster.bootstrap(),
    topic: TOPIC,
    partitions: PARTITIONS,
    transactional_id: TXN_ID,
    per_partition: PER_PARTITION,
    abort_every: 3,
  });
  producer = p;
  let coordinator = -1;
  try {
    await p.until('10 committed and 3 aborted transactions', (e) => count(e, 'commit') >= 10);
    coordinator = await coordinatorOf();
    assert.ok(coordinator > 0, 'the transactional id has a coordinator');
    const remote = (await partitionsOf(cluster, TOPIC)).filter((x) => x.leader !== coordinator);
    assert.ok(remote.length > 0, 'some partitions are led by other brokers than the coordinator');

    const before = count(p.events, 'commit');
    await cluster.kill(coordinator);
    await p.until(
      'transactions committed again after the coordinator was killed',
      (e) => count(e, 'commit') >= before + 10,
      120_000,
    );
    const moved = await coordinatorOf();
    assert.notEqual(moved, coordinator, 'the coordinator moved to another broker');

    await cluster.restart(coordinator);
    const later = count(p.events, 'commit');
    await p.until(
      'transactions after the killed broker came back',
      (e) => count(e, 'commit') >= later + 5,
      120_000,
    );
  } catch (err) {
    p.kill();
    throw new Error(
      `${String(err)}\ncoordinator: ${coordinator}\nproducer:\n${p.stderr().slice(-3000)}\n` +
        brokerLogs(cluster),
    );
  }
  const { code } = await p.stop();
  assert.equal(code, 0, p.stderr());

  const committed = await readAll(cluster.bootstrap(), TOPIC, 'read_committed', PARTITIONS);
  checkAll(p.events, committed);
});

function checkAll(results: TxnResult[], values: string[]): void {
  const { committed, aborted } = checkTransactions(results, values, {
    partitions: PARTITIONS,
    perPartition: PER_PARTITION,
  });
  assert.ok(committed >= 25, `${committed} transactions committed`);
  assert.ok(aborted >= 5, `${aborted} aborted`);
}
