// API v3 produce: BINARY, JSON and STRING keys and values, headers, timestamps and partitions,
// one record per request and several streamed in one body (an answer each, in order, a bad
// record failing alone), and the errors for unknown topics, partitions and schema types.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { Consumer, type ConsumerRecord } from '../../src/client/index.js';
import { startBrokerAndProxy, type RestFixture } from './support/rest-fixture.js';

let f: RestFixture;
let records: string;
before(async () => {
  f = await startBrokerAndProxy();
  const c = `/v3/clusters/${f.clusterId}`;
  records = `${c}/topics/v3-produce/records`;
  await f.call('POST', `${c}/topics`, { body: { topic_name: 'v3-produce', partitions_count: 2 } });
});
after(() => f.close());

/** Every record of partition `partition` from `from` on, read with our consumer. */
async function read(partition: number, from: bigint, count: number): Promise<ConsumerRecord[]> {
  const consumer = new Consumer({ bootstrapServers: f.broker.bootstrap });
  await consumer.connect();
  consumer.assign([{ topic: 'v3-produce', partition, offset: from }]);
  const out: ConsumerRecord[] = [];
  try {
    for await (const r of consumer.records()) {
      out.push(r);
      if (out.length === count) break;
    }
  } finally {
    consumer.close();
  }
  return out;
}

test('one record of each data type, with headers, timestamp and partition', async () => {
  const answer = await f.call('POST', records, {
    body: {
      partition_id: 1,
      headers: [
        { name: 'h1', value: Buffer.from([0, 1, 2]).toString('base64') },
        { name: 'h2', value: null },
      ],
      key: { type: 'BINARY', data: Buffer.from([0xff, 0x00, 0x7f]).toString('base64') },
      value: { type: 'JSON', data: { n: 1, s: 'é' } },
      timestamp: '2024-05-06T07:08:09.010Z',
    },
  });
  assert.equal(answer.status, 200, answer.text);
  assert.equal(answer.body.error_code, 200);
  assert.equal(answer.body.cluster_id, f.clusterId);
  assert.equal(answer.body.topic_name, 'v3-produce');
  assert.equal(answer.body.partition_id, 1);
  assert.equal(answer.body.timestamp, '2024-05-06T07:08:09.010Z');
  assert.deepEqual(answer.body.key, { type: 'BINARY', size: 3 });
  assert.deepEqual(answer.body.value, { type: 'JSON', size: Buffer.byteLength('{"n":1,"s":"é"}') });
  const string = await f.call('POST', records, {
    body: { partition_id: 1, value: { type: 'STRING', data: 'plain text' } },
  });
  assert.equal(string.body.offset, answer.body.offset + 1);

  const [r1, r2] = await read(1, BigInt(answer.body.offset), 2);
  assert.deepEqual(r1!.key, Buffer.from([0xff, 0x00, 0x7f]));
  assert.equal(r1!.value!.toString('utf8'), '{"n":1,"s":"é"}');
  assert.equal(r1!.timestamp, Date.parse('2024-05-06T07:08:09.010Z'));
  assert.deepEqual(
    r1!.headers.map((h) => [h.key, h.value]),
    [
      ['h1', Buffer.from([0, 1, 2])],
      ['h2', null],
    ],
  );
  assert.equal(r2!.key, null);
  assert.equal(r2!.value!.toString(), 'plain text');
});

test('streamed: several records in one body get one answer each, in order', async () => {
  const lines = [
    { partition_id: 0, value: { type: 'STRING', data: 's0' } },
    { partition_id: 0, value: { type: 'BINARY', data: 'not base64!' } },
    { partition_id: 0, value: { type: 'STRING', data: 's2' } },
    { partition_id: 9, value: { type: 'STRING', data: 'nowhere' } },
    { partition_id: 0, value: { type: 'STRING', data: 's4' } },
  ];
  // Concatenated objects and newline-separated ones are both accepted.
  const body = `${JSON.stringify(lines[0])}${JSON.stringify(lines[1])}\n${lines
    .slice(2)
    .map((l) => JSON.stringify(l))
    .join('\n')}`;
  const answer = await f.call('POST', records, { body });
  assert.equal(answer.status, 200);
  const results = answer.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { error_code: number; offset?: number; message?: string });
  assert.deepEqual(
    results.map((r) => r.error_code),
    [200, 400, 200, 40403, 200],
  );
  assert.equal(results[2]!.offset, results[0]!.offset! + 1);
  assert.equal(results[4]!.offset, results[2]!.offset! + 1);
  const read0 = await read(0, BigInt(results[0]!.offset!), 3);
  assert.deepEqual(
    read0.map((r) => r.value!.toString()),
    ['s0', 's2', 's4'],
  );
  // A value that is not JSON (an unquoted name) fails alone too.
  const mixed = await f.call('POST', records, {
    body: `${JSON.stringify(lines[0])}\n{partition_id: 0}\n${JSON.stringify(lines[2])}`,
  });
  assert.equal(mixed.status, 200, mixed.text);
  assert.deepEqual(
    mixed.text
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { error_code: number }).error_code),
    [200, 400, 200],
  );
});

