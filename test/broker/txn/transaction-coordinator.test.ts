import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TransactionCoordinator,
  TRANSACTION_STATE_TOPIC,
  TransactionStateLog,
  TxnState,
  javaStringHash,
  partitionForTxn,
  type TxnMarkerWriter,
  type TxnMetadata,
  type TxnStateLog,
} from '../../../src/broker/txn/index.js';
import { LogManager, LogStorageError, MemoryFileSystem } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';

const BROKER = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;

/** A replica manager leading the 50 partitions of __transaction_state over `logs`. */
async function txnStateReplicas(logs: LogManager): Promise<ReplicaManager> {
  const replicas = new ReplicaManager({ logs, broker: BROKER });
  for (let partition = 0; partition < 50; partition++) {
    const topicId = '00000000-0000-0000-0000-0000000000d0';
    await replicas.ensurePartition(
      { topic: TRANSACTION_STATE_TOPIC, partition, topicId, leaderEpoch: 0 },
      new Map([['cleanup.policy', 'compact']]),
    );
  }
  return replicas;
}

type Rec = { transactionalId: string; metadata: TxnMetadata | null };

class MemoryTxnLog implements TxnStateLog {
  readonly records = new Map<number, Rec[]>();
  append(partition: number, record: Rec): Promise<void> {
    const list = this.records.get(partition) ?? [];
    list.push(record);
    this.records.set(partition, list);
    return Promise.resolve();
  }
  async replay(partition: number, onRecord: (r: Rec) => void): Promise<void> {
    for (const r of this.records.get(partition) ?? []) onRecord(r);
  }
}

class MemoryMarkers implements TxnMarkerWriter {
  readonly written: { commit: boolean; producerEpoch: number; partitions: string[] }[] = [];
  fail = false;
  async write(m: Parameters<TxnMarkerWriter['write']>[0]): Promise<boolean> {
    if (this.fail) return false;
    this.written.push({
      commit: m.commit,
      producerEpoch: m.producerEpoch,
      partitions: m.partitions.map((p) => `${p.topic}-${p.partition}`),
    });
    return true;
  }
}

/** A coordinator over `log`; it takes every partition over unless `load` is false. */
function coordinator<L extends TxnStateLog = MemoryTxnLog>(
  log: L = new MemoryTxnLog() as TxnStateLog as L,
  markers = new MemoryMarkers(),
  options: { load: boolean } = { load: true },
) {
  let nowMs = 0;
  let nextId = 7n;
  const c = new TransactionCoordinator({
    log,
    markers,
    nowMs: () => nowMs,
    newProducerId: async () => nextId++,
    numPartitions: 50,
    maxTimeoutMs: 900_000,
  });
  // Operations queue behind the load.
  if (options.load) void c.load();
  return { c, log, markers, tick: (ms: number) => (nowMs += ms) };
}

const init = (c: TransactionCoordinator, timeoutMs = 60_000) =>
  c.initProducerId('tx', { transactionTimeoutMs: timeoutMs, producerId: -1n, producerEpoch: -1 });

test('partitions follow Java String.hashCode, as Kafka places transactional ids', () => {
  assert.equal(javaStringHash('foo'), 101574);
  assert.equal(javaStringHash('hello'), 99162322);
  assert.equal(partitionForTxn('foo', 50), 101574 % 50);
  // Its hash is Integer.MIN_VALUE, which Kafka's Utils.abs maps to 0.
  assert.equal(javaStringHash('polygenelubricants'), -(2 ** 31));
  assert.equal(partitionForTxn('polygenelubricants', 50), 0);
});

test('a commit writes markers to every partition and ends CompleteCommit, persisted', async () => {
  const { c, log, markers } = coordinator();
  assert.deepEqual(await init(c), { error: null, producerId: 7n, producerEpoch: 0 });
  const partitions = [
    { topic: 'a', partition: 0 },
    { topic: 'b', partition: 1 },
  ];
  assert.equal(await c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions }), null);
  assert.equal(await c.endTxn('tx', { producerId: 7n, producerEpoch: 0, commit: true }), null);
  assert.deepEqual(markers.written, [
    { commit: true, producerEpoch: 0, partitions: ['a-0', 'b-1'] },
  ]);
  const records = log.records.get(partitionForTxn('tx', 50))!;
  assert.deepEqual(
    records.map((r) => r.metadata!.state),
    [TxnState.Empty, TxnState.Ongoing, TxnState.PrepareCommit, TxnState.CompleteCommit],
  );
});

