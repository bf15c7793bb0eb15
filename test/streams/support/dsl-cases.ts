// Inputs and exact expected outputs shared by the test-driver tests and the broker tests of
// session and sliding windows, KTable.groupBy and the foreign-key join, so both run the same
// cases and must agree.
import type { Order } from '../topologies.js';

/** The session-window inputs (driver and broker tests), and their exact output. */
export const SESSION_INPUT: [string, number][] = [
  ['a', 1_000],
  ['a', 4_000], // within the gap: [1000, 4000]
  ['b', 5_000],
  ['a', 10_000], // more than 5 s after 4000: a new session
  ['a', 8_000], // out of order: bridges [1000, 4000] and [10000, 10000]
  ['b', 20_000], // stream time 20 s: sessions ending before 18 s are closed
  ['a', 3_000], // late: [1000, 10000] has closed and left the store
  ['a', 19_000], // a new session, still within grace
];

export const SESSION_OUTPUT: [string, number | null, number][] = [
  ['a@1000-1000', 1, 1_000],
  ['a@1000-1000', null, 1_000],
  ['a@1000-4000', 2, 4_000],
  ['b@5000-5000', 1, 5_000],
  ['a@10000-10000', 1, 10_000],
  ['a@1000-4000', null, 4_000],
  ['a@10000-10000', null, 10_000],
  ['a@1000-10000', 4, 10_000],
  ['b@20000-20000', 1, 20_000],
  ['a@19000-19000', 1, 19_000],
];

/** The sliding-window inputs (driver and broker tests), and their exact output. */
export const SLIDING_INPUT: [string, number][] = [
  ['A', 20],
  ['B', 25],
  ['C', 22], // out of order: updates the windows holding it, makes its own
  ['D', 40], // stream time 40: windows ending before 35 are closed
  ['E', 27], // only its right window [26, 36] is still open
  ['F', 10], // late: even its right window has closed
];

export const SLIDING_OUTPUT: [string, string, number][] = [
  ['k@10', 'A', 20],
  ['k@21', 'B', 25],
  ['k@15', 'AB', 25],
  ['k@21', 'BC', 25],
  ['k@15', 'ABC', 25],
  ['k@12', 'AC', 22],
  ['k@23', 'B', 25],
  ['k@30', 'D', 40],
  ['k@26', 'E', 27],
];

/** Table updates (driver and broker tests), and the counts they give. */
export const REGION_INPUT: [string, string | null][] = [
  ['alice', 'EU'],
  ['bob', 'US'],
  ['alice', 'US'], // moves: EU loses her, US gains her
  ['alice', 'US'], // same group: one change, subtract then add
  ['bob', null], // tombstone: US loses bob
  ['carol', 'EU'],
];

export const REGION_OUTPUT: [string, number][] = [
  ['EU', 1],
  ['US', 1],
  ['EU', 0],
  ['US', 2],
  ['US', 2],
  ['US', 1],
  ['EU', 1],
];

/** Table updates on both sides (driver and broker tests), and the join's output. */
export const FK_STEPS: {
  topic: 'orders' | 'products';
  key: string;
  value: Order | string | null;
}[] = [
  { topic: 'products', key: 'p1', value: 'Pen' },
  { topic: 'orders', key: 'o1', value: { product: 'p1', qty: 2 } },
  { topic: 'orders', key: 'o2', value: { product: 'p2', qty: 1 } }, // no p2 yet: nothing
  { topic: 'products', key: 'p2', value: 'Ink' }, // o2 joins now
  { topic: 'products', key: 'p1', value: 'Fountain pen' }, // o1 follows its product
  { topic: 'orders', key: 'o1', value: { product: 'p2', qty: 5 } }, // foreign key changes
  { topic: 'products', key: 'p1', value: null }, // o1 no longer subscribes to p1: nothing
  { topic: 'products', key: 'p2', value: null }, // both orders lose their product
  { topic: 'orders', key: 'o2', value: null }, // a deleted order: a tombstone
  { topic: 'orders', key: 'o3', value: { product: 'p3', qty: 1 } },
  { topic: 'products', key: 'p3', value: 'Cap' },
];

export const FK_OUTPUT: [string, string | null][] = [
  ['o1', '2 x Pen'],
  ['o2', '1 x Ink'],
  ['o1', '2 x Fountain pen'],
  ['o1', '5 x Ink'],
  ['o1', null],
  ['o2', null],
  ['o2', null],
  ['o3', '1 x Cap'],
];
