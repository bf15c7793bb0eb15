// The DSL under the TopologyTestDriver: stateless operations, aggregations, windows with grace
// and suppression, and each kind of join, with exact outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Consumed,
  JoinWindows,
  KeyValue,
  Materialized,
  Produced,
  Serdes,
  TimeWindows,
  StreamsBuilder,
  TopologyTestDriver,
  type KeyValueStore,
} from '../../src/streams/index.js';
import { adJoin, enrichment, windowedCounts, wordCount } from './topologies.js';

const S = Serdes.String();
const L = Serdes.Long();
const I = Serdes.Integer();

test('word count: repartition by word, count in a logged store', () => {
  const topology = wordCount();
  assert.equal(
    topology.describe().toString(),
    [
      'Topologies:',
      '   Sub-topology: 0',
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [text-input])',
      '      --> KSTREAM-FLATMAPVALUES-0000000001',
      '    Processor: KSTREAM-FLATMAPVALUES-0000000001 (stores: [])',
      '      --> KSTREAM-KEY-SELECT-0000000002',
      '      <-- KSTREAM-SOURCE-0000000000',
      '    Processor: KSTREAM-KEY-SELECT-0000000002 (stores: [])',
      '      --> KSTREAM-FILTER-0000000003',
      '      <-- KSTREAM-FLATMAPVALUES-0000000001',
      '    Processor: KSTREAM-FILTER-0000000003 (stores: [])',
      '      --> KSTREAM-SINK-0000000004',
      '      <-- KSTREAM-KEY-SELECT-0000000002',
      '    Sink: KSTREAM-SINK-0000000004 (topic: counts-store-repartition)',
      '      <-- KSTREAM-FILTER-0000000003',
      '',
      '   Sub-topology: 1',
      '    Source: KSTREAM-SOURCE-0000000005 (topics: [counts-store-repartition])',
      '      --> KSTREAM-AGGREGATE-0000000006',
      '    Processor: KSTREAM-AGGREGATE-0000000006 (stores: [counts-store])',
      '      --> KTABLE-TOSTREAM-0000000007',
      '      <-- KSTREAM-SOURCE-0000000005',
      '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])',
      '      --> KSTREAM-SINK-0000000008',
      '      <-- KSTREAM-AGGREGATE-0000000006',
      '    Sink: KSTREAM-SINK-0000000008 (topic: word-counts)',
      '      <-- KTABLE-TOSTREAM-0000000007',
      '',
    ].join('\n'),
  );
  const driver = new TopologyTestDriver(topology, { applicationId: 'wordcount' });
  const input = driver.createInputTopic('text-input', S, S);
  const output = driver.createOutputTopic('word-counts', S, L);
  input.pipeInput(null, 'Hello Kafka Streams');
  input.pipeInput(null, 'hello rivulet');
  assert.deepEqual(output.readKeyValuesToList(), [
    { key: 'hello', value: 1 },
    { key: 'kafka', value: 1 },
    { key: 'streams', value: 1 },
    { key: 'hello', value: 2 },
    { key: 'rivulet', value: 1 },
  ]);
  assert.equal(driver.getKeyValueStore<string, number>('counts-store')!.get('hello'), 2);
});

test('windowed counts: out-of-order records within grace count, late ones are dropped', () => {
  const driver = new TopologyTestDriver(windowedCounts());
  const input = driver.createInputTopic('clicks', S, S);
  const output = driver.createOutputTopic('clicks-per-window', S, L);
  input.pipeInput('a', 'x', 1_000);
  input.pipeInput('a', 'x', 9_000);
  input.pipeInput('b', 'x', 12_000);
  input.pipeInput('a', 'x', 14_999); // window [0,10s) still open: closes at 15 s
  assert.ok(output.isEmpty());
  input.pipeInput('a', 'x', 8_000); // out of order, within grace
  input.pipeInput('b', 'x', 15_000); // stream time 15 s closes [0,10s)
  assert.deepEqual(output.readKeyValuesToList(), [{ key: 'a@0', value: 3 }]);
  input.pipeInput('a', 'x', 2_000); // late: dropped
  input.pipeInput('a', 'x', 30_000); // closes [10s,20s)
  assert.deepEqual(output.readKeyValuesToList(), [
    { key: 'a@10000', value: 1 },
    { key: 'b@10000', value: 2 },
  ]);
});

