import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import { ErrorCode, encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
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

// The partition side of an open transaction (LSO held back, aborts listed for read_committed)
// is tested through the replica manager in test/broker/partition/transactions.test.ts: over the
// wire no transaction can be opened until the coordinator verifies its partitions (KIP-890).
test('transactional produce without a coordinator is refused; markers, DescribeProducers and fencing work over the wire', async () => {
  const b = await startBroker({ port: 0 });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  await createTopic(client, 'wm');
  const produced = await client.request(
    0,
    9,
    produceBody('wm', [{ index: 0, records: txnBatch('x') }]),
  );
  assert.equal(produced.responses[0].partitionResponses[0].errorCode, ErrorCode.INVALID_TXN_STATE);
  const committedFetch = () =>
    client.request(
      1,
      12,
      fetchBody('wm', [{ partition: 0, fetchOffset: 0 }], { isolationLevel: 1 }),
    );
  const before = (await committedFetch()).responses[0].partitions[0];
  assert.equal(before.highWatermark, 0n);
  assert.equal(before.lastStableOffset, 0n);

  // A marker for a producer the partition never saw is written (as Kafka does) and ends nothing.
  const res = await client.request(27, 1, markers(false, 1));
  const codes = res.markers[0].topics[0].partitions.map(
    (p: { partitionIndex: number; errorCode: number }) => [p.partitionIndex, p.errorCode],
  );
  assert.deepEqual(codes, [
    [0, ErrorCode.NONE],
    [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ]);
  const afterAbort = (await committedFetch()).responses[0].partitions[0];
  assert.equal(afterAbort.highWatermark, 1n);
  assert.equal(afterAbort.lastStableOffset, 1n);
  assert.deepEqual(afterAbort.abortedTransactions, []);

  // The marker made the producer known at epoch 1 with no open transaction; an older epoch is
  // fenced.
  const described = await client.request(61, 0, {
    topics: [{ name: 'wm', partitionIndexes: [0, 9] }],
  });
  const [known, missing] = described.topics[0].partitions;
  assert.deepEqual(
    known.activeProducers.map(
      (p: { producerId: bigint; producerEpoch: number; currentTxnStartOffset: bigint }) => [
        p.producerId,
        p.producerEpoch,
        p.currentTxnStartOffset,
      ],
    ),
    [[42n, 1, -1n]],
  );
  assert.equal(missing.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const stale = await client.request(27, 2, markers(true, 0));
  assert.equal(
    stale.markers[0].topics[0].partitions[0].errorCode,
    ErrorCode.INVALID_PRODUCER_EPOCH,
  );
  client.close();
});