test('a restart mid-commit finishes the commit from the log', async () => {
  const first = coordinator();
  await init(first.c);
  const partitions = [{ topic: 'a', partition: 0 }];
  await first.c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions });
  first.markers.fail = true; // the broker dies before any marker is written
  assert.equal(
    await first.c.endTxn('tx', { producerId: 7n, producerEpoch: 0, commit: true }),
    null,
  );
  assert.equal(first.c.state.get('tx')!.state, TxnState.PrepareCommit);

  const second = coordinator(first.log, undefined, { load: false });
  await second.c.load();
  // The prepared commit is finished in the background of the load.
  await second.c.idle();
  assert.equal(second.c.state.get('tx')!.state, TxnState.CompleteCommit);
  assert.deepEqual(second.markers.written, [
    { commit: true, producerEpoch: 0, partitions: ['a-0'] },
  ]);
});

test('expired transactions are aborted proactively and the producer is fenced', async () => {
  const { c, markers, tick } = coordinator();
  await init(c, 5_000);
  const partitions = [{ topic: 'a', partition: 0 }];
  await c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions });
  tick(4_000);
  assert.equal(await c.abortExpired(), 0);
  tick(2_000);
  assert.equal(await c.abortExpired(), 1);
  assert.deepEqual(markers.written, [{ commit: false, producerEpoch: 1, partitions: ['a-0'] }]);
  assert.equal(c.state.get('tx')!.state, TxnState.CompleteAbort);
  const zombie = await c.endTxn('tx', { producerId: 7n, producerEpoch: 0, commit: true });
  assert.equal(zombie, 'PRODUCER_FENCED');
});

test('a second producer instance aborts the first one’s open transaction', async () => {
  const { c, markers } = coordinator();
  await init(c);
  const partitions = [{ topic: 'a', partition: 0 }];
  await c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions });
  const first = await init(c);
  assert.equal(first.error, 'CONCURRENT_TRANSACTIONS');
  assert.deepEqual(markers.written, [{ commit: false, producerEpoch: 1, partitions: ['a-0'] }]);
  assert.deepEqual(await init(c), { error: null, producerId: 7n, producerEpoch: 2 });
});

test('over __transaction_state logs: a prepared commit survives a crash and is finished', async () => {
  const fs = new MemoryFileSystem();
  const openLogs = async () => {
    const logs = await LogManager.open({ logDirs: ['/data'], fs });
    return new TransactionStateLog(await txnStateReplicas(logs));
  };
  const first = coordinator(await openLogs());
  first.markers.fail = true;
  await init(first.c);
  const partitions = [{ topic: 'a', partition: 0 }];
  await first.c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions });
  await first.c.endTxn('tx', { producerId: 7n, producerEpoch: 0, commit: true });
  // No close: reopen the same files as after kill -9.
  const second = coordinator(await openLogs(), undefined, { load: false });
  await second.c.load();
  // The prepared commit is finished in the background of the load.
  await second.c.idle();
  assert.equal(second.c.state.get('tx')!.state, TxnState.CompleteCommit);
  assert.deepEqual(second.markers.written, [
    { commit: true, producerEpoch: 0, partitions: ['a-0'] },
  ]);
});