test('stream-table left join with table updates and tombstones', () => {
  const driver = new TopologyTestDriver(enrichment());
  const customers = driver.createInputTopic('customers', S, S);
  const orders = driver.createInputTopic('orders', S, Serdes.Json<{ item: string }>());
  const out = driver.createOutputTopic('enriched-orders', S, S);
  orders.pipeInput('c1', { item: 'book' });
  customers.pipeInput('c1', 'Ada');
  orders.pipeInput('c1', { item: 'pen' });
  customers.pipeInput('c1', 'Ada L.');
  orders.pipeInput('c1', { item: 'ink' });
  customers.pipeInput('c1', null); // tombstone: the customer is gone
  orders.pipeInput('c1', { item: 'map' });
  orders.pipeInput(null, { item: 'nokey' }); // no key: no join
  assert.deepEqual(out.readKeyValuesToList(), [
    { key: 'c1', value: 'book for unknown' },
    { key: 'c1', value: 'pen for Ada' },
    { key: 'c1', value: 'ink for Ada L.' },
    { key: 'c1', value: 'map for unknown' },
  ]);
});

test('stream-stream left join emits unmatched records only after the window closes', () => {
  const driver = new TopologyTestDriver(adJoin());
  const imp = driver.createInputTopic('impressions', S, S);
  const clk = driver.createInputTopic('ad-clicks', S, S);
  const out = driver.createOutputTopic('ad-joined', S, S);
  imp.pipeInput('ad1', 'i1', 1_000);
  imp.pipeInput('ad2', 'i2', 2_000);
  clk.pipeInput('ad1', 'c1', 4_000); // within 5 s of i1
  assert.deepEqual(out.readKeyValuesToList(), [{ key: 'ad1', value: 'i1/c1' }]);
  clk.pipeInput('ad2', 'c2', 6_999); // within the window of i2 but not the last moment
  assert.deepEqual(out.readKeyValuesToList(), [{ key: 'ad2', value: 'i2/c2' }]);
  imp.pipeInput('ad4', 'i4', 6_000);
  clk.pipeInput('ad5', 'c5', 11_000); // stream time reaches i4's window end (11000): still open
  assert.ok(out.isEmpty());
  imp.pipeInput('ad3', 'i3', 11_001); // stream time passes it: i4 had no click
  assert.deepEqual(out.readKeyValuesToList(), [{ key: 'ad4', value: 'i4/-' }]);
  clk.pipeInput('ad3', 'c3', 6_500); // within 5 s before i3
  assert.deepEqual(out.readKeyValuesToList(), [{ key: 'ad3', value: 'i3/c3' }]);
});

test('stateless operations, split and merge', () => {
  const b = new StreamsBuilder();
  const numbers = b.stream('numbers', Consumed.with(S, I));
  const branches = numbers
    .filterNot((_k, v) => v === 0)
    .peek(() => {})
    .split({ name: 'sign-' })
    .branch((_k, v) => v < 0, { name: 'negative' })
    .defaultBranch({ name: 'positive' });
  const neg = branches.get('sign-negative')!.mapValues((v) => -v);
  const pos = branches
    .get('sign-positive')!
    .flatMap((k, v) => [KeyValue.pair(`${k}!`, v), KeyValue.pair(k, v * 10)]);
  const seen: string[] = [];
  neg
    .merge(pos)
    .selectKey((k, v) => `${k}:${v}`)
    .map((k, v) => KeyValue.pair(k.toUpperCase(), String(v)))
    .filter((k) => !k.startsWith('X'))
    .to('out', Produced.with(S, S));
  numbers.foreach((k, v) => seen.push(`${k}=${v}`));
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('numbers', S, I);
  for (const [k, v] of [
    ['a', 1],
    ['b', -2],
    ['c', 0],
    ['x', 3],
  ] as const)
    input.pipeInput(k, v);
  assert.deepEqual(driver.createOutputTopic('out', S, S).readKeyValuesToList(), [
    { key: 'A!:1', value: '1' },
    { key: 'A:10', value: '10' },
    { key: 'B:2', value: '2' },
  ]);
  assert.deepEqual(seen, ['a=1', 'b=-2', 'c=0', 'x=3']);
});

