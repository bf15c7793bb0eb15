// KafkaStreams against an in-process broker: the example topologies give exactly the output the
// test driver gives for the same input, internal topics get Kafka Streams' names, and the
// state listener sees Kafka's transitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import { Admin } from '../../src/client/index.js';
import { KafkaStreams, Serdes, type StreamsState, type Topology } from '../../src/streams/index.js';
import { waitFor } from '../support/wait.js';
import {
  createTopics,
  driverOutput,
  produce,
  readTopic,
  type Input,
} from './support/streams-harness.js';
import { enrichment, windowedCounts, wordCount } from './topologies.js';

const s = (v: string | null) => (v === null ? null : Buffer.from(v));

async function runAndCompare(
  t: import('node:test').TestContext,
  opts: {
    topology: () => Topology;
    topics: Record<string, number>;
    inputs: Input[];
    output: string;
    guarantee: 'at_least_once' | 'exactly_once_v2';
  },
) {
  const broker = await startBroker();
  t.after(() => broker.close());
  await createTopics(broker.bootstrap, { ...opts.topics, [opts.output]: 1 });
  await produce(broker.bootstrap, opts.inputs);
  const expected = driverOutput(opts.topology(), opts.inputs, opts.output);
  assert.ok(expected.length > 0);
  const states: StreamsState[] = [];
  const streams = new KafkaStreams(opts.topology(), {
    applicationId: 'app',
    bootstrapServers: broker.bootstrap,
    processingGuarantee: opts.guarantee,
    commitIntervalMs: 100,
    // The driver forwards every update; so does the runtime without the record cache.
    statestoreCacheMaxBytes: 0,
  });
  streams.setStateListener((next) => states.push(next));
  await streams.start();
  t.after(() => streams.close());
  const out = await readTopic(broker.bootstrap, opts.output, expected.length, {
    readCommitted: opts.guarantee === 'exactly_once_v2',
  });
  assert.deepEqual(
    out.map((r) => [r.key?.toString('hex'), r.value?.toString('hex') ?? null, r.timestamp]),
    expected.map((r) => [r.key?.toString('hex'), r.value?.toString('hex') ?? null, r.timestamp]),
  );
  await streams.close();
  assert.deepEqual(states, ['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
  return { broker, streams };
}

test(
  'word count against the broker equals the test driver (at least once)',
  { timeout: 120_000 },
  async (t) => {
    const lines = ['Hello Kafka Streams', 'hello rivulet', 'streams of streams'];
    const { broker } = await runAndCompare(t, {
      topology: wordCount,
      topics: { 'text-input': 1 },
      inputs: lines.map((l, i) => ({
        topic: 'text-input',
        key: null,
        value: s(l),
        timestamp: 1000 + i,
      })),
      output: 'word-counts',
      guarantee: 'at_least_once',
    });
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.connect();
    t.after(() => admin.close());
    const topics = await admin.listTopics();
    assert.ok(topics.includes('app-counts-store-repartition'));
    assert.ok(topics.includes('app-counts-store-changelog'));
    const cfg = await admin.describeConfigs(
      { type: 'topic', name: 'app-counts-store-changelog' },
      { keys: ['cleanup.policy'] },
    );
    assert.equal(cfg[0]?.value, 'compact');
  },
);

test(
  'with the record cache a commit writes the last count of each word once, oldest write first',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker();
    t.after(() => broker.close());
    await createTopics(broker.bootstrap, { 'text-input': 1, 'word-counts': 1 });
    const lines = ['Hello Kafka Streams', 'hello rivulet', 'streams of streams'];
    await produce(
      broker.bootstrap,
      lines.map((l, i) => ({ topic: 'text-input', key: null, value: s(l), timestamp: 1000 + i })),
    );
    // No commit before close(): everything stays in the cache until then.
    const streams = new KafkaStreams(wordCount(), {
      applicationId: 'cached',
      bootstrapServers: broker.bootstrap,
      commitIntervalMs: 3_600_000,
    });
    await streams.start();
    t.after(() => streams.close());
    const counts = streams.store<string, number>('counts-store');
    await waitFor('all words to be counted', () => counts.get('streams') === 3);
    assert.deepEqual(counts.all(), [
      { key: 'hello', value: 2 },
      { key: 'kafka', value: 1 },
      { key: 'of', value: 1 },
      { key: 'rivulet', value: 1 },
      { key: 'streams', value: 3 },
    ]);
    await streams.close();
    const expected = [
      ['kafka', 1, 1000],
      ['hello', 2, 1001],
      ['rivulet', 1, 1001],
      ['of', 1, 1002],
      ['streams', 3, 1002],
    ];
    const admin = new Admin({ bootstrapServers: broker.bootstrap });
    await admin.connect();
    t.after(() => admin.close());
    for (const topic of ['word-counts', 'cached-counts-store-changelog']) {
      const out = await readTopic(broker.bootstrap, topic, expected.length);
      assert.deepEqual(
        out.map((r) => [r.key!.toString(), Number(r.value!.readBigInt64BE(0)), r.timestamp]),
        expected,
        topic,
      );
      const [end] = await admin.listOffsets([{ topic, partition: 0 }], 'latest');
      assert.equal(end!.offset, BigInt(expected.length), `${topic} has nothing more`);
    }
  },
);

test(
  'windowed counts with out-of-order and late records (exactly once)',
  { timeout: 120_000 },
  async (t) => {
    const clicks: [string, number][] = [
      ['a', 1_000],
      ['a', 9_000],
      ['b', 12_000],
      ['a', 14_999],
      ['a', 8_000], // out of order, within grace
      ['b', 15_000], // closes [0, 10 s)
      ['a', 2_000], // late: dropped
      ['a', 30_000], // closes [10 s, 20 s)
    ];
    await runAndCompare(t, {
      topology: windowedCounts,
      topics: { clicks: 1 },
      inputs: clicks.map(([k, ts]) => ({
        topic: 'clicks',
        key: s(k),
        value: s('x'),
        timestamp: ts,
      })),
      output: 'clicks-per-window',
      guarantee: 'exactly_once_v2',
    });
  },
);

test('enrichment join with a table tombstone', { timeout: 120_000 }, async (t) => {
  const order = (item: string) => Buffer.from(JSON.stringify({ item }));
  const broker = await startBroker();
  t.after(() => broker.close());
  await createTopics(broker.bootstrap, { customers: 1, orders: 1, 'enriched-orders': 1 });
  await produce(broker.bootstrap, [
    { topic: 'customers', key: s('c1'), value: s('Ada'), timestamp: 1 },
    { topic: 'customers', key: s('c2'), value: s('Bob'), timestamp: 2 },
    { topic: 'customers', key: s('c2'), value: null, timestamp: 3 },
  ]);
  const streams = new KafkaStreams(enrichment(), {
    applicationId: 'enrich',
    bootstrapServers: broker.bootstrap,
    commitIntervalMs: 100,
  });
  await streams.start();
  t.after(() => streams.close());
  const customers = streams.store<string, string>('customers-store');
  await waitFor('the table to be loaded', () => customers.get('c1') === 'Ada');
  assert.equal(customers.get('c2'), null);
  await produce(broker.bootstrap, [
    { topic: 'orders', key: s('c1'), value: order('book'), timestamp: 10 },
    { topic: 'orders', key: s('c2'), value: order('pen'), timestamp: 11 },
  ]);
  const out = await readTopic(broker.bootstrap, 'enriched-orders', 2);
  assert.deepEqual(
    out.map((r) => [r.key?.toString(), Serdes.String().deserialize('', r.value)]),
    [
      ['c1', 'book for Ada'],
      ['c2', 'pen for unknown'],
    ],
  );
  await streams.close();
});

test(
  'an instance left without tasks by the assignment is RUNNING',
  { timeout: 120_000 },
  async (t) => {
    const apps: KafkaStreams[] = [];
    const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
    // One hook: the instances, newest first, then the broker.
    t.after(async () => {
      for (const app of [...apps].reverse()) await app.close();
      await broker.close();
    });
    // One partition per sub-topology, and the range assignor gives a topic's partitions to
    // the first members by member id: one instance runs both tasks, the other has nothing.
    await createTopics(broker.bootstrap, { 'text-input': 1, 'word-counts': 1 });
    const config = { applicationId: 'idle', bootstrapServers: broker.bootstrap };
    apps.push(new KafkaStreams(wordCount(), config), new KafkaStreams(wordCount(), config));
    const states: StreamsState[][] = [[], []];
    apps.forEach((app, i) => app.setStateListener((next) => states[i]!.push(next)));
    await apps[0]!.start();
    await waitFor(
      'the first instance to run both tasks',
      () => apps[0]!.localTaskIds().length === 2,
    );
    await apps[1]!.start();
    const tasks = () => apps.map((a) => a.localTaskIds().join());
    await waitFor(
      'one instance to run both tasks and the other none, both RUNNING',
      () =>
        [...tasks()].sort().join('|') === '|0_0,1_0' && apps.every((a) => a.state === 'RUNNING'),
    );
    const idle = tasks().indexOf('');
    assert.equal(states[idle]!.at(-1), 'RUNNING');
    assert.ok(states[idle]!.includes('REBALANCING'));
  },
);
