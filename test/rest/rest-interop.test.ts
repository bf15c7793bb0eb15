// The proxy with real third-party clients: records produced through it (v2 and v3) are read
// by kcat and confluent-kafka-python with the exact bytes, and records they produce are read
// through a v2 consumer instance.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { confluent, kcat } from '../interop/support/clients.js';
import {
  pollRecords,
  startBrokerAndProxy,
  V2,
  V2_BINARY,
  type RestFixture,
} from './support/rest-fixture.js';

let f: RestFixture;
before(async () => {
  f = await startBrokerAndProxy();
  for (const topic of ['to-kcat', 'to-python', 'from-clients']) {
    await f.call('POST', `/v3/clusters/${f.clusterId}/topics`, {
      body: { topic_name: topic, partitions_count: 1 },
    });
  }
});
after(() => f.close());

/** kcat's records as raw bytes: `%K|%S|` gives key and value lengths (-1 for null). */
function kcatRaw(topic: string): Promise<{ key: Buffer | null; value: Buffer | null }[]> {
  return new Promise((resolve, reject) => {
    const args = ['-b', f.broker.bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'];
    const child = spawn('kcat', [...args, '-f', '%K|%S|%k%s']);
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`kcat exited ${code}`));
      const all = Buffer.concat(chunks);
      const out: { key: Buffer | null; value: Buffer | null }[] = [];
      let at = 0;
      const field = () => {
        const bar = all.indexOf(0x7c, at);
        const n = Number(all.subarray(at, bar).toString());
        at = bar + 1;
        return n;
      };
      while (at < all.length) {
        const keyLength = field();
        const valueLength = field();
        const take = (n: number) => {
          if (n < 0) return null;
          const b = all.subarray(at, at + n);
          at += n;
          return Buffer.from(b);
        };
        out.push({ key: take(keyLength), value: take(valueLength) });
      }
      resolve(out);
    });
  });
}

const BYTES = Buffer.from([0x00, 0xff, 0x10, 0x7c, 0x0a, 0x80, 0xc3, 0x28]);

test('kcat reads the exact bytes produced through v2 binary and v3 BINARY', async () => {
  const v2 = await f.call('POST', '/topics/to-kcat', {
    contentType: V2_BINARY,
    body: {
      records: [
        { key: Buffer.from('k\u00001').toString('base64'), value: BYTES.toString('base64') },
      ],
    },
  });
  assert.equal(v2.status, 200, v2.text);
  const v3 = await f.call('POST', `/v3/clusters/${f.clusterId}/topics/to-kcat/records`, {
    body: { value: { type: 'BINARY', data: Buffer.from(BYTES).reverse().toString('base64') } },
  });
  assert.equal(v3.body.error_code, 200, v3.text);
  const records = await kcatRaw('to-kcat');
  assert.deepEqual(records, [
    { key: Buffer.from('k\u00001'), value: BYTES },
    { key: null, value: Buffer.from(BYTES).reverse() },
  ]);
});

test('confluent-kafka-python reads records, keys and headers produced through v3', async () => {
  const c = `/v3/clusters/${f.clusterId}/topics/to-python/records`;
  const body = [
    {
      key: { type: 'STRING', data: 'clé' },
      value: { type: 'JSON', data: { a: [1, 'ü'] } },
      headers: [{ name: 'trace', value: Buffer.from('t-1').toString('base64') }],
    },
    { value: { type: 'STRING', data: 'second' } },
  ]
    .map((r) => JSON.stringify(r))
    .join('\n');
  const answer = await f.call('POST', c, { body });
  assert.ok(
    answer.text
      .trim()
      .split('\n')
      .every((l) => JSON.parse(l).error_code === 200),
  );
  const read = await confluent<{ messages: { key: string; value: string; headers: object }[] }>(
    'consume',
    { bootstrap: f.broker.bootstrap, topic: 'to-python', offsets: { 0: 0 }, count: 2 },
  );
  assert.deepEqual(
    read.messages.map((m) => [m.key, m.value, m.headers]),
    [
      ['clé', '{"a":[1,"ü"]}', { trace: 't-1' }],
      [null, 'second', {}],
    ],
  );
});

test('records produced by kcat and confluent-kafka-python are read through a v2 consumer', async () => {
  await kcat(['-b', f.broker.bootstrap, '-P', '-t', 'from-clients', '-K', ':'], 'kk:from kcat\n');
  await confluent('produce', {
    bootstrap: f.broker.bootstrap,
    topic: 'from-clients',
    messages: [{ key: 'pk', value: 'from python ✓', headers: { h: 'v' } }],
  });
  await f.call('POST', '/consumers/interop', {
    contentType: V2,
    body: { name: 'i1', format: 'binary', 'auto.offset.reset': 'earliest' },
  });
  const at = '/consumers/interop/instances/i1';
  await f.call('POST', `${at}/subscription`, {
    contentType: V2,
    body: { topics: ['from-clients'] },
  });
  const records = await pollRecords(f.call, at, 2);
  assert.deepEqual(
    records.map((r) => [
      Buffer.from(r.key, 'base64').toString(),
      Buffer.from(r.value, 'base64').toString(),
      r.offset,
    ]),
    [
      ['kk', 'from kcat', 0],
      ['pk', 'from python ✓', 1],
    ],
  );
  await f.call('DELETE', at);
});
