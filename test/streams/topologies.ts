// Topologies shared by the test-driver tests and the broker tests, so that both run exactly the
// same application and must give the same output.
import {
  Consumed,
  Grouped,
  JoinWindows,
  KeyValue,
  Materialized,
  Produced,
  Serdes,
  SessionWindows,
  SlidingWindows,
  StreamsBuilder,
  Suppressed,
  TimeWindows,
  type Topology,
} from '../../src/streams/index.js';

const S = Serdes.String();
const L = Serdes.Long();

/** Word count: text lines in `text-input`, counts per word in `word-counts`. */
export function wordCount(): Topology {
  const b = new StreamsBuilder();
  b.stream('text-input', Consumed.with(S, S))
    .flatMapValues((line) =>
      line
        .toLowerCase()
        .split(/\W+/)
        .filter((w) => w !== ''),
    )
    .groupBy((_k, word) => word, Grouped.with(S, S))
    .count(Materialized.as('counts-store'))
    .toStream()
    .to('word-counts', Produced.with(S, L));
  return b.build();
}

/**
 * Final counts per key in 10 s tumbling windows with 5 s grace, emitted once per window when
 * it closes: `clicks` → `clicks-per-window` as "<key>@<window start>" → count.
 */
export function windowedCounts(): Topology {
  const b = new StreamsBuilder();
  b.stream('clicks', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10_000, 5_000))
    .count(Materialized.as('clicks-store'))
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((w, count) => KeyValue.pair(`${w.key}@${w.window.startMs}`, count))
    .to('clicks-per-window', Produced.with(S, L));
  return b.build();
}

/** Orders (key: customer id) enriched with the customer's name from the `customers` table. */
export function enrichment(): Topology {
  const b = new StreamsBuilder();
  const customers = b.table('customers', Consumed.with(S, S), Materialized.as('customers-store'));
  b.stream('orders', Consumed.with(S, Serdes.Json<{ item: string }>()))
    .leftJoin(customers, (order, name) => `${order.item} for ${name ?? 'unknown'}`)
    .to('enriched-orders', Produced.with(S, S));
  return b.build();
}

/** Impressions and clicks of an ad joined within 5 s (left join: impressions without click too). */
export function adJoin(): Topology {
  const b = new StreamsBuilder();
  const impressions = b.stream('impressions', Consumed.with(S, S));
  const clicks = b.stream('ad-clicks', Consumed.with(S, S));
  impressions
    .leftJoin(clicks, (i, c) => `${i}/${c ?? '-'}`, JoinWindows.ofTimeDifferenceAndGrace(5_000, 0))
    .to('ad-joined', Produced.with(S, S));
  return b.build();
}

/**
 * Clicks per user session (5 s of inactivity closes a session, 2 s grace): `user-clicks` →
 * `sessions` as "<user>@<start>-<end>" → count; a session merged into a larger one is deleted
 * (a tombstone).
 */
export function sessionCounts(): Topology {
  const b = new StreamsBuilder();
  b.stream('user-clicks', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapAndGrace(5_000, 2_000))
    .count(Materialized.as('sessions-store'))
    .toStream()
    .map((w, n) => KeyValue.pair(`${w.key}@${w.window.startMs}-${w.window.endMs}`, n))
    .to('sessions', Produced.with(S, L));
  return b.build();
}

/**
 * The values of each key within any 10 ms of each other (sliding windows, 5 ms grace),
 * concatenated: `readings` → `sliding` as "<key>@<window start>" → values.
 */
export function slidingConcat(): Topology {
  const b = new StreamsBuilder();
  b.stream('readings', Consumed.with(S, S))
    .groupByKey()
    .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5))
    .aggregate(
      () => '',
      (_k, v, agg) => agg + v,
      { storeName: 'sliding-store', valueSerde: S },
    )
    .toStream()
    .map((w, v) => KeyValue.pair(`${w.key}@${w.window.startMs}`, v))
    .to('sliding', Produced.with(S, S));
  return b.build();
}

/**
 * Users per region from a table of user → region (KTable.groupBy): moving a user subtracts
 * them from the old region's count and adds them to the new one's.
 */
export function regionCounts(): Topology {
  const b = new StreamsBuilder();
  b.table('user-regions', Consumed.with(S, S), Materialized.as('user-regions-store'))
    .groupBy((user, region) => KeyValue.pair(region, user), Grouped.with(S, S))
    .count(Materialized.as('region-counts-store'))
    .toStream()
    .to('region-counts', Produced.with(S, L));
  return b.build();
}

export interface Order {
  product: string;
  qty: number;
}

/**
 * Orders joined with their product's name by the foreign key `product` (KTable foreign-key
 * join): `orders` + `products` → `order-details`.
 */
export function orderDetails(): Topology {
  const b = new StreamsBuilder();
  const orders = b.table(
    'orders',
    Consumed.with(S, Serdes.Json<Order>()),
    Materialized.as('orders-store'),
  );
  const products = b.table('products', Consumed.with(S, S), Materialized.as('products-store'));
  orders
    .join(
      products,
      (order) => order.product,
      (order, name) => `${order.qty} x ${name}`,
      { name: 'order-product' },
    )
    .toStream()
    .to('order-details', Produced.with(S, S));
  return b.build();
}

/**
 * Views and purchases of each user in 10 s windows, one aggregate per window from both streams
 * (a windowed cogroup): `views` + `purchases` → `activity` as "<user>@<window start>" → "vvb…".
 */
export function windowedActivity(): Topology {
  const b = new StreamsBuilder();
  const views = b.stream('views', Consumed.with(S, S)).groupByKey();
  const purchases = b.stream('purchases', Consumed.with(S, S)).groupByKey();
  views
    .cogroup<string>((_user, _v, agg) => agg + 'v')
    .cogroup(purchases, (_user, _v, agg) => agg + 'b')
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10_000))
    .aggregate(() => '', { storeName: 'activity-store', valueSerde: S })
    .toStream()
    .map((w, v) => KeyValue.pair(`${w.key}@${w.window.startMs}`, v))
    .to('activity', Produced.with(S, S));
  return b.build();
}