test('errors: unknown topic, bad partition, bad types, schema types without a registry', async () => {
  const c = `/v3/clusters/${f.clusterId}`;
  const unknown = await f.call('POST', `${c}/topics/no-such-topic/records`, {
    body: { value: { type: 'STRING', data: 'x' } },
  });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error_code, 40403);
  const partition = await f.call('POST', records, {
    body: { partition_id: 5, value: { type: 'STRING', data: 'x' } },
  });
  assert.equal(partition.status, 404);
  const type = await f.call('POST', records, { body: { value: { type: 'XML', data: '<a/>' } } });
  assert.equal(type.status, 400);
  assert.equal(type.body.error_code, 400);
  const notString = await f.call('POST', records, { body: { value: { type: 'STRING', data: 5 } } });
  assert.equal(notString.status, 400);
  const avro = await f.call('POST', records, {
    body: { value: { type: 'AVRO', schema: '"string"', data: 'x' } },
  });
  assert.equal(avro.status, 422);
  assert.equal(avro.body.error_code, 42206);
  assert.equal(avro.body.message, 'Schema Registry must be configured when using schemas.');
  const notJson = await f.call('POST', records, { body: '{"value": ' });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.error_code, 400);
  // The proxy still answers.
  const ok = await f.call('POST', records, { body: { value: { type: 'STRING', data: 'after' } } });
  assert.equal(ok.body.error_code, 200);
});

test('streamed over a chunked request: each answer arrives before the next record is sent', async () => {
  const url = new URL(`${f.proxy.url}${records}`);
  const request = http.request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
  });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on('response', resolve);
    request.on('error', reject);
    request.flushHeaders();
    // The first record goes out with the headers; fastify answers once it has the body.
    request.write(JSON.stringify({ partition_id: 0, value: { type: 'STRING', data: 'c0' } }));
  });
  assert.equal(response.statusCode, 200);
  response.setEncoding('utf8');
  const ended = new Promise((resolve) => response.on('end', resolve));
  // One listener for the whole answer: lines wait in `lines` until asked for.
  let received = '';
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  response.on('data', (d: string) => {
    received += d;
    let at: number;
    while ((at = received.indexOf('\n')) >= 0) {
      lines.push(received.slice(0, at));
      received = received.slice(at + 1);
    }
    wake?.();
  });
  const nextLine = async (): Promise<{ error_code: number; offset?: number }> => {
    while (lines.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    return JSON.parse(lines.shift()!) as { error_code: number; offset?: number };
  };
  const first = await nextLine();
  assert.equal(first.error_code, 200);
  // A record split across two chunks, then a bad one, then a good one.
  request.write('{"partition_id": 0, "value": {"type": "STR');
  request.write('ING", "data": "c1"}}');
  const second = await nextLine();
  assert.equal(second.offset, first.offset! + 1);
  request.write('{"partition_id": 0, "value": {"type": "BINARY", "data": "@@"}}\n');
  assert.equal((await nextLine()).error_code, 400);
  request.end('{"partition_id": 0, "value": {"type": "STRING", "data": "c3"}}');
  const last = await nextLine();
  assert.equal(last.offset, first.offset! + 2);
  await ended;
  const values = await read(0, BigInt(first.offset!), 3);
  assert.deepEqual(
    values.map((r) => r.value!.toString()),
    ['c0', 'c1', 'c3'],
  );
});
