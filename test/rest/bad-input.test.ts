// Bad input gets Confluent's error each time and the proxy keeps answering: malformed JSON,
// base64 that does not decode, a record too large, unknown formats and content types, an
// unacceptable Accept, a body over request.body.max.bytes, and 10,000 consumer instance
// creations against consumer.instances.max.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBrokerAndProxy, V2, V2_BINARY, type RestFixture } from './support/rest-fixture.js';

let f: RestFixture;
before(async () => {
  f = await startBrokerAndProxy({
    proxyConfig: { 'request.body.max.bytes': String(4 * 1024 * 1024) },
  });
  await f.call('POST', `/v3/clusters/${f.clusterId}/topics`, { body: { topic_name: 'bad' } });
});
after(() => f.close());

/** The proxy still serves a plain request. */
async function stillUp(): Promise<void> {
  const r = await f.call('GET', '/topics');
  assert.equal(r.status, 200);
}

test('malformed JSON is a 400 with Confluent error body, on v2 and v3', async () => {
  for (const [path, contentType] of [
    ['/topics/bad', V2_BINARY],
    [`/v3/clusters/${f.clusterId}/topics/bad/records`, 'application/json'],
    ['/consumers/g', V2],
  ] as const) {
    const r = await f.call('POST', path, { body: '{"records": [', contentType });
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.body.error_code, 400);
    assert.equal(typeof r.body.message, 'string');
  }
  await stillUp();
});

test('base64 that does not decode is 42203 on v2 and a 400 on v3', async () => {
  const v2 = await f.call('POST', '/topics/bad', {
    contentType: V2_BINARY,
    body: { records: [{ value: 'aGVsbG8=' }, { value: '***' }] },
  });
  assert.equal(v2.status, 422);
  assert.equal(v2.body.error_code, 42203);
  const v3 = await f.call('POST', `/v3/clusters/${f.clusterId}/topics/bad/records`, {
    body: { key: { type: 'BINARY', data: 'a' }, value: { type: 'STRING', data: 'x' } },
  });
  assert.equal(v3.status, 400);
  // Nothing of the refused v2 request was written.
  const offsets = await f.call('GET', '/topics/bad/partitions/0/offsets');
  assert.equal(offsets.body.end_offset, 0);
  await stillUp();
});

test('a record larger than the broker takes fails alone; a body over the limit is a 413', async () => {
  const big = Buffer.alloc(2 * 1024 * 1024, 7).toString('base64');
  const v2 = await f.call('POST', '/topics/bad', {
    contentType: V2_BINARY,
    body: { records: [{ value: big }, { value: 'c21hbGw=' }] },
  });
  assert.equal(v2.status, 200, v2.text);
  assert.equal(v2.body.offsets[0].error_code, 1);
  assert.equal(v2.body.offsets[0].offset, null);
  assert.equal(typeof v2.body.offsets[0].error, 'string');
  assert.equal(v2.body.offsets[1].error_code, null);
  const v3 = await f.call('POST', `/v3/clusters/${f.clusterId}/topics/bad/records`, {
    body: { value: { type: 'BINARY', data: big } },
  });
  assert.equal(v3.status, 400, v3.text);
  const huge = await f.call('POST', '/topics/bad', {
    contentType: V2_BINARY,
    body: { records: [{ value: Buffer.alloc(5 * 1024 * 1024).toString('base64') }] },
  });
  assert.equal(huge.status, 413);
  assert.equal(huge.body.error_code, 413);
  await stillUp();
});

test('unknown formats, content types and Accept headers', async () => {
  const format = await f.call('POST', '/consumers/g', { contentType: V2, body: { format: 'xml' } });
  assert.equal(format.status, 422);
  assert.equal(format.body.error_code, 42204);
  const produce = await f.call('POST', '/topics/bad', {
    contentType: 'application/vnd.kafka.xml.v2+json',
    body: { records: [{ value: 'x' }] },
  });
  assert.equal(produce.status, 415);
  assert.equal(produce.body.error_code, 415);
  const plain = await f.call('POST', '/topics/bad', { contentType: 'text/plain', body: 'x' });
  assert.equal(plain.status, 415);
  const schema = await f.call('POST', '/topics/bad', {
    contentType: 'application/vnd.kafka.avro.v2+json',
    body: { records: [{ value: { a: 1 } }] },
  });
  assert.equal(schema.status, 422);
  assert.equal(schema.body.error_code, 42202);
  const withSchema = await f.call('POST', '/topics/bad', {
    contentType: 'application/vnd.kafka.avro.v2+json',
    body: { value_schema: '"int"', records: [{ value: 1 }] },
  });
  assert.equal(withSchema.status, 422);
  assert.equal(withSchema.body.message, 'Schema Registry must be configured when using schemas.');
  const created = await f.call('POST', '/consumers/accept', { contentType: V2, body: {} });
  const at = new URL(created.body.base_uri).pathname;
  await f.call('POST', `${at}/subscription`, { contentType: V2, body: { topics: ['bad'] } });
  const accept = await f.call('GET', `${at}/records`, { accept: 'text/html' });
  assert.equal(accept.status, 406);
  assert.equal(accept.body.error_code, 406);
  await f.call('DELETE', at);
  await stillUp();
});

test('10,000 consumer instance creations against consumer.instances.max', async () => {
  const max = 1_000;
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < 10_000) {
      next++;
      const r = await f.call('POST', '/consumers/many', { contentType: V2, body: {} });
      const code = r.status === 200 ? 200 : (r.body.error_code as number);
      statuses.set(code, (statuses.get(code) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  assert.equal(statuses.get(200), max);
  assert.equal(statuses.get(42901), 10_000 - max);
  assert.equal(statuses.size, 2);
  assert.equal(f.proxy.consumerInstances, max);
  await stillUp();
});
