// Session and sliding windows under the TopologyTestDriver, with Kafka Streams' semantics:
// sessions merge when a record bridges them (the merged-away ones come out as tombstones),
// sliding windows exist only where records define them, and late records around the grace
// period are dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Consumed,
  KeyValue,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  Stores,
  Topology,
  TopologyTestDriver,
  type ProcessorContext,
  type SessionStore,
  type StreamRecord,
  type ValueAndTimestamp,
  type WindowStore,
} from '../../src/streams/index.js';
import { sessionCounts, slidingConcat } from './topologies.js';
import {
  SESSION_INPUT,
  SESSION_OUTPUT,
  SLIDING_INPUT,
  SLIDING_OUTPUT,
} from './support/dsl-cases.js';

const S = Serdes.String();
const L = Serdes.Long();

test('session windows merge, emit tombstones for merged sessions, drop late records', async () => {
  const driver = new TopologyTestDriver(sessionCounts());
  const input = driver.createInputTopic('user-clicks', S, S);
  const output = driver.createOutputTopic('sessions', S, L);
  const store = driver.getSessionStore<string, number>('sessions-store')!;
  SESSION_INPUT.slice(0, 5).forEach(([k, ts]) => input.pipeInput(k, 'click', ts));
  assert.deepEqual(
    store.fetch('a').map((e) => [e.key.window.startMs, e.key.window.endMs, e.value]),
    [[1_000, 10_000, 4]],
  );
  assert.equal(store.fetchSession('a', 1_000, 10_000), 4);
  assert.equal(store.fetchSession('a', 1_000, 4_000), null);
  SESSION_INPUT.slice(5).forEach(([k, ts]) => input.pipeInput(k, 'click', ts));
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    SESSION_OUTPUT,
  );
  // Retention (gap + grace = 7 s behind the newest session end) has dropped [1000, 10000].
  assert.deepEqual(
    store.findSessions('a', 0, 30_000).map((e) => e.key.window),
    [{ startMs: 19_000, endMs: 19_000 }],
  );
  await driver.close();
});

test('session windows: reduce, aggregate with a merger, and final results with suppress', async () => {
  const b = new StreamsBuilder();
  const grouped = b.stream('in', Consumed.with(S, S)).groupByKey();
  const sessions = grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(5_000, 2_000));
  sessions
    .count()
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((w, n) => KeyValue.pair(`${w.key}@${w.window.startMs}-${w.window.endMs}`, n))
    .to('final', Produced.with(S, L));
  sessions
    .reduce((a, v) => `${a}+${v}`)
    .toStream()
    .filter((_w, v) => v !== null)
    .map((w, v) => KeyValue.pair(`${w.key}@${w.window.startMs}`, v))
    .to('reduced', Produced.with(S, S));
  grouped.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5_000)).aggregate(
    () => [] as string[],
    (_k, v, agg) => [...agg, v],
    (_k, one, two) => [...one, ...two],
    { storeName: 'lists', valueSerde: Serdes.Json<string[]>() },
  );
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', S, S);
  const final = driver.createOutputTopic('final', S, L);
  input.pipeInput('a', 'x', 1_000);
  input.pipeInput('a', 'y', 4_000);
  input.pipeInput('b', 'z', 5_000);
  input.pipeInput('a', 'w', 8_000); // [1000, 8000]
  assert.ok(final.isEmpty());
  const lists = driver.getSessionStore<string, string[]>('lists')!;
  assert.deepEqual(
    lists.fetch('a').map((e) => [e.key.window.startMs, e.key.window.endMs, e.value]),
    [[1_000, 8_000, ['x', 'y', 'w']]],
  );
  // A session's result is final once stream time passes its end by the gap plus the grace:
  // 16 s closes sessions ending by 9 s.
  input.pipeInput('b', 'v', 16_000);
  assert.deepEqual(final.readKeyValuesToList(), [
    { key: 'b@5000-5000', value: 1 },
    { key: 'a@1000-8000', value: 3 },
  ]);
  input.pipeInput('a', 'late', 9_000); // would extend a closed session: dropped
  input.pipeInput('a', 'u', 30_000);
  assert.deepEqual(final.readKeyValuesToList(), [{ key: 'b@16000-16000', value: 1 }]);
  assert.deepEqual(driver.createOutputTopic('reduced', S, S).readKeyValuesToList(), [
    { key: 'a@1000', value: 'x' },
    { key: 'a@1000', value: 'x+y' },
    { key: 'b@5000', value: 'z' },
    { key: 'a@1000', value: 'x+y+w' },
    { key: 'b@16000', value: 'v' },
    { key: 'a@30000', value: 'u' },
  ]);
  assert.deepEqual(
    lists.all().map((e) => [e.key.key, e.key.window.startMs, e.value]),
    [['a', 30_000, ['u']]],
  );
  await driver.close();
});

