import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  rangeAssignor,
  uniformAssignor,
  type Assignment,
} from '../../../src/broker/group/index.js';

const count = (id: string) => ({ t: 7, u: 3 })[id] ?? 0;
const flat = (a: Assignment | undefined) =>
  [...(a ?? new Map())].flatMap(([t, ps]) => [...ps].map((p) => `${t}${p}`)).sort();

test('uniform: every partition once, loads within one, previous owners keep what fits', () => {
  const members = ['a', 'b', 'c'].map((memberId) => ({
    memberId,
    topicIds: ['t', 'u'],
    previous: new Map(),
  }));
  const first = uniformAssignor(members, count);
  const all = [...first.values()].flatMap((a) => flat(a)).sort();
  assert.equal(all.length, 10);
  assert.equal(new Set(all).size, 10);
  const loads = [...first.values()].map((a) => flat(a).length);
  assert.ok(Math.max(...loads) - Math.min(...loads) <= 1);
  // d joins: a, b and c keep most of what they had.
  const next = uniformAssignor(
    [
      ...members.map((m) => ({ ...m, previous: first.get(m.memberId)! })),
      { memberId: 'd', topicIds: ['t', 'u'], previous: new Map() },
    ],
    count,
  );
  let moved = 0;
  for (const m of members)
    moved += flat(first.get(m.memberId)).filter(
      (p) => !flat(next.get(m.memberId)).includes(p),
    ).length;
  assert.ok(moved <= 3, `moved ${moved}`);
  assert.equal(flat(next.get('d')).length >= 2, true);
});

test('uniform: members get only topics they subscribe to', () => {
  const r = uniformAssignor(
    [
      { memberId: 'a', topicIds: ['t'], previous: new Map() },
      { memberId: 'b', topicIds: ['u'], previous: new Map() },
    ],
    count,
  );
  assert.ok(flat(r.get('a')).every((p) => p.startsWith('t')));
  assert.deepEqual(flat(r.get('b')), ['u0', 'u1', 'u2']);
});

test('range: contiguous ranges per topic, the first members get the extra partitions', () => {
  const r = rangeAssignor(
    ['b', 'a'].map((memberId) => ({ memberId, topicIds: ['t'], previous: new Map() })),
    count,
  );
  assert.deepEqual(flat(r.get('a')), ['t0', 't1', 't2', 't3']);
  assert.deepEqual(flat(r.get('b')), ['t4', 't5', 't6']);
});
