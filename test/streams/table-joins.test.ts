// KTable.groupBy with adder and subtractor, and the foreign-key table-table join, under the
// TopologyTestDriver: exact outputs, including foreign-key changes, tombstones on both sides and
// the hash check that drops responses answering an outdated row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  Consumed,
  Grouped,
  KeyValue,
  Materialized,
  Produced,
  Serdes,
  StreamsBuilder,
  TopologyTestDriver,
} from '../../src/streams/index.js';
import { orderDetails, regionCounts, type Order } from './topologies.js';
import { FK_OUTPUT, FK_STEPS, REGION_INPUT, REGION_OUTPUT } from './support/dsl-cases.js';

const S = Serdes.String();
const L = Serdes.Long();
const J = Serdes.Json<Order>();

test('KTable.groupBy: count subtracts the old row and adds the new one', async () => {
  const topology = regionCounts();
  assert.match(
    topology.describe().toString(),
    /Sink: KSTREAM-SINK-\d+ \(topic: region-counts-store-repartition\)/,
  );
  const driver = new TopologyTestDriver(topology, { applicationId: 'regions' });
  const input = driver.createInputTopic('user-regions', S, S);
  for (const [user, region] of REGION_INPUT) input.pipeInput(user, region);
  assert.deepEqual(
    driver
      .createOutputTopic('region-counts', S, L)
      .readKeyValuesToList()
      .map((r) => [r.key, r.value]),
    REGION_OUTPUT,
  );
  assert.equal(driver.getKeyValueStore<string, number>('region-counts-store')!.get('US'), 1);
  await driver.close();
});

