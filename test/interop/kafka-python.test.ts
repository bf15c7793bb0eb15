// kafka-python 2.0.2 against a broker started here: it probes the broker version with old
// requests (ApiVersions v0, Metadata v0/v1) and then sends fixed versions (Produce v7, Fetch
// v4, ListOffsets v1), so this covers the oldest versions a real client still uses.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, type Broker } from '../../src/index.js';
import { kafkaPython } from './support/clients.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ port: 0, config: { 'num.partitions': 2 } });
});
after(() => broker.close());

interface Message {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

test('kafka-python produces and consumes with keys and headers', async () => {
  const topic = 'kp-data';
  const messages = Array.from({ length: 50 }, (_, i) => ({
    key: `k${i}`,
    value: `value-${i}`,
    partition: i % 2,
    headers: { i: String(i) },
  }));
  const { reports } = await kafkaPython<{ reports: { partition: number; offset: number }[] }>(
    'produce',
    { bootstrap: broker.bootstrap, topic, messages, config: { acks: 'all' } },
  );
  assert.deepEqual(
    reports.map((r) => [r.partition, r.offset]),
    messages.map((_, i) => [i % 2, Math.floor(i / 2)]),
  );
  const { messages: got } = await kafkaPython<{ messages: Message[] }>('consume', {
    bootstrap: broker.bootstrap,
    topic,
    offsets: { 0: 0, 1: 10 },
    count: 40,
  });
  const expected = messages.filter((m, i) => m.partition === 0 || Math.floor(i / 2) >= 10);
  const key = (m: { partition: number; key: string | null }) => `${m.partition}/${m.key}`;
  assert.deepEqual(
    got.map((m) => [m.partition, m.key, m.value, m.headers.i]).sort(),
    expected.map((m) => [m.partition, m.key, m.value, m.headers.i]).sort(),
  );
  // Within a partition, records arrive in offset order.
  for (const p of [0, 1]) {
    const offsets = got.filter((m) => m.partition === p).map((m) => m.offset);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      `partition ${p}`,
    );
  }
  assert.equal(new Set(got.map(key)).size, got.length, 'no duplicates');
});

test('kafka-python admin creates, lists, describes, extends and deletes topics', async () => {
  const bootstrap = broker.bootstrap;
  const created = await kafkaPython<Record<string, number>>('admin', {
    bootstrap,
    op: 'create_topics',
    topics: [{ name: 'kp-admin', partitions: 3, config: { 'retention.ms': '60000' } }],
  });
  assert.deepEqual(created, { 'kp-admin': 0 });
  const listed = await kafkaPython<{ topics: string[] }>('admin', {
    bootstrap,
    op: 'list_topics',
  });
  assert.ok(listed.topics.includes('kp-admin'), JSON.stringify(listed));
  const configs = await kafkaPython<Record<string, string>>('admin', {
    bootstrap,
    op: 'describe_configs',
    name: 'kp-admin',
  });
  assert.equal(configs['retention.ms'], '60000');
  assert.equal(configs['cleanup.policy'], 'delete');
  const extended = await kafkaPython<Record<string, number>>('admin', {
    bootstrap,
    op: 'create_partitions',
    topic: 'kp-admin',
    count: 4,
  });
  assert.deepEqual(extended, { 'kp-admin': 0 });
  const deleted = await kafkaPython<Record<string, number>>('admin', {
    bootstrap,
    op: 'delete_topics',
    topics: ['kp-admin'],
  });
  assert.deepEqual(deleted, { 'kp-admin': 0 });
  const after = await kafkaPython<{ topics: string[] }>('admin', {
    bootstrap,
    op: 'list_topics',
  });
  assert.ok(!after.topics.includes('kp-admin'));
});