test('sliding windows: one window per record start and end, out-of-order and late records', async () => {
  const driver = new TopologyTestDriver(slidingConcat());
  const input = driver.createInputTopic('readings', S, S);
  const output = driver.createOutputTopic('sliding', S, S);
  for (const [v, ts] of SLIDING_INPUT) input.pipeInput('k', v, ts);
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    SLIDING_OUTPUT,
  );
  const store = driver.getWindowStore<string, ValueAndTimestamp<string>>('sliding-store')!;
  assert.deepEqual(
    store.fetchRange('k', 20, 40).map((w) => [w.windowStartMs, w.value.value, w.value.timestamp]),
    [
      [21, 'BC', 25],
      [23, 'B', 25],
      [26, 'E', 27],
      [30, 'D', 40],
    ],
  );
  await driver.close();
});

test('sliding windows: records earlier than the time difference share [0, d]', async () => {
  const driver = new TopologyTestDriver(slidingConcat());
  const input = driver.createInputTopic('readings', S, S);
  const output = driver.createOutputTopic('sliding', S, S);
  input.pipeInput('k', 'X', 3);
  input.pipeInput('k', 'Y', 5);
  input.pipeInput('k', 'Z', 4);
  assert.deepEqual(
    output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]),
    [
      ['k@0', 'X', 3],
      ['k@4', 'Y', 5],
      ['k@0', 'XY', 5],
      ['k@4', 'YZ', 5],
      ['k@5', 'Y', 5],
      ['k@0', 'XYZ', 5],
    ],
  );
  await driver.close();
});

