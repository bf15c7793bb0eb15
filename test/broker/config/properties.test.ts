import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOverride, parseProperties } from '../../../src/broker/config/properties.js';

test('separators, comments, blank lines and last-wins', () => {
  const text = [
    '# comment',
    '! also a comment',
    '',
    'a=1',
    'b: 2',
    'c 3',
    '  d   =   spaced value  ',
    'e=',
    'a=again',
  ].join('\n');
  assert.deepEqual(
    [...parseProperties(text)],
    [
      ['a', 'again'],
      ['b', '2'],
      ['c', '3'],
      ['d', 'spaced value  '],
      ['e', ''],
    ],
  );
});

test('line continuations join lines and drop leading whitespace of the next', () => {
  const text = 'listeners=PLAINTEXT://a:1,\\\n    PLAINTEXT2://b:2\r\nx=y';
  const props = parseProperties(text);
  assert.equal(props.get('listeners'), 'PLAINTEXT://a:1,PLAINTEXT2://b:2');
  assert.equal(props.get('x'), 'y');
});

test('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
  const props = parseProperties('path=C:\\\\dir\\\\\nnext=1');
  assert.equal(props.get('path'), 'C:\\dir\\');
  assert.equal(props.get('next'), '1');
});

test('escapes in keys and values', () => {
  const props = parseProperties('my\\ key\\=x = tab\\there\\u0041\\:');
  assert.equal(props.get('my key=x'), 'tab\there' + 'A:');
});

test('--override splits at the first =', () => {
  assert.deepEqual(parseOverride('log.dirs=/a=b'), ['log.dirs', '/a=b']);
  assert.match(parseOverride('novalue') as string, /key=value/);
  assert.match(parseOverride('=x') as string, /key=value/);
});
