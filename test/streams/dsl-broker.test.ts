// Session and sliding windows, KTable.groupBy, the foreign-key join and persistent window and
// session stores against an in-process broker: each gives exactly the output the test driver
// gives for the same input (and the exact output the driver tests expect), internal topics get
// Kafka Streams' names, and persistent stores are restored from their changelogs on restart.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/index.js';
import { Admin } from '../../src/client/index.js';
import { partitionForKey } from '../../src/client/partitioner.js';
import {
  Consumed,
  KafkaStreams,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  KeyValue,
  type Topology,
  type ValueAndTimestamp,
} from '../../src/streams/index.js';
import {
  createTopics,
  driverOutput,
  produce,
  readTopic,
  type Input,
} from './support/streams-harness.js';
import { orderDetails, regionCounts, sessionCounts, slidingConcat } from './topologies.js';
import {
  FK_OUTPUT,
  FK_STEPS,
  REGION_INPUT,
  REGION_OUTPUT,
  SESSION_INPUT,
  SESSION_OUTPUT,
  SLIDING_INPUT,
  SLIDING_OUTPUT,
} from './support/dsl-cases.js';

const s = (v: string | null) => (v === null ? null : Buffer.from(v));
const S = Serdes.String();
const L = Serdes.Long();

/** A broker and, once started, an application; one hook closes them, app first. */
async function setup(t: TestContext) {
  const broker = await startBroker();
  const apps: KafkaStreams[] = [];
  const dirs: string[] = [];
  t.after(async () => {
    for (const app of apps.reverse()) await app.close();
    await broker.close();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  return {
    broker,
    async start(
      topology: Topology,
      config: { applicationId: string; stateDir?: string; guarantee?: 'exactly_once_v2' },
    ) {
      const app = new KafkaStreams(topology, {
        applicationId: config.applicationId,
        bootstrapServers: broker.bootstrap,
        commitIntervalMs: 100,
        ...(config.stateDir ? { stateDir: config.stateDir } : {}),
        ...(config.guarantee ? { processingGuarantee: config.guarantee } : {}),
      });
      apps.push(app);
      await app.start();
      return app;
    },
    async tempDir() {
      const d = await mkdtemp(join(tmpdir(), 'rivulet-streams-dsl-'));
      dirs.push(d);
      return d;
    },
  };
}

function sameAsDriver(
  topology: () => Topology,
  inputs: Input[],
  output: string,
  got: { key: Buffer | null; value: Buffer | null; timestamp: number }[],
) {
  const expected = driverOutput(topology(), inputs, output);
  const row = (r: { key: Buffer | null; value: Buffer | null; timestamp: number }) => [
    r.key?.toString('hex'),
    r.value?.toString('hex') ?? null,
    r.timestamp,
  ];
  assert.deepEqual(got.map(row), expected.map(row));
}

test(
  'session windows against the broker (exactly once): merges, tombstones, late records',
  { timeout: 120_000 },
  async (t) => {
    const env = await setup(t);
    await createTopics(env.broker.bootstrap, { 'user-clicks': 1, sessions: 1 });
    const inputs = SESSION_INPUT.map(([k, ts]) => ({
      topic: 'user-clicks',
      key: s(k),
      value: s('click'),
      timestamp: ts,
    }));
    await produce(env.broker.bootstrap, inputs);
    const app = await env.start(sessionCounts(), {
      applicationId: 'sessions-app',
      guarantee: 'exactly_once_v2',
    });
    const out = await readTopic(env.broker.bootstrap, 'sessions', SESSION_OUTPUT.length, {
      readCommitted: true,
    });
    assert.deepEqual(
      out.map((r) => [
        r.key!.toString(),
        r.value === null ? null : L.deserialize('', r.value),
        r.timestamp,
      ]),
      SESSION_OUTPUT,
    );
    sameAsDriver(sessionCounts, inputs, 'sessions', out);
    const store = app.sessionStore<string, number>('sessions-store');
    assert.deepEqual(
      store.fetch('b').map((e) => [e.key.window.startMs, e.value]),
      [[20_000, 1]],
    );
    const admin = new Admin({ bootstrapServers: env.broker.bootstrap });
    await admin.connect();
    try {
      assert.ok((await admin.listTopics()).includes('sessions-app-sessions-store-changelog'));
    } finally {
      admin.close();
    }
  },
);

function finalSessionCounts(): Topology {
  const b = new StreamsBuilder();
  b.stream('clicks', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(5_000, 2_000))
    .count()
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((w, n) => KeyValue.pair(`${w.key}@${w.window.startMs}-${w.window.endMs}`, n))
    .to('final-sessions', Produced.with(S, L));
  return b.build();
}

test(
  'session windows with suppress against the broker: one final result per session',
  { timeout: 120_000 },
  async (t) => {
    const env = await setup(t);
    await createTopics(env.broker.bootstrap, { clicks: 1, 'final-sessions': 1 });
    const clicks: [string, number][] = [
      ['a', 1_000],
      ['a', 4_000],
      ['b', 5_000],
      ['a', 8_000], // [1000, 8000]
      ['b', 16_000], // stream time passes 8000 + gap + grace: both sessions are final
      ['a', 9_000], // late
      ['a', 30_000],
    ];
    const inputs = clicks.map(([k, ts]) => ({
      topic: 'clicks',
      key: s(k),
      value: s('x'),
      timestamp: ts,
    }));
    await produce(env.broker.bootstrap, inputs);
    await env.start(finalSessionCounts(), { applicationId: 'final-sessions' });
    const out = await readTopic(env.broker.bootstrap, 'final-sessions', 3);
    assert.deepEqual(
      out.map((r) => [r.key!.toString(), L.deserialize('', r.value)]),
      [
        ['b@5000-5000', 1],
        ['a@1000-8000', 3],
        ['b@16000-16000', 1],
      ],
    );
    sameAsDriver(finalSessionCounts, inputs, 'final-sessions', out);
  },
);

test(
  'sliding windows against the broker: out-of-order and late records',
  { timeout: 120_000 },
  async (t) => {
    const env = await setup(t);
    await createTopics(env.broker.bootstrap, { readings: 1, sliding: 1 });
    const inputs = SLIDING_INPUT.map(([v, ts]) => ({
      topic: 'readings',
      key: s('k'),
      value: s(v),
      timestamp: ts,
    }));
    await produce(env.broker.bootstrap, inputs);
    const app = await env.start(slidingConcat(), { applicationId: 'sliding-app' });
    const out = await readTopic(env.broker.bootstrap, 'sliding', SLIDING_OUTPUT.length);
    assert.deepEqual(
      out.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp]),
      SLIDING_OUTPUT,
    );
    sameAsDriver(slidingConcat, inputs, 'sliding', out);
    const store = app.windowStore<string, ValueAndTimestamp<string>>('sliding-store');
    assert.equal(store.fetch('k', 26)?.value, 'E');
    assert.deepEqual(
      store.fetchRange('k', 10, 15).map((w) => [w.windowStartMs, w.value.value]),
      [
        [10, 'A'],
        [12, 'AC'],
        [15, 'ABC'],
      ],
    );
  },
);

