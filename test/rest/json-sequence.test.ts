// Bodies of several JSON values: split whole (parseJsonOrSequence) and in pieces
// (JsonValueScanner), with strings holding braces, quotes and escapes, and bad text refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JsonSequence,
  JsonValueScanner,
  parseJsonOrSequence,
} from '../../src/rest/json-sequence.js';

const values = [{ a: '}{', b: 'say "hi" \\' }, [1, { c: '\\"' }], { d: null, e: '\n' }];
const text = `${JSON.stringify(values[0])}\n${JSON.stringify(values[1])}  ${JSON.stringify(values[2])}`;

test('one value parses as JSON.parse; several make a JsonSequence', () => {
  assert.deepEqual(parseJsonOrSequence('{"x": 1}'), { x: 1 });
  assert.equal(parseJsonOrSequence('"text"'), 'text');
  const parsed = parseJsonOrSequence(text);
  assert.ok(parsed instanceof JsonSequence);
  assert.deepEqual(parsed.values, values);
  assert.throws(() => parseJsonOrSequence('{"x": 1} 7'), SyntaxError);
  assert.throws(() => parseJsonOrSequence('{"x": '), SyntaxError);
});

test('the scanner finds the same values whatever the pieces', () => {
  for (let size = 1; size <= text.length; size++) {
    const scanner = new JsonValueScanner();
    const found: unknown[] = [];
    for (let at = 0; at < text.length; at += size) {
      for (const t of scanner.feed(text.slice(at, at + size))) found.push(JSON.parse(t));
    }
    assert.deepEqual(found, values, `pieces of ${size}`);
    assert.equal(scanner.complete, true);
  }
  const open = new JsonValueScanner();
  open.feed('{"a": "b');
  assert.equal(open.complete, false);
  assert.throws(() => new JsonValueScanner().feed('{} x'), SyntaxError);
});
