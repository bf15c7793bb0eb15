// transaction.timeout.ms with a real client: a confluent-kafka-python transactional producer
// writes, then stalls past its timeout. The broker's expiry job aborts its transaction (with an
// epoch bump) while it sleeps, so a read_committed consumer gets past its records (the LSO
// moves on) to a later committed transaction; and the stalled producer's late commit fails.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startBroker, type Broker } from '../../src/index.js';
import { readAll, txnTool, type TxnError } from './support/txn-clients.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({
    port: 0,
    config: {
      'num.partitions': 1,
      'transaction.state.log.num.partitions': 3,
      'transaction.abort.timed.out.transaction.cleanup.interval.ms': 300,
    },
  });
});
after(() => broker.close());

test(
  'confluent-kafka-python: a stalled transaction is aborted at its timeout and its producer fenced',
  { timeout: 60_000 },
  async () => {
    const topic = 'txn-stall';
    const bootstrap = broker.bootstrap;
    const timeoutMs = 2000;
    const stalled = txnTool<{ send: TxnError | null; commit: TxnError | null }>('stall', {
      bootstrap,
      topic,
      transactional_id: 'stall-tx',
      stall_s: 7,
      config: { 'transaction.timeout.ms': timeoutMs, 'message.timeout.ms': timeoutMs },
    });
    // The stalled transaction's record is in the log first...
    const deadline = Date.now() + 15_000;
    while (!(await readAll(bootstrap, topic, 'read_uncommitted', 1)).includes('stalled-1')) {
      assert.ok(Date.now() < deadline, 'the stalled producer never wrote');
      await sleep(200);
    }
    // ...then another producer commits after it, behind the stalled transaction's first offset.
    const { results } = await txnTool<{ results: { error: TxnError | null }[] }>('transactions', {
      bootstrap,
      topic,
      transactional_id: 'after-tx',
      transactions: [{ messages: [{ value: 'after-1', partition: 0 }], end: 'commit' }],
    });
    assert.deepEqual(results, [{ error: null }]);
    // The broker aborts the stalled transaction at its timeout (while its producer still
    // sleeps), so read_committed reaches the later commit, without the stalled record.
    let committed: string[] = [];
    while (!committed.includes('after-1')) {
      assert.ok(Date.now() < deadline, `read_committed stuck: ${committed.join(',')}`);
      await sleep(200);
      committed = await readAll(bootstrap, topic, 'read_committed', 1);
    }
    assert.deepEqual(committed, ['after-1']);

    const result = await stalled;
    // The abort bumped the epoch: librdkafka's next request is answered as fenced, which it
    // raises as fatal (as against Kafka's brokers before transaction.version 2).
    assert.deepEqual(result.commit, { name: '_FENCED', fatal: true, abortable: false });
    assert.deepEqual(await readAll(bootstrap, topic, 'read_committed', 1), ['after-1']);
    const uncommitted = await readAll(bootstrap, topic, 'read_uncommitted', 1);
    assert.ok(uncommitted.includes('stalled-1') && uncommitted.includes('after-1'));
  },
);