test(
  'KTable.groupBy against the broker: counts through the repartition topic',
  { timeout: 120_000 },
  async (t) => {
    const env = await setup(t);
    await createTopics(env.broker.bootstrap, { 'user-regions': 1, 'region-counts': 1 });
    const inputs = REGION_INPUT.map(([user, region], i) => ({
      topic: 'user-regions',
      key: s(user),
      value: s(region),
      timestamp: 1_000 + i,
    }));
    await produce(env.broker.bootstrap, inputs);
    const app = await env.start(regionCounts(), { applicationId: 'regions' });
    const out = await readTopic(env.broker.bootstrap, 'region-counts', REGION_OUTPUT.length);
    assert.deepEqual(
      out.map((r) => [r.key!.toString(), L.deserialize('', r.value)]),
      REGION_OUTPUT,
    );
    sameAsDriver(regionCounts, inputs, 'region-counts', out);
    assert.equal(app.store<string, number>('region-counts-store').get('EU'), 1);
    const admin = new Admin({ bootstrapServers: env.broker.bootstrap });
    await admin.connect();
    try {
      assert.ok((await admin.listTopics()).includes('regions-region-counts-store-repartition'));
    } finally {
      admin.close();
    }
  },
);

/**
 * Runs the foreign-key join steps one at a time, each waited for when it has a result, so that
 * the tasks see the updates in the order the driver does. Results of one step may come from
 * several tasks (partitions), so each step's results are compared as a set.
 */
