// Loading __transaction_state is not stopped by records the coordinator could not have
// written (bytes that do not decode, unknown versions or states, no key): they are skipped and
// reported, and the records around them load as usual.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TRANSACTION_STATE_TOPIC,
  TransactionStateLog,
  TxnState,
  encodeTxnLogKey,
  encodeTxnLogValue,
  type TxnMetadata,
} from '../../../src/broker/txn/index.js';
import { LogManager, MemoryFileSystem } from '../../../src/storage/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';

const BROKER = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-0000000000d0';

const metadata = (id: string, state: TxnState): TxnMetadata => ({
  transactionalId: id,
  producerId: 5n,
  previousProducerId: -1n,
  producerEpoch: 2,
  lastProducerEpoch: -1,
  transactionTimeoutMs: 60000,
  state,
  partitions: new Map(),
  startTimestampMs: -1,
  lastUpdateTimestampMs: 10,
});

test('records that do not decode are skipped at load; the others load', async () => {
  const logs = await LogManager.open({ logDirs: ['/data'], fs: new MemoryFileSystem() });
  const replicas = new ReplicaManager({ logs, broker: BROKER });
  await replicas.ensurePartition(
    { topic: TRANSACTION_STATE_TOPIC, partition: 0, topicId: TOPIC_ID, leaderEpoch: 0 },
    new Map([['cleanup.policy', 'compact']]),
  );
  const skipped: number[] = [];
  const log = new TransactionStateLog(
    replicas,
    () => 1,
    (partition) => skipped.push(partition),
  );
  await log.append(0, { transactionalId: 'before', metadata: metadata('before', TxnState.Empty) });
  const raw = logs.getLog(TRANSACTION_STATE_TOPIC, 0)!;
  const badState = encodeTxnLogValue(metadata('x', TxnState.Empty));
  // The status byte: before the partitions (int32 count, none), and two int64 timestamps.
  badState.writeInt8(99, badState.length - 8 - 8 - 4 - 1);
  const bad: { key: Buffer | null; value: Buffer | null }[] = [
    { key: Buffer.from([0, 0, 1]), value: Buffer.from('garbage') }, // truncated key
    { key: encodeTxnLogKey('x'), value: badState }, // unknown state
    { key: Buffer.from([0, 9, 0, 1, 65]), value: null }, // unknown key version
    { key: null, value: null }, // not even read as a keyed record
    { key: encodeTxnLogKey('x'), value: Buffer.from([0, 7, 1, 2]) }, // unknown value version
    { key: encodeTxnLogKey('x'), value: Buffer.from([0, 0, 1]) }, // truncated value
    { key: encodeTxnLogKey(''), value: encodeTxnLogValue(metadata('', TxnState.Empty)) },
  ];
  for (const r of bad) await raw.append(encodeRecordBatchSync([r], { timestamp: 1 }));
  await log.append(0, { transactionalId: 'after', metadata: metadata('after', TxnState.Ongoing) });

  const loaded: { transactionalId: string; state: number | undefined }[] = [];
  await log.replay(0, (r) =>
    loaded.push({ transactionalId: r.transactionalId, state: r.metadata?.state }),
  );
  assert.deepEqual(loaded, [
    { transactionalId: 'before', state: TxnState.Empty },
    { transactionalId: 'after', state: TxnState.Ongoing },
  ]);
  assert.deepEqual(skipped, [0, 0, 0, 0, 0, 0]);
  await replicas.close();
  await logs.close();
});
