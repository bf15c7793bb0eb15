// Our client next to third-party clients on our broker: what our producer writes, kcat
// (librdkafka) reads back identically; what kcat writes, our consumer reads; and our group
// consumer shares a group with librdkafka and KafkaJS members.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import { Admin, Consumer, GroupConsumer, Producer } from '../../src/client/index.js';
import { kcat } from '../interop/support/clients.js';
import { kafkajsMember, pythonMember, type GroupMember } from '../interop/support/group-members.js';
import { take } from './support/take.js';

test(
  'kcat reads what our producer wrote with every codec, and we read what kcat wrote',
  { timeout: 60_000 },
  async (t) => {
    const broker = await startBroker();
    t.after(() => broker.close());
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.connect();
    t.after(() => admin.close());
    await admin.createTopics([
      { name: 'ours', numPartitions: 1 },
      { name: 'theirs', numPartitions: 1 },
    ]);
    for (const compression of ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const) {
      const producer = new Producer({ bootstrapServers: broker.bootstrap, compression });
      await producer.connect();
      await producer.sendBatch([
        {
          topic: 'ours',
          key: `${compression}-k`,
          value: `${compression}-1`,
          headers: { codec: compression },
        },
        { topic: 'ours', value: `${compression}-2` },
      ]);
      await producer.close();
    }
    const out = await kcat([
      '-C',
      '-b',
      broker.bootstrap,
      '-t',
      'ours',
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%o|%k|%s|%h\n',
    ]);
    const lines = out.trim().split('\n');
    assert.equal(lines.length, 10);
    assert.equal(lines[0], '0|none-k|none-1|codec=none');
    assert.equal(lines[9], '9||zstd-2|');
    assert.equal(lines[8], '8|zstd-k|zstd-1|codec=zstd');

    await kcat(
      ['-P', '-b', broker.bootstrap, '-t', 'theirs', '-K', ':', '-z', 'lz4'],
      'a:1\nb:2\nc:3\n',
    );
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap, fetchMaxWaitMs: 100 });
    await consumer.connect();
    t.after(() => consumer.close());
    consumer.assign([{ topic: 'theirs', partition: 0, offset: 'earliest' }]);
    const records = await take(consumer.records(), 3);
    assert.deepEqual(
      records.map((r) => [r.offset, r.key?.toString(), r.value?.toString()]),
      [
        [0n, 'a', '1'],
        [1n, 'b', '2'],
        [2n, 'c', '3'],
      ],
    );
  },
);

test(
  'our group member shares a roundrobin group with librdkafka and KafkaJS members',
  { timeout: 90_000 },
  async (t) => {
    const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    t.after(() => broker.close());
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.connect();
    t.after(() => admin.close());
    await admin.createTopics([{ name: 'mixed', numPartitions: 6 }]);
    const producer = new Producer({ bootstrapServers: broker.bootstrap });
    await producer.connect();
    await producer.sendBatch(
      Array.from({ length: 60 }, (_, i) => ({ topic: 'mixed', partition: i % 6, value: `m${i}` })),
    );
    await producer.close();

    const options = { bootstrap: broker.bootstrap, group: 'mixed-group', topic: 'mixed' };
    const ours = new GroupConsumer({
      bootstrapServers: broker.bootstrap,
      groupId: 'mixed-group',
      assignors: ['roundrobin'],
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 200,
      fetchMaxWaitMs: 100,
    });
    await ours.connect();
    ours.subscribe(['mixed']);
    const confluent = pythonMember('confluent', options);
    const kjs = await kafkajsMember(options);
    try {
      await splitWithOthers(ours, confluent, kjs);
    } finally {
      // Members leave before the broker stops (after-hooks run in the order they were added).
      await Promise.all([confluent.stop(), kjs.stop(), ours.close({ timeoutMs: 5000 })]);
    }
  },
);

async function splitWithOthers(ours: GroupConsumer, confluent: GroupMember, kjs: GroupMember) {
  const seen = new Set<string>();
  const iterator = ours.records();
  const deadline = Date.now() + 60_000;
  const settled = () =>
    ours.assignment().length === 2 && confluent.assigned.length === 2 && kjs.assigned.length === 2;
  while (!settled() && Date.now() < deadline) {
    const next = await Promise.race([
      iterator.next(),
      new Promise<null>((r) => setTimeout(() => r(null), 200)),
    ]);
    if (next !== null && next.done !== true)
      seen.add(`${next.value.partition}:${next.value.offset}`);
  }
  assert.ok(
    settled(),
    `assignments: ours ${JSON.stringify(ours.assignment())}, confluent ${confluent.assigned}, kafkajs ${kjs.assigned}`,
  );
  const all = new Set([
    ...ours.assignment().map((tp) => tp.partition),
    ...confluent.assigned,
    ...kjs.assigned,
  ]);
  assert.equal(all.size, 6, 'the three members split all six partitions');
}
