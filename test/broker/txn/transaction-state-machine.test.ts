import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TransactionStateMachine,
  TxnState,
  decodeTxnLogRecord,
  encodeTxnLogKey,
  encodeTxnLogValue,
  partitionRefs,
  type Transition,
  type TxnMetadata,
} from '../../../src/broker/txn/index.js';

/** A fake clock and id source; every transition is "persisted" and applied at once. */
function setup() {
  const sm = new TransactionStateMachine();
  let nowMs = 1_000;
  let nextId = 100n;
  const commit = (t: Transition): Transition => {
    if (t.error === null && t.next !== null) sm.apply(t.next);
    return t;
  };
  const init = (producerId = -1n, producerEpoch = -1, timeoutMs = 60_000) =>
    commit(
      sm.initProducerId('app', {
        transactionTimeoutMs: timeoutMs,
        producerId,
        producerEpoch,
        nowMs,
        maxTimeoutMs: 900_000,
        newProducerId: () => nextId++,
      }),
    );
  const add = (epoch: number, partition = 0) =>
    commit(
      sm.addPartitions('app', {
        producerId: 100n,
        producerEpoch: epoch,
        nowMs,
        partitions: [{ topic: 'out', partition }],
      }),
    );
  const end = (epoch: number, c: boolean) =>
    commit(sm.endTxn('app', { producerId: 100n, producerEpoch: epoch, nowMs, commit: c }));
  const finish = () => sm.apply(sm.completeMarkers('app', nowMs)!);
  return {
    sm,
    init,
    add,
    end,
    finish,
    tick: (ms: number) => (nowMs += ms),
    state: () => sm.get('app')!.state,
  };
}

const errorOf = (t: Transition) => t.error;

test('init, add, commit: Empty → Ongoing → PrepareCommit → CompleteCommit', () => {
  const s = setup();
  const first = s.init();
  assert.deepEqual([first.error, first.error === null && first.producerId], [null, 100n]);
  assert.equal(s.state(), TxnState.Empty);
  assert.equal(errorOf(s.add(0)), null);
  assert.equal(s.state(), TxnState.Ongoing);
  // Adding a partition already in the transaction changes nothing.
  const again = s.add(0);
  assert.equal(again.error === null && again.next, null);
  s.add(0, 3);
  assert.deepEqual(partitionRefs(s.sm.get('app')!), [
    { topic: 'out', partition: 0 },
    { topic: 'out', partition: 3 },
  ]);
  assert.equal(errorOf(s.end(0, true)), null);
  assert.equal(s.state(), TxnState.PrepareCommit);
  assert.deepEqual(
    s.sm.pendingMarkers().map((m) => m.transactionalId),
    ['app'],
  );
  assert.equal(errorOf(s.add(0)), 'CONCURRENT_TRANSACTIONS');
  assert.equal(errorOf(s.end(0, true)), 'CONCURRENT_TRANSACTIONS');
  s.finish();
  assert.equal(s.state(), TxnState.CompleteCommit);
  assert.equal(s.sm.get('app')!.partitions.size, 0);
  // A retried EndTxn after completion succeeds; the opposite outcome is refused.
  assert.equal(errorOf(s.end(0, true)), null);
  assert.equal(errorOf(s.end(0, false)), 'INVALID_TXN_STATE');
});

test('a new producer instance bumps the epoch, fencing the old one', () => {
  const s = setup();
  s.init();
  const second = s.init();
  assert.equal(second.error === null && second.producerEpoch, 1);
  assert.equal(errorOf(s.add(0)), 'PRODUCER_FENCED');
  assert.equal(errorOf(s.end(0, true)), 'PRODUCER_FENCED');
  assert.equal(errorOf(s.add(1)), null);
});

test('init while a transaction is open aborts it first with a bumped epoch', () => {
  const s = setup();
  s.init();
  s.add(0);
  const t = s.init();
  assert.equal(t.error, null);
  const m = s.sm.get('app')!;
  assert.deepEqual([m.state, m.producerEpoch], [TxnState.PrepareAbort, 1]);
  assert.equal(errorOf(s.init()), 'CONCURRENT_TRANSACTIONS', 'the client retries');
  s.finish();
  assert.equal(s.state(), TxnState.CompleteAbort);
  const retry = s.init();
  assert.equal(retry.error === null && retry.producerEpoch, 2);
  assert.equal(s.state(), TxnState.Empty);
});

test('expired transactions are aborted with an epoch bump; others are left alone', () => {
  const s = setup();
  s.init(-1n, -1, 10_000);
  s.add(0);
  s.tick(9_000);
  assert.deepEqual(s.sm.expired(s.tick(0)), []);
  s.tick(2_000);
  const [abort] = s.sm.expired(s.tick(0));
  assert.deepEqual([abort!.state, abort!.producerEpoch], [TxnState.PrepareAbort, 1]);
  s.sm.apply(abort!);
  s.finish();
  assert.equal(errorOf(s.end(0, true)), 'PRODUCER_FENCED', 'the zombie cannot commit');
});

test('timeouts above transaction.max.timeout.ms and unknown producers are refused', () => {
  const s = setup();
  assert.equal(errorOf(s.init(-1n, -1, 1_000_000)), 'INVALID_TRANSACTION_TIMEOUT');
  assert.equal(errorOf(s.add(0)), 'INVALID_PRODUCER_ID_MAPPING');
  s.init();
  assert.equal(errorOf(s.end(0, true)), 'INVALID_TXN_STATE', 'nothing to commit in Empty');
  assert.equal(errorOf(s.init(555n, 0)), 'PRODUCER_FENCED');
});

test('__transaction_state records round-trip, so a restart resumes a prepared commit', () => {
  const s = setup();
  s.init();
  s.add(0, 2);
  s.end(0, true);
  const m = s.sm.get('app')!;
  const decoded = decodeTxnLogRecord(encodeTxnLogKey('app'), encodeTxnLogValue(m));
  const restored: TxnMetadata = decoded.metadata!;
  assert.equal(decoded.transactionalId, 'app');
  assert.deepEqual(
    [restored.state, restored.producerId, restored.producerEpoch, [...restored.partitions]],
    [TxnState.PrepareCommit, 100n, 0, [['out', [2]]]],
  );
  const reloaded = new TransactionStateMachine();
  reloaded.apply(restored);
  assert.deepEqual(
    reloaded.pendingMarkers().map((x) => x.transactionalId),
    ['app'],
  );
  assert.equal(decodeTxnLogRecord(encodeTxnLogKey('gone'), null).metadata, null);
});
