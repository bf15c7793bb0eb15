import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../../src/index.js';
import { ErrorCode } from '../../../src/protocol/index.js';
import { ProtocolClient } from '../../support/protocol-client.js';
import { batch, createTopic, fetchBody, produceBody, valuesOf } from './data-helpers.js';

const test = (name: string, fn: () => Promise<void>) => nodeTest(name, { timeout: 10000 }, fn);
const brokers: Broker[] = [];
after(() => Promise.all(brokers.map((b) => b.close())));
async function setup(config: Record<string, string | number> = {}) {
  const b = await startBroker({ port: 0, config: { 'num.partitions': 2, ...config } });
  brokers.push(b);
  const client = await ProtocolClient.connect(b.port);
  return { b, client };
}

const produce = (client: ProtocolClient, topic: string, index: number, values: string[]) =>
  client.request(0, 9, produceBody(topic, [{ index, records: batch(values) }]));

test('Fetch v4 and v12 read from an offset; past the end is OFFSET_OUT_OF_RANGE', async () => {
  const { client } = await setup();
  await createTopic(client, 'f1');
  await produce(client, 'f1', 0, ['a', 'b']);
  await produce(client, 'f1', 0, ['c']);
  for (const version of [4, 11, 12]) {
    const res = await client.request(
      1,
      version,
      fetchBody('f1', [{ partition: 0, fetchOffset: 2 }]),
    );
    const p = res.responses[0].partitions[0];
    assert.equal(p.errorCode, ErrorCode.NONE);
    assert.equal(p.highWatermark, 3n);
    assert.deepEqual(valuesOf(p.records), ['c']);
  }
  const out = await client.request(1, 12, fetchBody('f1', [{ partition: 0, fetchOffset: 9 }]));
  assert.equal(out.responses[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  const epoch = await client.request(
    1,
    12,
    fetchBody('f1', [{ partition: 0, fetchOffset: 0, currentLeaderEpoch: 7 }]),
  );
  assert.equal(epoch.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH);
  client.close();
});

test('Fetch v13 names topics by id; unknown ids are UNKNOWN_TOPIC_ID', async () => {
  const { client } = await setup();
  const topicId = await createTopic(client, 'f2');
  await produce(client, 'f2', 1, ['x']);
  const res = await client.request(
    1,
    13,
    fetchBody('', [{ partition: 1, fetchOffset: 0 }], { topicId }),
  );
  assert.equal(res.responses[0].topicId, topicId);
  assert.deepEqual(valuesOf(res.responses[0].partitions[0].records), ['x']);
  const bad = await client.request(
    1,
    13,
    fetchBody('', [{ partition: 0, fetchOffset: 0 }], {
      topicId: '00000000-0000-0000-0000-000000000009',
    }),
  );
  assert.equal(bad.responses[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_ID);
  client.close();
});

test('long poll: a fetch waits for min.bytes until a produce arrives', async () => {
  const { b, client } = await setup();
  await createTopic(client, 'f3');
  const producer = await ProtocolClient.connect(b.port);
  // maxWaitMs far beyond the test's timeout: only the produce can answer this fetch.
  const waiting = client.request(
    1,
    12,
    fetchBody('f3', [{ partition: 0, fetchOffset: 0 }], { maxWaitMs: 600_000, minBytes: 1 }),
  );
  // Give the fetch a head start so it is usually parked when the produce arrives (if not, it
  // is answered at once with the record, which the assertion below accepts too).
  await new Promise((r) => setTimeout(r, 50));
  await produce(producer, 'f3', 0, ['late']);
  const res = await waiting;
  assert.deepEqual(valuesOf(res.responses[0].partitions[0].records), ['late']);
  const idle = Date.now();
  const empty = await client.request(
    1,
    12,
    fetchBody('f3', [{ partition: 0, fetchOffset: 1 }], { maxWaitMs: 100 }),
  );
  assert.equal(empty.responses[0].partitions[0].records.length, 0);
  assert.ok(Date.now() - idle >= 90);
  producer.close();
  client.close();
});

test('fetch sessions: a full fetch opens one; incremental fetches answer only what changed', async () => {
  const { client } = await setup();
  await createTopic(client, 'f4');
  await produce(client, 'f4', 0, ['a']);
  const parts = [
    { partition: 0, fetchOffset: 0 },
    { partition: 1, fetchOffset: 0 },
  ];
  const full = await client.request(
    1,
    12,
    fetchBody('f4', parts, { sessionId: 0, sessionEpoch: 0 }),
  );
  assert.equal(full.errorCode, ErrorCode.NONE);
  assert.ok(full.sessionId > 0);
  assert.equal(full.responses[0].partitions.length, 2);
  // Partition 0 moved to offset 1; partition 1 is unchanged and not resent.
  const inc = await client.request(
    1,
    12,
    fetchBody('f4', [{ partition: 0, fetchOffset: 1 }], {
      sessionId: full.sessionId,
      sessionEpoch: 1,
    }),
  );
  assert.equal(inc.sessionId, full.sessionId);
  assert.equal(inc.responses.length, 0);
  await produce(client, 'f4', 1, ['b']);
  const inc2 = await client.request(
    1,
    12,
    fetchBody('f4', [], { sessionId: full.sessionId, sessionEpoch: 2 }),
  );
  assert.deepEqual(
    inc2.responses[0].partitions.map((p: { partitionIndex: number }) => p.partitionIndex),
    [1],
  );
  assert.deepEqual(valuesOf(inc2.responses[0].partitions[0].records), ['b']);
  const stale = await client.request(
    1,
    12,
    fetchBody('f4', [], { sessionId: full.sessionId, sessionEpoch: 2 }),
  );
  assert.equal(stale.errorCode, ErrorCode.INVALID_FETCH_SESSION_EPOCH);
  const unknown = await client.request(
    1,
    12,
    fetchBody('f4', [], { sessionId: 12345, sessionEpoch: 1 }),
  );
  assert.equal(unknown.errorCode, ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  client.close();
});

test('byte limits: max_bytes caps later partitions, the first gets one whole batch', async () => {
  const { client } = await setup();
  await createTopic(client, 'f5');
  await produce(client, 'f5', 0, ['x'.repeat(2000)]);
  await produce(client, 'f5', 1, ['y'.repeat(2000)]);
  const parts = [
    { partition: 0, fetchOffset: 0, partitionMaxBytes: 100 },
    { partition: 1, fetchOffset: 0, partitionMaxBytes: 100 },
  ];
  const res = await client.request(1, 12, fetchBody('f5', parts, { maxBytes: 500 }));
  const [p0, p1] = res.responses[0].partitions;
  assert.equal(valuesOf(p0.records)[0]!.length, 2000);
  assert.equal(p1.records.length, 0);
  client.close();
});

test('ListOffsets: earliest, latest, by timestamp, max timestamp; DeleteRecords moves the start', async () => {
  const { client } = await setup();
  await createTopic(client, 'f6');
  for (const [i, ts] of [
    [0, 1000],
    [1, 3000],
    [2, 2000],
  ] as const) {
    await client.request(
      0,
      9,
      produceBody('f6', [
        { index: 0, records: batch([`v${i}`], { timestamp: Date.now() - 100_000 + ts }) },
      ]),
    );
  }
  const base = Date.now();
  const list = async (timestamp: number, version = 7) => {
    const res = await client.request(2, version, {
      replicaId: -1,
      isolationLevel: 0,
      timeoutMs: 1000,
      topics: [
        {
          name: 'f6',
          partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: BigInt(timestamp) }],
        },
      ],
    });
    return res.topics[0].partitions[0];
  };
  assert.equal((await list(-2)).offset, 0n);
  assert.equal((await list(-1)).offset, 3n);
  assert.equal((await list(-1, 1)).offset, 3n);
  assert.equal((await list(-3)).offset, 1n);
  assert.equal((await list(base - 100_000 + 1500)).offset, 1n);
  assert.equal((await list(base + 1_000_000)).offset, -1n);
  const del = await client.request(21, 2, {
    topics: [{ name: 'f6', partitions: [{ partitionIndex: 0, offset: 2n }] }],
    timeoutMs: 1000,
  });
  assert.equal(del.topics[0].partitions[0].lowWatermark, 2n);
  assert.equal((await list(-2)).offset, 2n);
  const beyond = await client.request(21, 2, {
    topics: [{ name: 'f6', partitions: [{ partitionIndex: 0, offset: 99n }] }],
    timeoutMs: 1000,
  });
  assert.equal(beyond.topics[0].partitions[0].errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  client.close();
});

test('OffsetForLeaderEpoch answers the end of the current epoch', async () => {
  const { client } = await setup();
  await createTopic(client, 'f7');
  await produce(client, 'f7', 0, ['a', 'b']);
  const res = await client.request(23, 4, {
    replicaId: -1,
    topics: [
      {
        topic: 'f7',
        partitions: [
          { partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 },
          { partition: 9, currentLeaderEpoch: -1, leaderEpoch: 0 },
        ],
      },
    ],
  });
  const [p0, p9] = res.topics[0].partitions;
  assert.deepEqual([p0.errorCode, p0.leaderEpoch, p0.endOffset], [ErrorCode.NONE, 0, 2n]);
  assert.equal(p9.errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  client.close();
});

test('pipelined fetches each get their own records while read buffers are reused', async () => {
  const { client } = await setup();
  await createTopic(client, 'f8');
  const big = (c: string) => c.repeat(200_000);
  await produce(client, 'f8', 0, [big('a')]);
  await produce(client, 'f8', 1, [big('b')]);
  const answers = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      client.request(1, 12, fetchBody('f8', [{ partition: i % 2, fetchOffset: 0 }])),
    ),
  );
  answers.forEach((res, i) => {
    assert.deepEqual(valuesOf(res.responses[0].partitions[0].records), [big(i % 2 ? 'b' : 'a')]);
  });
  client.close();
});