test('sliding-window counts and reduce', async () => {
  const b = new StreamsBuilder();
  const w = b
    .stream('in', Consumed.with(S, Serdes.Integer()))
    .groupByKey()
    .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
  w.count({ storeName: 'sliding-counts' });
  w.reduce((a, v) => Math.max(a, v))
    .toStream()
    .map((k, v) => KeyValue.pair(`${k.window.startMs}-${k.window.endMs}`, String(v)))
    .to('max', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('in', S, Serdes.Integer());
  input.pipeInput('k', 5, 100);
  input.pipeInput('k', 9, 105);
  input.pipeInput('k', 1, 120);
  assert.deepEqual(driver.createOutputTopic('max', S, S).readValuesToList(), ['5', '9', '9', '1']);
  const counts = driver.getWindowStore<string, ValueAndTimestamp<number>>('sliding-counts')!;
  // [90, 100] started 2 d before the newest window start (110): out of retention.
  assert.deepEqual(
    counts.all().map((e) => [e.windowStartMs, e.value.value]),
    [
      [95, 2],
      [101, 1],
      [110, 1],
    ],
  );
  await driver.close();
});

test('window and session stores in memory and on disk: fetch and range queries', async () => {
  for (const storeType of ['IN_MEMORY', 'PERSISTENT'] as const) {
    const b = new StreamsBuilder();
    const g = b.stream('in', Consumed.with(S, S)).groupByKey();
    const retentionMs = 1_000;
    g.windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).count({
      storeName: 'w',
      storeType,
      retentionMs,
    });
    g.windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).count({
      storeName: 's',
      storeType,
      retentionMs,
    });
    const driver = new TopologyTestDriver(b.build());
    const input = driver.createInputTopic('in', S, S);
    for (const [k, ts] of [
      ['b', 100],
      ['a', 100],
      ['a', 105],
      ['c', 130],
    ] as const)
      input.pipeInput(k, 'x', ts);
    const w = driver.getWindowStore<string, ValueAndTimestamp<number>>('w')!;
    const s = driver.getSessionStore<string, number>('s')!;
    assert.equal(w.persistent, storeType === 'PERSISTENT');
    assert.equal(s.persistent, storeType === 'PERSISTENT');
    assert.deepEqual(
      w.fetchKeyRange('a', 'b', 0, 200).map((e) => [e.key, e.windowStartMs, e.value.value]),
      [
        ['a', 90, 1],
        ['a', 95, 2],
        ['a', 101, 1],
        ['b', 90, 1],
      ],
    );
    assert.deepEqual(
      w.fetchAll(100, 200).map((e) => [e.key, e.windowStartMs]),
      [
        ['a', 101],
        ['c', 120],
      ],
    );
    assert.equal(w.fetch('a', 95)?.value, 2);
    assert.deepEqual(
      s.fetchKeyRange('a', 'b').map((e) => [e.key.key, e.key.window.startMs, e.key.window.endMs]),
      [
        ['a', 100, 105],
        ['b', 100, 100],
      ],
    );
    assert.deepEqual(
      s.fetch('c').map((e) => e.value),
      [1],
    );
    await driver.close();
  }
});

test('store suppliers with the Processor API, and changelogs in Kafka key layouts', async () => {
  const t = new Topology();
  t.addSource('src', 'in', { keyDeserializer: S, valueDeserializer: S });
  t.addProcessor(
    'p',
    () => {
      let ctx: ProcessorContext;
      return {
        init: (c) => (ctx = c as ProcessorContext),
        process: (r: StreamRecord<string, string>) => {
          ctx.getStateStore<WindowStore<string, string>>('win').put(r.key, r.value, 1_000);
          ctx
            .getStateStore<SessionStore<string, string>>('ses')
            .put({ key: r.key, window: { startMs: 10, endMs: 20 } }, r.value);
        },
      };
    },
    'src',
  );
  t.addStateStore(
    Stores.windowStoreBuilder(Stores.persistentWindowStore('win', 60_000), S, S),
    'p',
  );
  t.addStateStore(
    Stores.sessionStoreBuilder(Stores.inMemorySessionStore('ses', 60_000), S, S),
    'p',
  );
  const driver = new TopologyTestDriver(t, { applicationId: 'papi' });
  driver.createInputTopic('in', S, S).pipeInput('k', 'v', 5);
  const win = driver.getWindowStore<string, string>('win')!;
  const ses = driver.getSessionStore<string, string>('ses')!;
  assert.equal(win.persistent, true);
  assert.equal(ses.persistent, false);
  assert.equal(win.fetch('k', 1_000), 'v');
  assert.equal(ses.fetchSession('k', 10, 20), 'v');
  // Window changelog keys: key, 8-byte start, 4-byte sequence number; session changelog keys:
  // key, 8-byte end, 8-byte start (Kafka's WindowKeySchema and SessionKeySchema).
  assert.deepEqual(
    driver
      .readOutput('papi-win-changelog')
      .map((r) => [r.key!.toString('hex'), r.value!.toString()]),
    [['6b' + '00000000000003e8' + '00000000', 'v']],
  );
  assert.deepEqual(
    driver.readOutput('papi-ses-changelog').map((r) => r.key!.toString('hex')),
    ['6b' + '0000000000000014' + '000000000000000a'],
  );
  await driver.close();
});
