// kill -9 of a `rivulet start` process with transactions in each phase: one Ongoing with
// records written, one whose commit was answered, one whose abort was sent but not answered.
// After the restart every transaction ends fully committed or fully aborted (the open ones by
// the coordinator's expiry job, or its load finishing a prepared abort), the last stable
// offset reaches the high watermark, and a read_committed consumer (librdkafka) sees exactly
// the committed records while read_uncommitted sees everything that was written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, encodeRecordBatchSync } from '../../src/protocol/index.js';
import { createTopic, fetchBody, produceBody } from '../broker/handlers/data-helpers.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { startRivulet } from './support/rivulet-process.js';
import { readAll } from './support/txn-clients.js';

const TOPIC = 'txn-crash';
const TIMEOUT_MS = 1500;
const OVERRIDES = [
  'transaction.state.log.num.partitions=5',
  'offsets.topic.num.partitions=5',
  'num.partitions=2',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms=200',
].flatMap((kv) => ['--override', kv]);

interface Producer {
  id: string;
  pid: bigint;
  epoch: number;
}

async function begin(c: ProtocolClient, id: string, values: [number, string][]): Promise<Producer> {
  const init = await c.request(22, 4, {
    transactionalId: id,
    transactionTimeoutMs: TIMEOUT_MS,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  });
  assert.equal(init.errorCode, ErrorCode.NONE);
  const p = { id, pid: init.producerId as bigint, epoch: init.producerEpoch as number };
  const partitions = [...new Set(values.map(([partition]) => partition))];
  const added = await c.request(24, 3, {
    transactions: [],
    v3AndBelowTransactionalId: id,
    v3AndBelowProducerId: p.pid,
    v3AndBelowProducerEpoch: p.epoch,
    v3AndBelowTopics: [{ name: TOPIC, partitions }],
  });
  assert.ok(
    added.resultsByTopicV3AndBelow[0].resultsByPartition.every(
      (r: { partitionErrorCode: number }) => r.partitionErrorCode === 0,
    ),
  );
  const sequences = new Map<number, number>();
  for (const [partition, value] of values) {
    const seq = sequences.get(partition) ?? 0;
    sequences.set(partition, seq + 1);
    const records = encodeRecordBatchSync([{ key: null, value: Buffer.from(value) }], {
      producerId: p.pid,
      producerEpoch: p.epoch,
      baseSequence: seq,
      isTransactional: true,
      timestamp: Date.now(),
    });
    const res = await c.request(0, 9, produceBody(TOPIC, [{ index: partition, records }]));
    assert.equal(res.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  }
  return p;
}

const endBody = (p: Producer, committed: boolean) => ({
  transactionalId: p.id,
  producerId: p.pid,
  producerEpoch: p.epoch,
  committed,
});

/** Waits until both partitions' last stable offset reaches the high watermark. */
async function waitStable(c: ProtocolClient, deadlineMs: number): Promise<void> {
  for (;;) {
    const res = await c.request(
      1,
      12,
      fetchBody(
        TOPIC,
        [
          { partition: 0, fetchOffset: 0, partitionMaxBytes: 1 },
          { partition: 1, fetchOffset: 0, partitionMaxBytes: 1 },
        ],
        { isolationLevel: 1 },
      ),
    );
    const parts = res.responses[0].partitions as {
      highWatermark: bigint;
      lastStableOffset: bigint;
    }[];
    if (parts.every((p) => p.lastStableOffset === p.highWatermark)) return;
    if (Date.now() > deadlineMs) {
      assert.fail(`not stable: ${parts.map((p) => `${p.lastStableOffset}/${p.highWatermark}`)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('kill -9 in each phase of a transaction: after restart each is committed or aborted whole', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-txn-crash-'));
  let broker = await startRivulet(dataDir, OVERRIDES);
  try {
    let c = await ProtocolClient.connect(broker.port);
    await createTopic(c, TOPIC);
    const ongoing = await begin(c, 'crash-ongoing', [
      [0, 'ongoing-1'],
      [1, 'ongoing-2'],
    ]);
    assert.ok(ongoing.pid >= 0n);
    const committed = await begin(c, 'crash-commit', [
      [0, 'commit-1'],
      [1, 'commit-2'],
      [1, 'commit-3'],
    ]);
    assert.equal((await c.request(26, 3, endBody(committed, true))).errorCode, ErrorCode.NONE);
    const aborting = await begin(c, 'crash-abort', [
      [0, 'abort-1'],
      [1, 'abort-2'],
    ]);
    // The abort is on its way when the process dies: it may or may not have been prepared.
    void c.request(26, 3, endBody(aborting, false)).catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    assert.equal(await broker.stop('SIGKILL'), null);
    c.close();

    broker = await startRivulet(dataDir, OVERRIDES);
    c = await ProtocolClient.connect(broker.port);
    await waitStable(c, Date.now() + 10_000);
    const described = await c.request(65, 0, {
      transactionalIds: ['crash-ongoing', 'crash-commit', 'crash-abort'],
    });
    assert.deepEqual(
      described.transactionStates.map((s: { transactionState: string }) => s.transactionState),
      ['CompleteAbort', 'CompleteCommit', 'CompleteAbort'],
    );
    c.close();
    assert.deepEqual(await readAll(broker.bootstrap, TOPIC, 'read_committed'), [
      'commit-1',
      'commit-2',
      'commit-3',
    ]);
    assert.deepEqual(await readAll(broker.bootstrap, TOPIC, 'read_uncommitted'), [
      'abort-1',
      'abort-2',
      'commit-1',
      'commit-2',
      'commit-3',
      'ongoing-1',
      'ongoing-2',
    ]);
  } finally {
    await broker.stop('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
});