test('reduce and aggregate; table filter, mapValues and toStream with tombstones', () => {
  const b = new StreamsBuilder();
  const grouped = b.stream('scores', Consumed.with(S, I)).groupByKey();
  grouped
    .reduce((a, v) => Math.max(a, v), { storeName: 'best', valueSerde: I })
    .filter((_k, v) => v >= 10)
    .mapValues((v) => `best=${v}`)
    .toStream()
    .to('best-scores', Produced.with(S, S));
  grouped
    .aggregate(
      () => '',
      (_k, v, agg) => `${agg}${v},`,
      Materialized.with(S, S),
    )
    .toStream()
    .to('history', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('scores', S, I);
  input.pipeInput('p', 5);
  input.pipeInput('p', 12);
  input.pipeInput('q', 3);
  input.pipeInput('p', 7);
  assert.deepEqual(driver.createOutputTopic('best-scores', S, S).readKeyValuesToList(), [
    { key: 'p', value: null },
    { key: 'p', value: 'best=12' },
    { key: 'q', value: null },
    { key: 'p', value: 'best=12' },
  ]);
  assert.deepEqual(driver.createOutputTopic('history', S, S).readValuesToList(), [
    '5,',
    '5,12,',
    '3,',
    '5,12,7,',
  ]);
  assert.equal(driver.getKeyValueStore<string, number>('best')!.get('p'), 12);
});

test('table-table joins: inner, left and outer, with tombstones', () => {
  const b = new StreamsBuilder();
  const left = b.table('left', Consumed.with(S, S), Materialized.as('left-store'));
  const right = b.table('right', Consumed.with(S, S), Materialized.as('right-store'));
  left
    .join(right, (l, r) => `${l}+${r}`)
    .toStream()
    .to('inner', Produced.with(S, S));
  left
    .leftJoin(right, (l, r) => `${l}+${r ?? '-'}`)
    .toStream()
    .to('left-out', Produced.with(S, S));
  left
    .outerJoin(right, (l, r) => `${l ?? '-'}+${r ?? '-'}`, {
      storeName: 'outer-store',
      valueSerde: S,
    })
    .toStream()
    .to('outer', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  const l = driver.createInputTopic('left', S, S);
  const r = driver.createInputTopic('right', S, S);
  l.pipeInput('k', 'a');
  r.pipeInput('k', 'x');
  l.pipeInput('k', 'b');
  r.pipeInput('k', null);
  l.pipeInput('k', null);
  const read = (t: string) => driver.createOutputTopic(t, S, S).readValuesToList();
  assert.deepEqual(read('inner'), ['a+x', 'b+x', null]);
  assert.deepEqual(read('left-out'), ['a+-', 'a+x', 'b+x', 'b+-', null]);
  assert.deepEqual(read('outer'), ['a+-', 'a+x', 'b+x', 'b+-', null]);
  assert.equal(driver.getKeyValueStore('outer-store')!.get('k'), null);
});

test('stream-globalTable join looks up a key taken from the record', () => {
  const b = new StreamsBuilder();
  const products = b.globalTable('products', Consumed.with(S, S));
  b.stream('sales', Consumed.with(S, Serdes.Json<{ product: string; qty: number }>()))
    .join(
      products,
      (_k, sale) => sale.product,
      (sale, name) => `${sale.qty} x ${name}`,
    )
    .to('sales-named', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  driver.createInputTopic('products', S, S).pipeInput('p1', 'tea');
  const sales = driver.createInputTopic(
    'sales',
    S,
    Serdes.Json<{ product: string; qty: number }>(),
  );
  sales.pipeInput('s1', { product: 'p1', qty: 2 });
  sales.pipeInput('s2', { product: 'p2', qty: 1 }); // unknown product: inner join drops it
  assert.deepEqual(driver.createOutputTopic('sales-named', S, S).readKeyValuesToList(), [
    { key: 's1', value: '2 x tea' },
  ]);
  const store = driver.getKeyValueStore<string, string>(
    products.queryableStoreName(),
  ) as KeyValueStore<string, string>;
  assert.equal(store.get('p1'), 'tea');
  assert.match(
    b.build().describe().toString(),
    /Sub-topology: 1 for global store \(will not generate tasks\)/,
  );
});

test('hopping windows and stream-stream outer join', () => {
  const b = new StreamsBuilder();
  const s = b.stream('events', Consumed.with(S, S));
  s.groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000).advanceBy(5_000))
    .count()
    .toStream()
    .map((w, c) => KeyValue.pair(`${w.key}@${w.window.startMs}`, c))
    .to('hops', Produced.with(S, L));
  const t = b.stream('others', Consumed.with(S, S));
  s.outerJoin(
    t,
    (a, o) => `${a ?? '-'}|${o ?? '-'}`,
    JoinWindows.ofTimeDifferenceWithNoGrace(1_000),
  ).to('outer', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  const ev = driver.createInputTopic('events', S, S);
  const ot = driver.createInputTopic('others', S, S);
  ev.pipeInput('k', 'e1', 7_000);
  ot.pipeInput('j', 'o1', 7_500);
  ev.pipeInput('k', 'e2', 12_000);
  assert.deepEqual(driver.createOutputTopic('hops', S, L).readKeyValuesToList(), [
    { key: 'k@0', value: 1 },
    { key: 'k@5000', value: 1 },
    { key: 'k@5000', value: 2 },
    { key: 'k@10000', value: 1 },
  ]);
  assert.deepEqual(driver.createOutputTopic('outer', S, S).readKeyValuesToList(), [
    { key: 'k', value: 'e1|-' },
    { key: 'j', value: '-|o1' },
  ]);
});

test('cogroup: two grouped streams update one aggregate', () => {
  const b = new StreamsBuilder();
  const deposits = b.stream('deposits', Consumed.with(S, I)).groupByKey();
  const withdrawals = b.stream('withdrawals', Consumed.with(S, I)).groupByKey();
  deposits
    .cogroup<number>((_k, v, balance) => balance + v)
    .cogroup(withdrawals, (_k, v, balance) => balance - v)
    .aggregate(() => 0, { storeName: 'balances', valueSerde: I })
    .toStream()
    .to('balance-updates', Produced.with(S, I));
  const topology = b.build();
  assert.equal(topology.describe().subtopologies.length, 1);
  const driver = new TopologyTestDriver(topology);
  const dep = driver.createInputTopic('deposits', S, I);
  const wd = driver.createInputTopic('withdrawals', S, I);
  dep.pipeInput('alice', 100);
  wd.pipeInput('alice', 30);
  dep.pipeInput('bob', 5);
  wd.pipeInput('alice', 20);
  assert.deepEqual(driver.createOutputTopic('balance-updates', S, I).readKeyValuesToList(), [
    { key: 'alice', value: 100 },
    { key: 'alice', value: 70 },
    { key: 'bob', value: 5 },
    { key: 'alice', value: 50 },
  ]);
  assert.equal(driver.getKeyValueStore<string, number>('balances')!.get('alice'), 50);
});
