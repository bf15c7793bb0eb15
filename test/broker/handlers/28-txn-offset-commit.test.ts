// TxnOffsetCommit over a real socket with the transaction APIs around it: the offsets need
// AddOffsetsToTxn, stay invisible (OffsetFetch require_stable: UNSTABLE_OFFSET_COMMIT) until
// EndTxn commits, are dropped by an abort, and survive a restart.
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../src/index.js';
import {
  ErrorCode,
  createInitProducerIdRequest,
  createOffsetFetchRequest,
  ZERO_UUID,
} from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { createTopic } from './data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 15000 }, fn);
const dir = mkdtempSync(join(tmpdir(), 'rivulet-txn-offsets-'));
const open: { b: Broker; c: ProtocolClient }[] = [];
after(async () => {
  for (const { b, c } of open) {
    c.close();
    await b.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<{ b: Broker; c: ProtocolClient }> {
  const b = await startBroker({
    port: 0,
    dataDir: dir,
    config: {
      'transaction.state.log.num.partitions': 3,
      'offsets.topic.num.partitions': 3,
      'num.partitions': 2,
    },
  });
  const c = await ProtocolClient.connect(b.port);
  open.push({ b, c });
  return { b, c };
}

const initBody = (transactionalId: string) =>
  createInitProducerIdRequest({ transactionalId, transactionTimeoutMs: 60000 });

interface Producer {
  id: string;
  pid: bigint;
  epoch: number;
}

async function initProducer(c: ProtocolClient, id: string): Promise<Producer> {
  const res = await c.request(22, 4, initBody(id));
  assert.equal(res.errorCode, ErrorCode.NONE);
  return { id, pid: res.producerId as bigint, epoch: res.producerEpoch as number };
}

async function addOffsets(c: ProtocolClient, p: Producer, groupId: string): Promise<void> {
  const res = await c.request(25, 3, {
    transactionalId: p.id,
    producerId: p.pid,
    producerEpoch: p.epoch,
    groupId,
  });
  assert.equal(res.errorCode, ErrorCode.NONE);
}

async function endTxn(c: ProtocolClient, p: Producer, committed: boolean): Promise<void> {
  const res = await c.request(26, 3, {
    transactionalId: p.id,
    producerId: p.pid,
    producerEpoch: p.epoch,
    committed,
  });
  assert.equal(res.errorCode, ErrorCode.NONE);
}

/** Error codes per partition of a TxnOffsetCommit of `offsets` ([topic, partition, offset]). */
async function txnCommit(
  c: ProtocolClient,
  p: Producer,
  groupId: string,
  offsets: [string, number, bigint][],
  version = 3,
): Promise<number[]> {
  const topics = [...new Set(offsets.map(([t]) => t))].map((name) => ({
    name,
    partitions: offsets
      .filter(([t]) => t === name)
      .map(([, partitionIndex, committedOffset]) => ({
        partitionIndex,
        committedOffset,
        committedLeaderEpoch: 4,
        committedMetadata: `at ${committedOffset}`,
      })),
  }));
  const res = await c.request(28, version, {
    transactionalId: p.id,
    groupId,
    producerId: p.pid,
    producerEpoch: p.epoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics,
  });
  return (res.topics as { partitions: { errorCode: number }[] }[]).flatMap((t) =>
    t.partitions.map((x) => x.errorCode),
  );
}

/** [offset, error, metadata] of `topic`-0 for the group, with OffsetFetch v7 or v8. */
async function fetchOffset(
  c: ProtocolClient,
  groupId: string,
  requireStable: boolean,
  version = 7,
): Promise<[bigint, number, string]> {
  const topics = [{ name: 'in', partitionIndexes: [0] }];
  const body =
    version >= 8
      ? createOffsetFetchRequest({
          requireStable,
          groups: [
            {
              groupId,
              memberId: null,
              memberEpoch: -1,
              topics: topics.map((t) => ({ ...t, topicId: ZERO_UUID })),
            },
          ],
        })
      : createOffsetFetchRequest({ groupId, topics, requireStable });
  const res = await c.request(9, version, body);
  const t = version >= 8 ? res.groups[0].topics[0] : res.topics[0];
  const p = t.partitions[0];
  return [p.committedOffset, p.errorCode, p.metadata];
}

test('pending until EndTxn commits, dropped by an abort; verification and unknown partitions', async () => {
  const { c } = await start();
  await createTopic(c, 'in');
  const p = await initProducer(c, 'tx-offsets');
  // Without AddOffsetsToTxn the group's partition is not in the transaction.
  assert.deepEqual(await txnCommit(c, p, 'g', [['in', 0, 10n]]), [ErrorCode.INVALID_TXN_STATE]);
  await addOffsets(c, p, 'g');
  const codes = await txnCommit(c, p, 'g', [
    ['in', 0, 10n],
    ['in', 9, 10n],
    ['nope', 0, 10n],
  ]);
  assert.deepEqual(codes, [
    ErrorCode.NONE,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ]);
  assert.deepEqual(await fetchOffset(c, 'g', true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT, '']);
  assert.deepEqual(await fetchOffset(c, 'g', true, 8), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT, '']);
  assert.deepEqual(await fetchOffset(c, 'g', false), [-1n, ErrorCode.NONE, '']);
  await endTxn(c, p, true);
  assert.deepEqual(await fetchOffset(c, 'g', true), [10n, ErrorCode.NONE, 'at 10']);

  await addOffsets(c, p, 'g');
  assert.deepEqual(await txnCommit(c, p, 'g', [['in', 0, 20n]]), [ErrorCode.NONE]);
  await endTxn(c, p, false);
  assert.deepEqual(await fetchOffset(c, 'g', true), [10n, ErrorCode.NONE, 'at 10']);

  // v0 (no leader epoch, generation or member): the oldest clients' form.
  await addOffsets(c, p, 'g');
  assert.deepEqual(await txnCommit(c, p, 'g', [['in', 0, 30n]], 0), [ErrorCode.NONE]);
  await endTxn(c, p, true);
  assert.deepEqual(await fetchOffset(c, 'g', true), [30n, ErrorCode.NONE, 'at 30']);

  // A transaction left open at the restart below.
  await addOffsets(c, p, 'g');
  assert.deepEqual(await txnCommit(c, p, 'g', [['in', 0, 40n]], 5), [ErrorCode.NONE]);
});

test('after a restart: committed offsets are back and the open transaction still pending', async () => {
  const first = open[0]!;
  first.c.close();
  await first.b.close();
  open.shift();
  const { c } = await start();
  assert.deepEqual(await fetchOffset(c, 'g', false), [30n, ErrorCode.NONE, 'at 30']);
  assert.deepEqual(await fetchOffset(c, 'g', true), [-1n, ErrorCode.UNSTABLE_OFFSET_COMMIT, '']);
  // A new instance of the producer aborts the open transaction (the client retries
  // CONCURRENT_TRANSACTIONS until the abort is done).
  let res;
  for (;;) {
    res = await c.request(22, 4, initBody('tx-offsets'));
    if (res.errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(res.errorCode, ErrorCode.NONE);
  assert.deepEqual(await fetchOffset(c, 'g', true), [30n, ErrorCode.NONE, 'at 30']);
});
