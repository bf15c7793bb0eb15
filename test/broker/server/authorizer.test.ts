import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import type { Action, AuthorizableRequest, Authorizer } from '../../../src/broker/server/index.js';
import { ErrorCode, encodeRecordBatchSync } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { batch, createTopic, fetchBody } from '../handlers/data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Denies WRITE on topics starting with `secret` and on the transactional id `tx-denied`. */
function denyingAuthorizer(asked: { principal: string; action: Action }[]): Authorizer {
  return {
    authorize: (request: AuthorizableRequest, actions) =>
      actions.map((action) => {
        asked.push({ principal: request.session.principal, action });
        const denied =
          (action.resourceType === 'TOPIC' &&
            action.operation === 'WRITE' &&
            action.resourceName.startsWith('secret')) ||
          (action.resourceType === 'TRANSACTIONAL_ID' && action.resourceName === 'tx-denied');
        return denied ? 'DENIED' : 'ALLOWED';
      }),
  };
}

function produceTo(topics: string[], records: Buffer, transactionalId: string | null = null) {
  return {
    transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: topics.map((name) => ({
      name,
      topicId: ZERO_UUID,
      partitionData: [{ index: 0, records }],
    })),
  };
}

const codesOf = (res: {
  responses: { name: string; partitionResponses: { errorCode: number }[] }[];
}) => res.responses.map((t) => [t.name, t.partitionResponses[0]!.errorCode]);

test('Produce answers TOPIC_AUTHORIZATION_FAILED for a denied topic, before existence', async () => {
  const asked: { principal: string; action: Action }[] = [];
  const b = await startBroker({ port: 0, authorizer: denyingAuthorizer(asked) });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  await createTopic(client, 'open');
  await createTopic(client, 'secret');
  const res = await client.request(
    0,
    9,
    produceTo(['open', 'secret', 'secret-missing', 'missing'], batch(['v'])),
  );
  // Kafka checks WRITE on each topic before whether it exists: a refused principal learns
  // nothing about `secret-missing`.
  assert.deepEqual(codesOf(res), [
    ['open', ErrorCode.NONE],
    ['secret', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ['secret-missing', ErrorCode.TOPIC_AUTHORIZATION_FAILED],
    ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
  ]);
  const writes = asked.filter(
    (a) => a.action.resourceType === 'TOPIC' && a.action.operation === 'WRITE',
  );
  assert.deepEqual(
    writes.map((a) => [
      a.principal,
      a.action.operation,
      a.action.resourceName,
      a.action.patternType,
    ]),
    [
      ['User:ANONYMOUS', 'WRITE', 'open', 'LITERAL'],
      ['User:ANONYMOUS', 'WRITE', 'secret', 'LITERAL'],
      ['User:ANONYMOUS', 'WRITE', 'secret-missing', 'LITERAL'],
      ['User:ANONYMOUS', 'WRITE', 'missing', 'LITERAL'],
    ],
  );
  // Nothing reached the denied topic's log.
  const f = await client.request(1, 12, fetchBody('secret', [{ partition: 0, fetchOffset: 0 }]));
  assert.equal(f.responses[0].partitions[0].highWatermark, 0n);
  client.close();
});

test('Produce of transactional batches needs WRITE on the transactional id', async () => {
  const asked: { principal: string; action: Action }[] = [];
  const b = await startBroker({ port: 0, authorizer: denyingAuthorizer(asked) });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  await createTopic(client, 'open');
  const txnBatch = encodeRecordBatchSync([{ key: null, value: Buffer.from('t') }], {
    producerId: 1n,
    producerEpoch: 0,
    baseSequence: 0,
    isTransactional: true,
  });
  const denied = await client.request(0, 9, produceTo(['open', 'secret'], txnBatch, 'tx-denied'));
  // The whole request is refused, whatever each topic's own permission.
  assert.deepEqual(codesOf(denied), [
    ['open', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
    ['secret', ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED],
  ]);
  assert.ok(
    asked.some(
      (a) => a.action.resourceType === 'TRANSACTIONAL_ID' && a.action.resourceName === 'tx-denied',
    ),
  );
  client.close();
});
