import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom, SimulatedEnvironment, scheduleRepeating } from '../../src/util/index.js';

test('advance runs due timers in due order, ties in the order set, with the clock at each due time', () => {
  const env = new SimulatedEnvironment({ startMs: 1000 });
  const seen: string[] = [];
  env.schedule(30, () => seen.push(`c@${env.nowMs()}`));
  env.schedule(10, () => {
    seen.push(`a@${env.nowMs()}`);
    // A timer set by a timer, due within the same advance, runs in it.
    env.schedule(5, () => seen.push(`d@${env.nowMs()}`));
  });
  env.schedule(10, () => seen.push(`b@${env.nowMs()}`));
  const cancel = env.schedule(20, () => seen.push('cancelled'));
  cancel();
  env.schedule(100, () => seen.push('later'));
  env.advance(50);
  assert.deepEqual(seen, ['a@1010', 'b@1010', 'd@1015', 'c@1030']);
  assert.equal(env.nowMs(), 1050);
  assert.equal(env.monotonicMs(), 50);
  assert.equal(env.pending, 1);
});

test('a zero delay runs at the next advance, not at once', () => {
  const env = new SimulatedEnvironment();
  let ran = false;
  env.timers.schedule(0, () => (ran = true));
  assert.equal(ran, false);
  env.runDue();
  assert.equal(ran, true);
});

test('scheduleRepeating runs every interval until cancelled', () => {
  const env = new SimulatedEnvironment({ startMs: 0 });
  const at: number[] = [];
  const stop = scheduleRepeating(env, 10, () => at.push(env.nowMs()));
  env.advance(35);
  stop();
  env.advance(100);
  assert.deepEqual(at, [10, 20, 30]);
});

test('the same seed draws the same numbers, bytes and uuids; another seed does not', () => {
  const draw = (seed: number) => {
    const r = new SeededRandom(seed);
    return [r.next(), r.bytes(4).toString('hex'), r.uuid()];
  };
  assert.deepEqual(draw(3), draw(3));
  assert.notDeepEqual(draw(3), draw(4));
  const uuid = new SeededRandom(9).uuid();
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const r = new SeededRandom(1);
  for (let i = 0; i < 1000; i++) {
    const x = r.next();
    assert.ok(x >= 0 && x < 1);
  }
});
