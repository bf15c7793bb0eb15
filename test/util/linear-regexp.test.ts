import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLinearRegExp } from '../../src/util/index.js';

test('patterns match whole strings', () => {
  const re = compileLinearRegExp('orders-[0-9]+');
  assert.ok(re);
  assert.equal(re.test('orders-12'), true);
  assert.equal(re.test('orders-12-dlq'), false);
  assert.equal(re.test('x-orders-12'), false);
  assert.equal(compileLinearRegExp('a|b')?.test('b'), true);
});

test('invalid patterns, backreferences and lookarounds are refused', () => {
  for (const pattern of ['(', '[a-', '(a)\\1', '(?=a)a', '(?<!a)b', 'a(?!b)']) {
    assert.equal(compileLinearRegExp(pattern), null, pattern);
  }
});

test('a pattern that makes a backtracking engine take seconds runs in linear time', () => {
  // With backtracking, each extra "a" doubles the time: 28 of them take ~10 s.
  const re = compileLinearRegExp('(a+)+');
  assert.ok(re);
  const started = performance.now();
  assert.equal(re.test(`${'a'.repeat(28)}!`), false);
  assert.equal(re.test('a'.repeat(28)), true);
  assert.ok(performance.now() - started < 1000, `took ${performance.now() - started} ms`);
});
