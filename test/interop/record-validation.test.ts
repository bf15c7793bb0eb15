// What the broker refuses inside a batch, seen by librdkafka (confluent-kafka-python):
// a batch flagged compressed that does not decompress is refused and never stored, so a
// consumer reads straight past where it would have been; keyless records on a compacted topic
// are named one by one in the Produce response (KIP-467), which @platformatic/kafka reports.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Producer as PlatformaticProducer, stringSerializers } from '@platformatic/kafka';
import { startBroker, type Broker } from '../../src/index.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { encodeRecordBatchSync } from '../../src/protocol/records/index.js';
import { ProtocolClient } from '../support/protocol-client.js';
import {
  batch,
  createTopic,
  fetchBody,
  gzipFlaggedBatch,
  produceBody,
  valuesOf,
} from '../broker/handlers/data-helpers.js';
import { confluent } from './support/clients.js';

let broker: Broker;
let client: ProtocolClient;
before(async () => {
  broker = await startBroker({ port: 0 });
  client = await ProtocolClient.connect(broker.port);
});
after(async () => {
  client.close();
  await broker.close();
});

interface PartitionResponse {
  errorCode: number;
  errorMessage: string | null;
  baseOffset: bigint;
  recordErrors: { batchIndex: number; batchIndexErrorMessage: string | null }[];
}

async function produce(topic: string, records: Buffer, version = 9): Promise<PartitionResponse> {
  const res = await client.request(0, version, produceBody(topic, [{ index: 0, records }]));
  return res.responses[0].partitionResponses[0] as PartitionResponse;
}

test('a gzip-flagged batch with an uncompressed body is refused, and librdkafka reads past it', async () => {
  await createTopic(client, 'poison');
  assert.equal((await produce('poison', batch(['a', 'b']))).errorCode, ErrorCode.NONE);
  const refused = await produce('poison', gzipFlaggedBatch(['bad1', 'bad2']));
  assert.equal(refused.errorCode, ErrorCode.CORRUPT_MESSAGE);
  assert.match(refused.errorMessage ?? '', /decompress/);
  const next = await produce('poison', batch(['c', 'd']));
  assert.deepEqual([next.errorCode, next.baseOffset], [ErrorCode.NONE, 2n]);
  const f = await client.request(1, 12, fetchBody('poison', [{ partition: 0, fetchOffset: 0 }]));
  assert.deepEqual(valuesOf(f.responses[0].partitions[0].records), ['a', 'b', 'c', 'd']);
  const read = await confluent<{ messages: { offset: number; value: string }[] }>('consume', {
    bootstrap: broker.bootstrap,
    topic: 'poison',
    offsets: { 0: 0 },
    count: 4,
    stop_at_eof: true,
  });
  assert.deepEqual(
    read.messages.map((m) => [m.offset, m.value]),
    [
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
    ],
  );
});

async function createCompacted(name: string): Promise<void> {
  const created = await confluent<Record<string, string | null>>('admin', {
    bootstrap: broker.bootstrap,
    op: 'create_topics',
    topics: [{ name, partitions: 1, config: { 'cleanup.policy': 'compact' } }],
  });
  assert.deepEqual(created, { [name]: null });
}

/** 100 records, every tenth (from index 3) without a key. */
function tenKeyless(): Buffer {
  return encodeRecordBatchSync(
    Array.from({ length: 100 }, (_, i) => ({
      key: i % 10 === 3 ? null : Buffer.from(`k${i}`),
      value: Buffer.from(`v${i}`),
    })),
    { timestamp: Date.now() },
  );
}

