import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import { ErrorCode, encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { requestClient } from './request-client.js';
import { createTopic, fetchBody, produceBody } from './data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

const txnBatch = (value: string, producerEpoch = 0) =>
  encodeRecordBatchSync([{ key: null, value: Buffer.from(value) }], {
    producerId: 42n,
    producerEpoch,
    baseSequence: 0,
    isTransactional: true,
    timestamp: Date.now(),
  });

const markers = (commit: boolean, producerEpoch = 0) => ({
  markers: [
    {
      producerId: 42n,
      producerEpoch,
      transactionResult: commit,
      coordinatorEpoch: 0,
      transactionVersion: 0,
      topics: [{ name: 'wm', partitionIndexes: [0, 7] }],
    },
  ],
});

test('WriteTxnMarkers ends a transaction: the LSO moves and aborts are listed', async () => {
  const b = await startBroker({ port: 0 });
  brokers.push(b);
  const client = await requestClient(b.port);
  await createTopic(client, 'wm');
  const produced = await client.request(
    0,
    9,
    produceBody('wm', [{ index: 0, records: txnBatch('x') }]),
  );
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  const committedFetch = () =>
    client.request(
      1,
      12,
      fetchBody('wm', [{ partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }),
    );
  const before = (await committedFetch()).responses[0].partitions[0];
  assert.equal(before.lastStableOffset, 0n);
  assert.equal(before.highWatermark, 1n);

  const res = await client.request(27, 1, markers(false));
  const codes = res.markers[0].topics[0].partitions.map(
    (p: { partitionIndex: number; errorCode: number }) => [p.partitionIndex, p.errorCode],
  );
  assert.deepEqual(codes, [
    [0, ErrorCode.NONE],
    [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ]);
  const afterAbort = (await committedFetch()).responses[0].partitions[0];
  assert.equal(afterAbort.lastStableOffset, 2n);
  assert.deepEqual(afterAbort.abortedTransactions, [{ producerId: 42n, firstOffset: 0n }]);
  const uncommitted = await client.request(
    1,
    12,
    fetchBody('wm', [{ partition: 0, fetchOffset: 0 }]),
  );
  assert.equal(uncommitted.responses[0].partitions[0].abortedTransactions, null);

  // A new epoch's transaction; DescribeProducers shows it open; an old-epoch marker is fenced.
  await client.request(0, 9, produceBody('wm', [{ index: 0, records: txnBatch('y', 1) }]));
  const described = await client.request(61, 0, {
    topics: [{ name: 'wm', partitionIndexes: [0, 9] }],
  });
  const [open, missing] = described.topics[0].partitions;
  assert.deepEqual(
    open.activeProducers.map(
      (p: { producerId: bigint; producerEpoch: number; currentTxnStartOffset: bigint }) => [
        p.producerId,
        p.producerEpoch,
        p.currentTxnStartOffset,
      ],
    ),
    [[42n, 1, 2n]],
  );
  assert.equal(missing.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const stale = await client.request(27, 2, markers(true, 0));
  assert.equal(
    stale.markers[0].topics[0].partitions[0].errorCode,
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
  client.close();
});
