import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cooperativeStickyAssignor,
  rangeAssignor,
  roundRobinAssignor,
  type GroupAssignment,
  type MemberSubscription,
} from '../../../src/client/group/assignors.js';

const member = (
  memberId: string,
  topics: string[],
  owned: Record<string, number[]> = {},
): MemberSubscription => ({
  memberId,
  topics,
  ownedPartitions: Object.entries(owned).map(([topic, partitions]) => ({ topic, partitions })),
  generationId: 1,
});

const plain = (a: GroupAssignment) =>
  Object.fromEntries(
    [...a].map(([m, topics]) => [
      m,
      Object.fromEntries([...topics].map(([t, ps]) => [t, [...ps].sort((x, y) => x - y)])),
    ]),
  );

test('range gives contiguous ranges per topic, extra partitions to the first members', () => {
  const a = rangeAssignor.assign([member('b', ['t']), member('a', ['t'])], new Map([['t', 5]]));
  assert.deepEqual(plain(a), { b: { t: [3, 4] }, a: { t: [0, 1, 2] } });
});

test('roundrobin deals partitions of all topics in turn', () => {
  const a = roundRobinAssignor.assign(
    [member('a', ['t', 'u']), member('b', ['t', 'u'])],
    new Map([
      ['t', 3],
      ['u', 1],
    ]),
  );
  assert.deepEqual(plain(a), { a: { t: [0, 2] }, b: { t: [1], u: [0] } });
});

test('cooperative-sticky keeps owned partitions and defers moves to a second round', () => {
  const counts = new Map([['t', 4]]);
  // Round 1: a owns everything, b joins. a keeps two; the other two are only revoked.
  const first = cooperativeStickyAssignor.assign(
    [member('a', ['t'], { t: [0, 1, 2, 3] }), member('b', ['t'])],
    counts,
  );
  assert.deepEqual(plain(first), { a: { t: [0, 1] }, b: {} });
  // Round 2: a owns 0,1; b gets the freed partitions.
  const second = cooperativeStickyAssignor.assign(
    [member('a', ['t'], { t: [0, 1] }), member('b', ['t'])],
    counts,
  );
  assert.deepEqual(plain(second), { a: { t: [0, 1] }, b: { t: [2, 3] } });
});

test('cooperative-sticky spreads a fresh group evenly', () => {
  const a = cooperativeStickyAssignor.assign(
    [member('a', ['t']), member('b', ['t']), member('c', ['t'])],
    new Map([['t', 7]]),
  );
  const sizes = [...a.values()].map((t) => t.get('t')?.length ?? 0).sort();
  assert.deepEqual(sizes, [2, 2, 3]);
});