test('ids run side by side: markers stuck for one id do not hold up another', async () => {
  let release = (): void => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const markers = new MemoryMarkers();
  const slow: TxnMarkerWriter = {
    write: async (m) => {
      if (m.producerId === 7n) await gate; // the first id's producer
      return markers.write(m);
    },
  };
  const { c } = coordinator(new MemoryTxnLog(), slow as MemoryMarkers);
  const ref = (id: string) => c.state.get(id)!;
  const start = async (id: string) => {
    await c.initProducerId(id, {
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const { producerId, producerEpoch } = ref(id);
    const partitions = [{ topic: 'a', partition: 0 }];
    assert.equal(await c.addPartitions(id, { producerId, producerEpoch, partitions }), null);
    return { producerId, producerEpoch };
  };
  const first = await start('one');
  const second = await start('two');
  const stuck = c.endTxn('one', { ...first, commit: true });
  // Queued behind the stuck commit of the same id.
  const again = c.endTxn('one', { ...first, commit: true });
  assert.equal(await c.endTxn('two', { ...second, commit: true }), null);
  assert.equal(ref('two').state, TxnState.CompleteCommit);
  assert.equal(ref('one').state, TxnState.PrepareCommit);
  release();
  assert.deepEqual(await Promise.all([stuck, again]), [null, null]);
  assert.equal(ref('one').state, TxnState.CompleteCommit);
  await c.idle();
});

test('transactional ids unused for the expiration time are deleted; open ones are kept', async () => {
  const { c, log, tick } = coordinator();
  await init(c);
  await c.initProducerId('open', {
    transactionTimeoutMs: 900_000,
    producerId: -1n,
    producerEpoch: -1,
  });
  const open = c.state.get('open')!;
  const partitions = [{ topic: 'a', partition: 0 }];
  await c.addPartitions('open', { ...open, partitions });
  tick(1_000);
  assert.equal(await c.removeIdleIds(5_000), 0);
  tick(5_000);
  assert.equal(await c.removeIdleIds(5_000), 1);
  assert.equal(c.state.get('tx'), undefined);
  assert.equal(c.state.get('open')!.state, TxnState.Ongoing);
  const records = log.records.get(partitionForTxn('tx', 50))!;
  assert.deepEqual(records.at(-1), { transactionalId: 'tx', metadata: null });

  const reloaded = coordinator(log, undefined, { load: false });
  await reloaded.c.load();
  assert.equal(reloaded.c.state.get('tx'), undefined);
  // The id starts afresh (a known one would get its epoch bumped to 1).
  const again = await init(reloaded.c);
  assert.deepEqual([again.error, again.producerEpoch], [null, 0]);
});

test('a state write refused by a failing disk is NOT_COORDINATOR, other failures COORDINATOR_NOT_AVAILABLE', async () => {
  const { c, log } = coordinator();
  assert.equal((await init(c)).error, null);
  const partitions = [{ topic: 'a', partition: 0 }];
  const append = log.append.bind(log);
  log.append = () => Promise.reject(new LogStorageError('append failed: ENOSPC'));
  const add = () => c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions });
  assert.equal(await add(), 'NOT_COORDINATOR');
  log.append = () => Promise.reject(new Error('something else'));
  assert.equal(await add(), 'COORDINATOR_NOT_AVAILABLE');
  log.append = append;
  assert.equal(await add(), null, 'the failed writes changed nothing; the next one succeeds');
});

test('a partition unloaded or loaded while the expiry job runs does not hold the job up', async () => {
  const { c, markers, tick } = coordinator();
  await init(c, 5_000);
  const partitions = [{ topic: 'a', partition: 0 }];
  await c.addPartitions('tx', { producerId: 7n, producerEpoch: 0, partitions });
  tick(6_000);
  const other = (partitionForTxn('tx', 50) + 1) % 50;
  // The job queues behind the unload, which must not wait for the job in turn.
  const job = c.abortExpired();
  const unloaded = c.unload([other]);
  const loaded = c.load([other]);
  assert.equal(await job, 1);
  await Promise.all([unloaded, loaded]);
  assert.equal(c.state.get('tx')!.state, TxnState.CompleteAbort);
  assert.deepEqual(markers.written, [{ commit: false, producerEpoch: 1, partitions: ['a-0'] }]);
});

test('ids of an unloaded partition answer NOT_COORDINATOR; a load brings them back', async () => {
  const { c } = coordinator();
  assert.equal((await init(c)).error, null);
  const partition = partitionForTxn('tx', 50);
  await c.unload([partition]);
  assert.equal(c.state.get('tx'), undefined);
  assert.equal((await init(c)).error, 'NOT_COORDINATOR');
  const loading = c.load([partition], 1);
  assert.equal(c.coordinatorError('tx'), 'COORDINATOR_LOAD_IN_PROGRESS');
  await loading;
  assert.equal(c.state.get('tx')!.producerEpoch, 0);
  assert.deepEqual(await init(c), { error: null, producerId: 7n, producerEpoch: 1 });
});