async function foreignKeyJoin(t: TestContext, partitions: { orders: number; products: number }) {
  const env = await setup(t);
  await createTopics(env.broker.bootstrap, { ...partitions, 'order-details': 1 });
  await env.start(orderDetails(), { applicationId: 'shop' });
  const admin = new Admin({ bootstrapServers: env.broker.bootstrap });
  await admin.connect();
  try {
    // The subscription topic is copartitioned with products, the response topic with orders.
    const described = await admin.describeTopics([
      'shop-order-product-subscription-registration-topic',
      'shop-order-product-subscription-response-topic',
      'shop-order-product-subscription-store-changelog',
    ]);
    assert.deepEqual(
      described.map((d) => d.partitions.length),
      [partitions.products, partitions.orders, partitions.products],
    );
  } finally {
    admin.close();
  }
  const resultsAfter = new Map([
    [1, 1],
    [3, 1],
    [4, 1],
    [5, 1],
    [7, 2],
    [8, 1],
    [10, 1],
  ]);
  const inputs: Input[] = [];
  const row = (r: { key: Buffer | null; value: Buffer | null }) =>
    JSON.stringify([r.key!.toString(), r.value?.toString() ?? null]);
  let read = 0;
  const got: string[][] = [];
  const want: string[][] = [];
  for (const [i, step] of FK_STEPS.entries()) {
    const value =
      step.value === null
        ? null
        : s(typeof step.value === 'string' ? step.value : JSON.stringify(step.value));
    const input = { topic: step.topic, key: s(step.key), value, timestamp: 100 + i };
    inputs.push(input);
    await produce(env.broker.bootstrap, [input]);
    const n = resultsAfter.get(i);
    if (n === undefined) continue;
    const out = await readTopic(env.broker.bootstrap, 'order-details', read + n);
    got.push(out.slice(read).map(row).sort());
    want.push(
      FK_OUTPUT.slice(read, read + n)
        .map(([k, v]) => JSON.stringify([k, v]))
        .sort(),
    );
    read += n;
  }
  assert.deepEqual(got, want);
  assert.deepEqual(
    driverOutput(orderDetails(), inputs, 'order-details').map((r) => JSON.parse(row(r))),
    FK_OUTPUT,
  );
}

test(
  'foreign-key join against the broker: subscription and response topics, FK changes, tombstones',
  { timeout: 120_000 },
  (t) => foreignKeyJoin(t, { orders: 1, products: 1 }),
);

test(
  'foreign-key join across partitions: responses return to the partition of the left row',
  { timeout: 120_000 },
  (t) => {
    // The orders o1 and o2 live in different partitions, so their left tasks differ.
    const at = (key: string, n: number) => partitionForKey(Buffer.from(key), n);
    assert.notEqual(at('o1', 2), at('o2', 2));
    return foreignKeyJoin(t, { orders: 2, products: 3 });
  },
);

function persistentWindows(): Topology {
  const b = new StreamsBuilder();
  const g = b.stream('events', Consumed.with(S, S)).groupByKey();
  g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10_000))
    .count({ storeName: 'disk-sessions', storeType: 'PERSISTENT' })
    .toStream()
    .filter((_w, n) => n !== null)
    .map((w, n) => ({ key: `${w.key}@${w.window.startMs}-${w.window.endMs}`, value: n }))
    .to('session-counts', Produced.with(S, L));
  g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10_000)).count({
    storeName: 'disk-sliding',
    storeType: 'PERSISTENT',
  });
  return b.build();
}

test(
  'persistent window and session stores are restored from their changelogs',
  { timeout: 120_000 },
  async (t) => {
    const env = await setup(t);
    const stateDir = await env.tempDir();
    await createTopics(env.broker.bootstrap, { events: 1, 'session-counts': 1 });
    const ev = (ts: number) => ({ topic: 'events', key: s('a'), value: s('x'), timestamp: ts });
    await produce(env.broker.bootstrap, [ev(1_000), ev(2_000)]);
    const first = await env.start(persistentWindows(), { applicationId: 'disk-windows', stateDir });
    await readTopic(env.broker.bootstrap, 'session-counts', 2);
    assert.equal(
      first.sessionStore<string, number>('disk-sessions').fetchSession('a', 1_000, 2_000),
      2,
    );
    assert.equal(
      first.windowStore<string, ValueAndTimestamp<number>>('disk-sliding').fetch('a', 0)?.value,
      2,
    );
    await first.close();
    const second = await env.start(persistentWindows(), {
      applicationId: 'disk-windows',
      stateDir,
    });
    await produce(env.broker.bootstrap, [ev(3_000)]);
    const out = await readTopic(env.broker.bootstrap, 'session-counts', 3);
    // The session [1000, 2000] came back from the changelog: the new record extends it.
    assert.deepEqual(
      out.map((r) => [r.key!.toString(), L.deserialize('', r.value)]),
      [
        ['a@1000-1000', 1],
        ['a@1000-2000', 2],
        ['a@1000-3000', 3],
      ],
    );
    const sliding = second.windowStore<string, ValueAndTimestamp<number>>('disk-sliding');
    // Windows ending at each record ([t - 10 s, t]) hold every earlier record: 1, 2, 3.
    assert.deepEqual(
      sliding.fetchRange('a', 0, 1_000).map((w) => [w.windowStartMs, w.value.value]),
      [[0, 3]],
    );
  },
);
