// The transactional producer's requests, against a fake broker: the versions and fields of
// FindCoordinator, InitProducerId, AddPartitionsToTxn (before the partition's first batch),
// Produce and EndTxn, and the retries a coordinator's answers call for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, Producer } from '../../../src/client/index.js';
import { BatchHeader, createFindCoordinatorResponse } from '../../../src/protocol/index.js';
import { FakeBroker } from '../support/fake-broker.js';

/** The fake broker is the coordinator of every key (FindCoordinator v4+). */
function coordinatorIsTheBroker(broker: FakeBroker): void {
  broker.extraHandlers.set(ApiKey.FindCoordinator, (body: { coordinatorKeys: string[] }) =>
    createFindCoordinatorResponse({
      coordinators: body.coordinatorKeys.map((key) => ({
        key,
        nodeId: 1,
        host: '127.0.0.1',
        port: broker.port,
        errorCode: 0,
        errorMessage: null,
      })),
    }),
  );
}

const CONCURRENT_TRANSACTIONS = 51;
const NOT_COORDINATOR = 16;

test('requests of one transaction, with the retries the coordinator asks for', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  broker.createTopic('t', 2);
  const addAnswers = [CONCURRENT_TRANSACTIONS, 0];
  const endAnswers = [NOT_COORDINATOR, 0];
  coordinatorIsTheBroker(broker);
  broker.extraHandlers.set(
    ApiKey.AddPartitionsToTxn,
    (body: { v3AndBelowTopics: { name: string; partitions: number[] }[] }) => {
      const code = addAnswers.shift() ?? 0;
      return {
        throttleTimeMs: 0,
        errorCode: 0,
        resultsByTransaction: [],
        resultsByTopicV3AndBelow: body.v3AndBelowTopics.map((topic) => ({
          name: topic.name,
          resultsByPartition: topic.partitions.map((partitionIndex) => ({
            partitionIndex,
            partitionErrorCode: code,
          })),
        })),
      };
    },
  );
  broker.extraHandlers.set(ApiKey.EndTxn, () => ({
    throttleTimeMs: 0,
    errorCode: endAnswers.shift() ?? 0,
    producerId: -1n,
    producerEpoch: -1,
  }));

  const producer = new Producer({
    bootstrapServers: broker.bootstrap,
    transactionalId: 'app-1',
    transactionTimeoutMs: 10_000,
    retryBackoffMs: 1,
  });
  t.after(() => producer.close());
  await producer.connect();
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.sendBatch([
    { topic: 't', partition: 0, value: 'a' },
    { topic: 't', partition: 1, value: 'b' },
  ]);
  await producer.commitTransaction();

  const sent = broker.received;
  const kinds = sent.map((r) => r.apiKey).filter((k) => k !== ApiKey.Metadata && k !== 18);
  assert.deepEqual(kinds, [
    ApiKey.FindCoordinator,
    ApiKey.InitProducerId,
    ApiKey.AddPartitionsToTxn, // CONCURRENT_TRANSACTIONS
    ApiKey.AddPartitionsToTxn,
    ApiKey.Produce,
    ApiKey.EndTxn, // NOT_COORDINATOR: find it again
    ApiKey.FindCoordinator,
    ApiKey.EndTxn,
  ]);
  const init = sent.find((r) => r.apiKey === ApiKey.InitProducerId)!;
  assert.equal(init.body.transactionalId, 'app-1');
  assert.equal(init.body.transactionTimeoutMs, 10_000);
  const find = sent.find((r) => r.apiKey === ApiKey.FindCoordinator)!;
  assert.equal(find.body.keyType, 1);
  const add = sent.filter((r) => r.apiKey === ApiKey.AddPartitionsToTxn).at(-1)!;
  assert.equal(add.apiVersion, 3, 'clients send the v3 form');
  assert.deepEqual(add.body.v3AndBelowTopics, [{ name: 't', partitions: [0, 1] }]);
  const produce = sent.find((r) => r.apiKey === ApiKey.Produce)!;
  assert.equal(produce.body.transactionalId, 'app-1');
  for (const p of produce.body.topicData[0].partitionData) {
    assert.equal(new BatchHeader(p.records).isTransactional, true);
  }
  const end = sent.filter((r) => r.apiKey === ApiKey.EndTxn).at(-1)!;
  assert.ok(end.apiVersion <= 4);
  assert.equal(end.body.committed, true);
  assert.equal(end.body.transactionalId, 'app-1');
});

test('a transaction with nothing in it ends without EndTxn', async (t) => {
  const broker = new FakeBroker();
  await broker.start();
  t.after(() => broker.stop());
  coordinatorIsTheBroker(broker);
  const producer = new Producer({ bootstrapServers: broker.bootstrap, transactionalId: 'idle' });
  t.after(() => producer.close());
  await producer.connect();
  await producer.initTransactions();
  producer.beginTransaction();
  await producer.commitTransaction();
  producer.beginTransaction();
  await producer.abortTransaction();
  assert.equal(broker.received.filter((r) => r.apiKey === ApiKey.EndTxn).length, 0);
});
