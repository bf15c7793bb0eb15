// Transactional offset commits over real __consumer_offsets partition logs: the batch goes
// through the partition's produce path (verification, producer state, last stable offset),
// markers through the replica manager, and a restart replays both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogManager, MemoryFileSystem } from '../../../src/storage/index.js';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import {
  CONSUMER_OFFSETS_TOPIC,
  ConsumerOffsetsLog,
  GroupCoordinator,
  replicaAppender,
} from '../../../src/broker/group/index.js';
import {
  ErrorCode,
  createTxnOffsetCommitRequest,
  type TxnOffsetCommitRequest,
} from '../../../src/protocol/index.js';

const broker = resolveBrokerConfig(new Map([['log.dirs', '/data']])).config!;
const TOPIC_ID = '00000000-0000-0000-0000-0000000000c0';
const PID = 1000n;

async function open(fs: MemoryFileSystem, inTxn: { ok: boolean }) {
  const logs = await LogManager.open({ logDirs: ['/data'], fs });
  const rm = new ReplicaManager({
    logs,
    broker,
    nowMs: () => 1_000_000,
    verifyTransaction: (_pid, _epoch, topic) =>
      inTxn.ok && topic === CONSUMER_OFFSETS_TOPIC ? null : 'INVALID_TXN_STATE',
  });
  const partition = await rm.ensurePartition(
    { topic: CONSUMER_OFFSETS_TOPIC, partition: 0, topicId: TOPIC_ID, leaderEpoch: 0 },
    new Map([['cleanup.policy', 'compact']]),
  );
  const log = new ConsumerOffsetsLog({
    get: () => partition.log,
    create: () => Promise.resolve(partition.log),
    transactional: replicaAppender(rm),
    nowMs: () => 1_000_000,
  });
  const coordinator = new GroupCoordinator({ log, config: { offsetsTopicNumPartitions: 1 } });
  await coordinator.load();
  const close = async () => {
    coordinator.close();
    await rm.close();
    await logs.close();
  };
  return { rm, partition, coordinator, close };
}

function commit(offset: bigint, o: Partial<TxnOffsetCommitRequest> = {}): TxnOffsetCommitRequest {
  return createTxnOffsetCommitRequest({
    transactionalId: 'tx',
    groupId: 'g',
    producerId: PID,
    producerEpoch: 0,
    topics: [
      {
        name: 't',
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
    ...o,
  });
}

const errorsOf = (r: { topics: { partitions: { errorCode: number }[] }[] }) =>
  r.topics.flatMap((t) => t.partitions.map((p) => p.errorCode));

function offsetOf(c: GroupCoordinator, requireStable = false): [bigint, number] {
  const p = c.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], { requireStable })
    .topics[0]!.partitions[0]!;
  return [p.committedOffset, p.errorCode];
}

async function endTxn(
  b: Awaited<ReturnType<typeof open>>,
  commit: boolean,
  producerEpoch = 0,
): Promise<void> {
  const m = { producerId: PID, producerEpoch, coordinatorEpoch: 0, commit };
  const { error } = await b.rm.writeTxnMarker(CONSUMER_OFFSETS_TOPIC, 0, m);
  assert.equal(error, null);
  b.coordinator.onTxnMarker(0, m);
}

test('a transactional commit is a transactional batch: it holds the LSO until its marker', async () => {
  const fs = new MemoryFileSystem();
  const b = await open(fs, { ok: true });
  // Two commits of one transaction: the second batch continues the producer's sequence.
  assert.deepEqual(errorsOf(await b.coordinator.commitTransactionalOffsets(commit(10n))), [0]);
  assert.deepEqual(errorsOf(await b.coordinator.commitTransactionalOffsets(commit(11n))), [0]);
  const entry = b.partition.producers.entry(PID)!;
  assert.equal(entry.currentTxnFirstOffset, 0);
  assert.deepEqual(
    entry.batches.map((x) => x.firstSequence),
    [0, 1],
  );
  assert.equal(b.partition.lastStableOffset, 0);
  assert.equal(b.partition.highWatermark, 2);
  assert.deepEqual(offsetOf(b.coordinator, true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
  await endTxn(b, true);
  assert.equal(b.partition.lastStableOffset, 3);
  assert.deepEqual(offsetOf(b.coordinator, true), [11n, ErrorCode.NONE]);
  // The next transaction of the producer, cut short by a crash before its marker.
  assert.deepEqual(errorsOf(await b.coordinator.commitTransactionalOffsets(commit(20n))), [0]);
  await b.close();

  const again = await open(fs, { ok: true });
  assert.deepEqual(offsetOf(again.coordinator), [11n, ErrorCode.NONE]);
  assert.deepEqual(offsetOf(again.coordinator, true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT]);
  assert.equal(again.partition.lastStableOffset, 3, 'the open transaction holds the LSO again');
  await endTxn(again, false);
  assert.deepEqual(offsetOf(again.coordinator, true), [11n, ErrorCode.NONE]);
  await again.close();

  const third = await open(fs, { ok: true });
  assert.deepEqual(offsetOf(third.coordinator, true), [11n, ErrorCode.NONE]);
  assert.equal(third.coordinator.stats.pendingOffsets, 0);
  await third.close();
});

test('the partition refuses what the transaction does not cover, and fenced epochs', async () => {
  const fs = new MemoryFileSystem();
  const inTxn = { ok: false };
  const b = await open(fs, inTxn);
  const refused = await b.coordinator.commitTransactionalOffsets(commit(10n));
  assert.deepEqual(errorsOf(refused), [ErrorCode.INVALID_TXN_STATE]);
  assert.equal(b.partition.highWatermark, 0, 'nothing written');
  inTxn.ok = true;
  await b.coordinator.commitTransactionalOffsets(commit(10n, { producerEpoch: 1 }));
  await endTxn(b, false, 1);
  const zombie = await b.coordinator.commitTransactionalOffsets(commit(99n));
  assert.deepEqual(errorsOf(zombie), [ErrorCode.INVALID_PRODUCER_EPOCH]);
  assert.deepEqual(offsetOf(b.coordinator, true), [-1n, ErrorCode.NONE]);
  await b.close();
});
