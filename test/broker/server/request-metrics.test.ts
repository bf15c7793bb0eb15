import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import { InMemoryRequestMetrics, collectErrorCodes } from '../../../src/broker/server/index.js';
import { ErrorCode, createApiVersionsRequest } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { waitFor } from '../../support/wait.js';
import { batch, createTopic, fetchBody, produceBody } from '../handlers/data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));

test('the metrics stage counts requests, versions and error codes per API', async () => {
  const metrics = new InMemoryRequestMetrics();
  const b = await startBroker({ port: 0, requestMetrics: metrics });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  await client.request(
    18,
    3,
    createApiVersionsRequest({ clientSoftwareName: 'x', clientSoftwareVersion: '1' }),
  );
  await client.request(18, 0, createApiVersionsRequest());
  await createTopic(client, 'm');
  // One partition appended, one unknown, one with no records.
  await client.request(
    0,
    9,
    produceBody('m', [
      { index: 0, records: batch(['a']) },
      { index: 9, records: batch(['b']) },
      { index: 0, records: null },
    ]),
  );
  const apiVersions = metrics.api(18)!;
  assert.equal(apiVersions.requests, 2);
  assert.deepEqual(
    [...apiVersions.versions],
    [
      [3, 1],
      [0, 1],
    ],
  );
  assert.deepEqual([...apiVersions.errors], [[ErrorCode.NONE, 2]]);
  const produce = metrics.api(0)!;
  assert.equal(produce.requests, 1);
  assert.deepEqual(
    new Map(produce.errors),
    new Map([
      [ErrorCode.NONE, 1],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 1],
      [ErrorCode.INVALID_RECORD, 1],
    ]),
  );
  assert.equal(metrics.api(3)!.requests, 1);
  assert.deepEqual(metrics.apiKeys(), [0, 3, 18]);
  // Every stage's time is measured; the handler's is part of the total.
  const t = produce.timeMs;
  for (const ms of [t.authenticateMs, t.authorizeMs, t.quotaMs, t.handlerMs]) assert.ok(ms >= 0);
  assert.ok(t.totalMs >= t.handlerMs);
  client.close();
});

nodeTest('collectErrorCodes gathers the top-level code and those in arrays at any depth', () => {
  const out: number[] = [];
  collectErrorCodes(
    {
      errorCode: 0,
      throttleTimeMs: 0,
      topics: [
        { name: 't', errorCode: 3, partitions: [{ errorCode: 6 }, { errorCode: 0 }] },
        { name: 'u', records: Buffer.from([1]), partitions: [] },
      ],
      // A byte array is data, not a list of objects to look into.
      records: new Uint8Array([1, 2]),
    },
    out,
  );
  assert.deepEqual(out, [0, 3, 6, 0]);
});

/** Waits until `metrics` holds `count` requests of `apiKey` (recorded once each is sent). */
async function recorded(metrics: InMemoryRequestMetrics, apiKey: number, count: number) {
  await waitFor(
    `${count} requests of api ${apiKey} recorded`,
    () => (metrics.api(apiKey)?.requests ?? 0) >= count,
  );
  const figures = metrics.api(apiKey);
  assert.equal(figures?.requests, count, `${count} requests of api ${apiKey} recorded`);
  return figures!;
}

test('a fetch that waits in the purgatory counts that wait as remote time, not local', async () => {
  const metrics = new InMemoryRequestMetrics();
  const b = await startBroker({ port: 0, requestMetrics: metrics });
  brokers.push(b);
  const consumer = await ProtocolClient.connect(b.port);
  await createTopic(consumer, 'waits');
  // Answered at once: nothing to wait for (min.bytes 0).
  await consumer.request(
    1,
    12,
    fetchBody('waits', [{ partition: 0, fetchOffset: 0 }], { minBytes: 0 }),
  );
  const immediate = { ...(await recorded(metrics, 1, 1)).timeMs };
  assert.equal(immediate.remoteMs, 0);
  // Nothing arrives: this one waits in the purgatory until its max_wait_ms ends it.
  const fetched = await consumer.request(
    1,
    12,
    fetchBody('waits', [{ partition: 0, fetchOffset: 0 }], { minBytes: 1, maxWaitMs: 200 }),
  );
  assert.equal(fetched.responses[0].partitions[0].errorCode, ErrorCode.NONE);
  const t = (await recorded(metrics, 1, 2)).timeMs;
  assert.ok(t.remoteMs! > 0, 'the second fetch waited in the purgatory');
  // Every part is measured, and they add up to no more than the total (sums over both).
  for (const ms of [t.queueMs, t.handlerMs, t.responseQueueMs, t.sendMs]) assert.ok(ms! >= 0);
  const parts =
    t.queueMs! + t.authenticateMs + t.authorizeMs + t.quotaMs + t.handlerMs + t.remoteMs!;
  assert.ok(t.totalMs >= parts + t.responseQueueMs! + t.sendMs! - 1e-6);
  consumer.close();
});
