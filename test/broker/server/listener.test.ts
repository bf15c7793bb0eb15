import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatListener, parseListeners } from '../../../src/broker/server/index.js';

test('listeners parse with names upper-cased, empty and IPv6 hosts', () => {
  assert.deepEqual(parseListeners('plaintext://:9092, EXTERNAL://[::1]:0'), [
    { name: 'PLAINTEXT', host: '', port: 9092 },
    { name: 'EXTERNAL', host: '::1', port: 0 },
  ]);
  assert.equal(formatListener({ name: 'EXTERNAL', host: '::1', port: 5 }), 'EXTERNAL://[::1]:5');
});

test('malformed listener lists say what is wrong', () => {
  assert.match(parseListeners('localhost:9092') as string, /NAME:\/\/host:port/);
  assert.match(parseListeners('PLAINTEXT://a:70000') as string, /above 65535/);
  assert.match(parseListeners('A://a:1,a://b:2') as string, /appears twice/);
  assert.match(parseListeners(' , ') as string, /no listener/);
});