test('KTable.groupBy: reduce and aggregate with adder and subtractor', async () => {
  const b = new StreamsBuilder();
  const scores = b.table('scores', Consumed.with(S, Serdes.Integer()), Materialized.as('scores'));
  const byTeam = scores.groupBy(
    (player, score) => KeyValue.pair(player.split('.')[0]!, score),
    Grouped.with(S, Serdes.Integer()),
  );
  byTeam
    .reduce(
      (agg, v) => agg + v,
      (agg, v) => agg - v,
      { storeName: 'team-sums', valueSerde: Serdes.Integer() },
    )
    .toStream()
    .to('sums', Produced.with(S, Serdes.Integer()));
  byTeam
    .aggregate(
      () => [] as number[],
      (_team, v, agg) => [...agg, v].sort((x, y) => x - y),
      (_team, v, agg) => agg.filter((_x, i) => i !== agg.indexOf(v)),
      { storeName: 'team-scores', valueSerde: Serdes.Json<number[]>() },
    )
    .toStream()
    .mapValues((list) => list.join(','))
    .to('lists', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  const input = driver.createInputTopic('scores', S, Serdes.Integer());
  input.pipeInput('red.ann', 3);
  input.pipeInput('red.bo', 4);
  input.pipeInput('blue.cy', 10);
  input.pipeInput('red.ann', 6);
  input.pipeInput('red.bo', null);
  assert.deepEqual(driver.createOutputTopic('sums', S, Serdes.Integer()).readKeyValuesToList(), [
    { key: 'red', value: 3 },
    { key: 'red', value: 7 },
    { key: 'blue', value: 10 },
    { key: 'red', value: 10 },
    { key: 'red', value: 6 },
  ]);
  assert.deepEqual(driver.createOutputTopic('lists', S, S).readKeyValuesToList(), [
    { key: 'red', value: '3' },
    { key: 'red', value: '3,4' },
    { key: 'blue', value: '10' },
    { key: 'red', value: '4,6' },
    { key: 'red', value: '6' },
  ]);
  await driver.close();
});

test('foreign-key join: subscriptions, foreign-key changes and tombstones on both sides', async () => {
  const topology = orderDetails();
  const description = topology.describe().toString();
  assert.match(description, /topic: order-product-subscription-registration-topic/);
  assert.match(description, /topic: order-product-subscription-response-topic/);
  const driver = new TopologyTestDriver(topology, { applicationId: 'shop' });
  const orders = driver.createInputTopic('orders', S, J);
  const products = driver.createInputTopic('products', S, S);
  for (const step of FK_STEPS) {
    if (step.topic === 'orders') orders.pipeInput(step.key, step.value as Order | null);
    else products.pipeInput(step.key, step.value as string | null);
  }
  assert.deepEqual(
    driver
      .createOutputTopic('order-details', S, S)
      .readKeyValuesToList()
      .map((r) => [r.key, r.value]),
    FK_OUTPUT,
  );
  // The subscription store holds (product, order) pairs of current subscriptions only.
  const subs = driver.getKeyValueStore<Buffer, Buffer>('order-product-subscription-store')!;
  assert.deepEqual(
    subs.all().map((e) => e.key.subarray(4).toString()),
    ['p2o1', 'p3o3'],
  );
  await driver.close();
});

test('foreign-key left join: rows without a match join with null', async () => {
  const b = new StreamsBuilder();
  const orders = b.table('orders', Consumed.with(S, J), Materialized.as('orders-store'));
  const products = b.table('products', Consumed.with(S, S), Materialized.as('products-store'));
  orders
    .leftJoin(
      products,
      (o) => o.product,
      (o, name) => `${o.qty} x ${name ?? '?'}`,
      {},
      { storeName: 'details-store', valueSerde: S },
    )
    .toStream()
    .to('details', Produced.with(S, S));
  const driver = new TopologyTestDriver(b.build());
  const o = driver.createInputTopic('orders', S, J);
  const p = driver.createInputTopic('products', S, S);
  o.pipeInput('o1', { product: 'p1', qty: 2 });
  p.pipeInput('p1', 'Pen');
  o.pipeInput('o1', { product: 'p9', qty: 2 });
  p.pipeInput('p1', null);
  o.pipeInput('o1', null);
  assert.deepEqual(driver.createOutputTopic('details', S, S).readKeyValuesToList(), [
    { key: 'o1', value: '2 x ?' },
    { key: 'o1', value: '2 x Pen' },
    { key: 'o1', value: '2 x ?' },
    { key: 'o1', value: null },
  ]);
  assert.equal(driver.getKeyValueStore<string, string>('details-store')!.get('o1'), null);
  await driver.close();
});

test('foreign-key join: a response to an outdated row is dropped', async () => {
  const driver = new TopologyTestDriver(orderDetails(), { applicationId: 'shop' });
  const orders = driver.createInputTopic('orders', S, J);
  const products = driver.createInputTopic('products', S, S);
  const out = driver.createOutputTopic('order-details', S, S);
  products.pipeInput('p1', 'Pen');
  orders.pipeInput('o1', { product: 'p1', qty: 2 });
  orders.pipeInput('o1', { product: 'p1', qty: 3 });
  assert.deepEqual(out.readValuesToList(), ['2 x Pen', '3 x Pen']);
  // A response that was on its way for the row { qty: 2 } arrives late: its hash is that of a
  // value the row no longer has, so no result is made from it.
  const response = (order: Order, name: string) => {
    const hash = createHash('md5').update(J.serialize('', order)!).digest();
    const head = Buffer.alloc(8);
    head.writeInt32BE(0, 0);
    head.writeInt32BE(Buffer.byteLength(name), 4);
    return Buffer.concat([Buffer.of(0, 1), hash, head, Buffer.from(name)]);
  };
  const topic = 'shop-order-product-subscription-response-topic';
  driver.pipe(topic, Buffer.from('o1'), response({ product: 'p1', qty: 2 }, 'Old pen'), 5);
  assert.ok(out.isEmpty());
  // One made for the current row is joined.
  driver.pipe(topic, Buffer.from('o1'), response({ product: 'p1', qty: 3 }, 'New pen'), 6);
  assert.deepEqual(out.readValuesToList(), ['3 x New pen']);
  await driver.close();
});
