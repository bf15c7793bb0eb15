import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import {
  batch,
  createTopic,
  fetchBody,
  produceBody,
  sendWithoutResponse,
  valuesOf,
} from './data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));
async function setup() {
  const b = await startBroker({ port: 0 });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  return { b, client };
}

test('Produce v3 and v9 append and answer base offsets; the records read back', async () => {
  const { client } = await setup();
  await createTopic(client, 'p1');
  const r3 = await client.request(
    0,
    3,
    produceBody('p1', [{ index: 0, records: batch(['a', 'b']) }]),
  );
  assert.equal(r3.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  assert.equal(r3.responses[0].partitionResponses[0].baseOffset, 0n);
  const r9 = await client.request(0, 9, produceBody('p1', [{ index: 0, records: batch(['c']) }]));
  assert.equal(r9.responses[0].partitionResponses[0].baseOffset, 2n);
  assert.equal(r9.responses[0].partitionResponses[0].logStartOffset, 0n);
  const f = await client.request(1, 12, fetchBody('p1', [{ partition: 0, fetchOffset: 0 }]));
  assert.deepEqual(valuesOf(f.responses[0].partitions[0].records), ['a', 'b', 'c']);
  client.close();
});

test('Produce errors are per partition: unknown partition, bad acks, corrupt batch', async () => {
  const { client } = await setup();
  await createTopic(client, 'p2');
  const corrupt = batch(['x']);
  corrupt[corrupt.length - 1] ^= 1;
  const res = await client.request(
    0,
    9,
    produceBody('p2', [
      { index: 0, records: corrupt },
      { index: 5, records: batch(['y']) },
      { index: 0, records: null },
    ]),
  );
  assert.deepEqual(
    res.responses[0].partitionResponses.map((p: { errorCode: number }) => p.errorCode),
    [ErrorCode.CORRUPT_MESSAGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_RECORD],
  );
  const acks = await client.request(
    0,
    9,
    produceBody('p2', [{ index: 0, records: batch(['z']) }], { acks: 2 }),
  );
  assert.equal(acks.responses[0].partitionResponses[0].errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
  const unknown = await client.request(
    0,
    9,
    produceBody('nope', [{ index: 0, records: batch(['z']) }]),
  );
  assert.equal(
    unknown.responses[0].partitionResponses[0].errorCode,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  );
  client.close();
});

test('acks=0 sends no response but appends, in order with later requests', async () => {
  const { client } = await setup();
  await createTopic(client, 'p3');
  const before = client.framesReceived;
  sendWithoutResponse(client, {
    apiKey: 0,
    apiVersion: 9,
    body: produceBody('p3', [{ index: 0, records: batch(['q']) }], { acks: 0 }),
  });
  const res = await client.request(
    1,
    12,
    fetchBody('p3', [{ partition: 0, fetchOffset: 0 }], { maxWaitMs: 2000 }),
  );
  assert.deepEqual(valuesOf(res.responses[0].partitions[0].records), ['q']);
  assert.equal(client.framesReceived, before + 1);
  client.close();
});

test('Produce v13 names topics by id; an unknown id is UNKNOWN_TOPIC_ID', async () => {
  const { client } = await setup();
  const topicId = await createTopic(client, 'p4');
  const ok = await client.request(
    0,
    13,
    produceBody('', [{ index: 0, records: batch(['v']) }], { topicId }),
  );
  assert.equal(ok.responses[0].topicId, topicId);
  assert.equal(ok.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  const bad = await client.request(
    0,
    13,
    produceBody('', [{ index: 0, records: batch(['v']) }], {
      topicId: '00000000-0000-0000-0000-000000000001',
    }),
  );
  assert.equal(bad.responses[0].partitionResponses[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
  client.close();
});

test('InitProducerId and idempotent produce: a retried batch gets its first offset back', async () => {
  const { client } = await setup();
  await createTopic(client, 'p5');
  const init = await client.request(22, 4, {
    transactionalId: null,
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  });
  assert.equal(init.errorCode, ErrorCode.NONE);
  assert.equal(init.producerEpoch, 0);
  const second = await client.request(22, 4, {
    transactionalId: null,
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  });
  assert.notEqual(second.producerId, init.producerId);
  const txn = await client.request(22, 4, {
    transactionalId: 'tx',
    transactionTimeoutMs: 60000,
    producerId: -1n,
    producerEpoch: -1,
    enable2Pc: false,
    keepPreparedTxn: false,
  });
  assert.deepEqual([txn.errorCode, txn.producerEpoch], [ErrorCode.NONE, 0]);
  assert.ok(txn.producerId !== init.producerId && txn.producerId !== second.producerId);
  const pid = init.producerId as bigint;
  const send = (seq: number, v: string[]) =>
    client.request(
      0,
      9,
      produceBody('p5', [{ index: 0, records: batch(v, { producerId: pid, baseSequence: seq }) }]),
    );
  const first = await send(0, ['a', 'b']);
  assert.equal(first.responses[0].partitionResponses[0].baseOffset, 0n);
  const retry = await send(0, ['a', 'b']);
  assert.equal(retry.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  assert.equal(retry.responses[0].partitionResponses[0].baseOffset, 0n);
  const gap = await send(5, ['c']);
  assert.equal(
    gap.responses[0].partitionResponses[0].errorCode,
    ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
  );
  const next = await send(2, ['c']);
  assert.equal(next.responses[0].partitionResponses[0].baseOffset, 2n);
  client.close();
});

test('Produce to an internal topic is INVALID_TOPIC_EXCEPTION; other __ names are ordinary', async () => {
  const { b, client } = await setup();
  // FindCoordinator creates __consumer_offsets.
  await client.request(10, 3, { key: 'g', keyType: 0, coordinatorKeys: [] });
  await createTopic(client, '__mine');
  const forged = await client.request(
    0,
    9,
    produceBody('__consumer_offsets', [{ index: 0, records: batch(['forged']) }]),
  );
  assert.equal(
    forged.responses[0].partitionResponses[0].errorCode,
    ErrorCode.INVALID_TOPIC_EXCEPTION,
  );
  const mine = await client.request(
    0,
    9,
    produceBody('__mine', [{ index: 0, records: batch(['m']) }]),
  );
  assert.equal(mine.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  // Kafka's own admin tools may write there.
  const admin = await ProtocolClient.connect(b.port, { clientId: '__admin_client' });
  const allowed = await admin.request(
    0,
    9,
    produceBody('__consumer_offsets', [{ index: 0, records: batch(['tool']) }]),
  );
  assert.equal(allowed.responses[0].partitionResponses[0].errorCode, ErrorCode.NONE);
  admin.close();
  client.close();
});