test('KIP-467: keyless records on a compacted topic are listed as record errors', async () => {
  await createCompacted('kip467');
  const r = await produce('kip467', tenKeyless());
  assert.equal(r.errorCode, ErrorCode.INVALID_RECORD);
  assert.deepEqual(
    r.recordErrors.map((e) => e.batchIndex),
    [3, 13, 23, 33, 43, 53, 63, 73, 83, 93],
  );
  for (const e of r.recordErrors) assert.match(e.batchIndexErrorMessage ?? '', /key/);
  assert.match(r.errorMessage ?? '', /^10 of the batch's 100 records were refused/);
  // v7 has neither record errors nor a message, but the batch is refused all the same.
  const v7 = await produce('kip467', tenKeyless(), 7);
  assert.equal(v7.errorCode, ErrorCode.INVALID_RECORD);
  // Nothing of either batch was stored.
  const ok = await produce('kip467', batch(['x']));
  assert.deepEqual([ok.errorCode, ok.baseOffset], [ErrorCode.NONE, 0n]);
});

// librdkafka 2.0.2 (the one installed) fails every message of a refused batch with the
// partition's error; it does not tell the keyless ones apart (later librdkafka releases do).
test('KIP-467: librdkafka sees the batch with keyless records refused as INVALID_RECORD', async () => {
  await createCompacted('kip467-rdkafka');
  const produced = await confluent<{ reports: { error: string | null; key: string | null }[] }>(
    'produce',
    {
      bootstrap: broker.bootstrap,
      topic: 'kip467-rdkafka',
      // One batch: a long linger, one partition.
      config: { 'linger.ms': 1000 },
      messages: Array.from({ length: 100 }, (_, i) => ({
        partition: 0,
        key: i % 10 === 3 ? null : `k${i}`,
        value: `v${i}`,
      })),
    },
  );
  assert.equal(produced.reports.length, 100);
  // librdkafka usually sends the 100 records as one batch, refused whole; it may split them
  // (a first batch sent before the linger), and a batch holding only keyed records is then
  // stored. Either way every keyless record is refused as INVALID_RECORD and none is stored.
  for (const r of produced.reports) {
    if (r.key === null) assert.equal(r.error, 'INVALID_RECORD');
    else assert.ok(r.error === null || r.error === 'INVALID_RECORD', String(r.error));
  }
  const stored = produced.reports.filter((r) => r.error === null).length;
  const f = await client.request(
    1,
    12,
    fetchBody('kip467-rdkafka', [{ partition: 0, fetchOffset: 0 }]),
  );
  assert.equal(f.responses[0].partitions[0].highWatermark, BigInt(stored));
});

// @platformatic/kafka (Produce v11) reads record_errors: its error lists each refused record
// with the broker's message, and the response with the batch indexes.
test('KIP-467: @platformatic/kafka reports each keyless record with its batch index', async () => {
  await createCompacted('kip467-platformatic');
  const producer = new PlatformaticProducer({
    clientId: 'rivulet-interop',
    bootstrapBrokers: [broker.bootstrap],
    retries: 0,
    serializers: stringSerializers,
  });
  try {
    const failure = await producer
      .send({
        acks: -1,
        messages: Array.from({ length: 20 }, (_, i) => ({
          topic: 'kip467-platformatic',
          partition: 0,
          key: i % 10 === 3 ? undefined : `k${i}`,
          value: `v${i}`,
        })),
      })
      .then(
        () => null,
        (err: unknown) => err,
      );
    assert.ok(failure instanceof AggregateError, String(failure));
    const response = failure.errors[0] as {
      errors: { path: string; apiId: string; serverErrorMessage: string }[];
      response: {
        responses: { partitionResponses: { recordErrors: { batchIndex: number }[] }[] }[];
      };
    };
    const byPath = new Map(response.errors.map((e) => [e.path, e]));
    assert.equal(byPath.get('/responses/0/partition_responses/0')?.apiId, 'INVALID_RECORD');
    for (const k of [0, 1]) {
      const e = byPath.get(`/responses/0/partition_responses/0/record_errors/${k}`);
      assert.match(e?.serverErrorMessage ?? '', /needs a key/);
    }
    const recordErrors = response.response.responses[0]!.partitionResponses[0]!.recordErrors;
    assert.deepEqual(
      recordErrors.map((e) => e.batchIndex),
      [3, 13],
    );
  } finally {
    await producer.close();
  }
});
