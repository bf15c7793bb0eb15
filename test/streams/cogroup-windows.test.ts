// Windowed cogroup: several grouped streams update one aggregate per window (tumbling, sliding
// or session windows), under the test driver and against a broker with the same output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/index.js';
import {
  Consumed,
  KafkaStreams,
  KeyValue,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../src/streams/index.js';
import {
  createTopics,
  driverOutput,
  produce,
  readTopic,
  type Input,
} from './support/streams-harness.js';
import { windowedActivity } from './topologies.js';

const S = Serdes.String();

const ACTIVITY: [topic: 'views' | 'purchases', user: string, ts: number][] = [
  ['views', 'a', 1_000],
  ['purchases', 'a', 2_000],
  ['views', 'a', 12_000], // closes [0, 10 s)
  ['purchases', 'a', 5_000], // late for [0, 10 s): dropped
  ['purchases', 'b', 13_000],
];

const ACTIVITY_OUTPUT: [string, string, number][] = [
  ['a@0', 'v', 1_000],
  ['a@0', 'vb', 2_000],
  ['a@10000', 'v', 12_000],
  ['b@10000', 'b', 13_000],
];

test('windowed cogroup: both streams update the same windows; late records are dropped', async () => {
  const driver = new TopologyTestDriver(windowedActivity());
  const views = driver.createInputTopic('views', S, S);
  const purchases = driver.createInputTopic('purchases', S, S);
  for (const [topic, user, ts] of ACTIVITY)
    (topic === 'views' ? views : purchases).pipeInput(user, 'x', ts);
  assert.deepEqual(
    driver
      .createOutputTopic('activity', S, S)
      .readRecordsToList()
      .map((r) => [r.key, r.value, r.timestamp]),
    ACTIVITY_OUTPUT,
  );
  // [0, 10 s) has left the store: retention (size + grace) is behind the newest window start.
  assert.deepEqual(
    driver
      .getWindowStore<string, string>('activity-store')!
      .all()
      .map((e) => [e.key, e.windowStartMs, e.value]),
    [
      ['a', 10_000, 'v'],
      ['b', 10_000, 'b'],
    ],
  );
  await driver.close();
});

test('windowed cogroup with session and sliding windows', async () => {
  const b = new StreamsBuilder();
  const x = b.stream('x', Consumed.with(S, S)).groupByKey();
  const y = b.stream('y', Consumed.with(S, S)).groupByKey();
  x.cogroup<string>((_k, v, agg) => agg + v)
    .cogroup(y, (_k, v, agg) => agg + v.toUpperCase())
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5_000))
    .aggregate(
      () => '',
      (_k, one, two) => one + two,
      { storeName: 'sessions', valueSerde: S },
    )
    .toStream()
    .map((w, v) => KeyValue.pair(`${w.key}@${w.window.startMs}-${w.window.endMs}`, v))
    .to('sessions-out', Produced.with(S, S));
  x.cogroup<number>((_k, _v, n) => n + 1)
    .cogroup(y, (_k, _v, n) => n + 10)
    .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5_000))
    .aggregate(() => 0, { storeName: 'sliding', valueSerde: Serdes.Long() });
  const driver = new TopologyTestDriver(b.build());
  const xi = driver.createInputTopic('x', S, S);
  const yi = driver.createInputTopic('y', S, S);
  xi.pipeInput('k', 'a', 1_000);
  yi.pipeInput('k', 'b', 3_000);
  xi.pipeInput('k', 'c', 20_000);
  assert.deepEqual(driver.createOutputTopic('sessions-out', S, S).readKeyValuesToList(), [
    { key: 'k@1000-1000', value: 'a' },
    { key: 'k@1000-1000', value: null },
    { key: 'k@1000-3000', value: 'aB' },
    { key: 'k@20000-20000', value: 'c' },
  ]);
  const sliding = driver.getWindowStore<string, { value: number; timestamp: number }>('sliding')!;
  assert.deepEqual(
    sliding.all().map((e) => [e.windowStartMs, e.value.value]),
    [[15_000, 1]],
  );
  await driver.close();
});

test(
  'windowed cogroup against the broker equals the test driver',
  { timeout: 120_000 },
  async (t) => {
    const broker = await startBroker();
    let app: KafkaStreams | null = null;
    t.after(async () => {
      await app?.close();
      await broker.close();
    });
    await createTopics(broker.bootstrap, { views: 1, purchases: 1, activity: 1 });
    app = new KafkaStreams(windowedActivity(), {
      applicationId: 'activity',
      bootstrapServers: broker.bootstrap,
      commitIntervalMs: 100,
    });
    await app.start();
    // One record at a time: a task reads its two input partitions in no fixed order.
    const inputs: Input[] = [];
    let out: Awaited<ReturnType<typeof readTopic>> = [];
    let produced = 0;
    for (const [topic, user, ts] of ACTIVITY) {
      const input = { topic, key: Buffer.from(user), value: Buffer.from('x'), timestamp: ts };
      inputs.push(input);
      await produce(broker.bootstrap, [input]);
      if (ts !== 5_000) out = await readTopic(broker.bootstrap, 'activity', ++produced);
    }
    assert.deepEqual(
      out.map((r) => [r.key!.toString(), r.value!.toString(), r.timestamp]),
      ACTIVITY_OUTPUT,
    );
    const expected = driverOutput(windowedActivity(), inputs, 'activity');
    assert.deepEqual(
      out.map((r) => [r.key!.toString('hex'), r.value!.toString('hex'), r.timestamp]),
      expected.map((r) => [r.key!.toString('hex'), r.value!.toString('hex'), r.timestamp]),
    );
  },
);
