// kcat (librdkafka 2.0.2) against a broker started here: metadata listing with auto topic
// creation, produce and consume with keys and headers, and every compression codec.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../src/index.js';
import { kcat } from './support/clients.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'num.partitions': 3 } });
});
after(() => broker.close());

interface KcatMetadata {
  controllerid: number;
  brokers: { id: number; name: string }[];
  topics: { topic: string; error?: string; partitions: { partition: number; leader: number }[] }[];
}

interface KcatMessage {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[];
}

const metadata = async (args: string[]) =>
  JSON.parse(
    await kcat(['-b', broker.bootstrap, '-L', '-J', ...args], undefined, 20_000),
  ) as KcatMetadata;

/** Consumes partition `partition` of `topic` from the start to its end, as JSON lines. */
async function consume(
  topic: string,
  partition: number,
  ...args: string[]
): Promise<KcatMessage[]> {
  const out = await kcat(
    [
      '-b',
      broker.bootstrap,
      '-C',
      '-t',
      topic,
      '-p',
      String(partition),
      '-o',
      'beginning',
      '-e',
      '-J',
      ...args,
    ],
    undefined,
    30_000,
  );
  return out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as KcatMessage);
}

test('kcat -L lists the broker and auto-creates a topic with num.partitions', async () => {
  const md = await metadata(['-t', 'kcat-auto']);
  assert.deepEqual(md.brokers, [{ id: 1, name: broker.bootstrap }]);
  assert.equal(md.controllerid, 1);
  const topic = md.topics.find((t) => t.topic === 'kcat-auto');
  assert.ok(topic !== undefined && topic.error === undefined, JSON.stringify(md.topics));
  assert.deepEqual(
    topic.partitions.map((p) => [p.partition, p.leader]),
    [
      [0, 1],
      [1, 1],
      [2, 1],
    ],
  );
  const all = await metadata([]);
  assert.ok(
    all.topics.some((t) => t.topic === 'kcat-auto'),
    'listed among all topics',
  );
});

test('kcat produces and consumes keys, values and headers', async () => {
  const topic = 'kcat-keys-headers';
  const input = ['k1:first', 'k2:second', ':no-key', 'k4:'].join('\n') + '\n';
  await kcat(
    [
      '-b',
      broker.bootstrap,
      '-P',
      '-t',
      topic,
      '-p',
      '1',
      '-K:',
      '-H',
      'trace=abc',
      '-H',
      'n=1',
      '-X',
      'acks=all',
    ],
    input,
    30_000,
  );
  const got = await consume(topic, 1);
  assert.deepEqual(
    got.map((m) => [m.offset, m.key, m.payload, m.headers]),
    [
      [0, 'k1', 'first', ['trace', 'abc', 'n', '1']],
      [1, 'k2', 'second', ['trace', 'abc', 'n', '1']],
      [2, '', 'no-key', ['trace', 'abc', 'n', '1']],
      [3, 'k4', '', ['trace', 'abc', 'n', '1']],
    ],
  );
  assert.deepEqual(await consume(topic, 0), [], 'nothing went to another partition');
});

for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd']) {
  test(`kcat produces and consumes with compression ${codec}`, async () => {
    const topic = `kcat-codec-${codec}`;
    const values = Array.from({ length: 200 }, (_, i) => `${codec}-${i}-${'x'.repeat(i % 50)}`);
    await kcat(
      ['-b', broker.bootstrap, '-P', '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=50'],
      values.join('\n') + '\n',
      30_000,
    );
    const got = await consume(topic, 0);
    assert.deepEqual(
      got.map((m) => m.payload),
      values,
    );
    assert.deepEqual(
      got.map((m) => m.offset),
      values.map((_, i) => i),
    );
  });
}
