import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flushAfterAppend } from '../../src/storage/index.js';

test('flush.messages: a flush follows an append once the offsets not yet durable reach it', () => {
  const config = { flushMessages: 3 };
  assert.equal(flushAfterAppend({ logEndOffset: 12, recoveryPoint: 10 }, config), false);
  assert.equal(flushAfterAppend({ logEndOffset: 13, recoveryPoint: 10 }, config), true);
  assert.equal(flushAfterAppend({ logEndOffset: 20, recoveryPoint: 10 }, config), true);
  // Kafka's default (Long.MAX_VALUE, a safe integer here) leaves flushing to the OS.
  const never = { flushMessages: Number.MAX_SAFE_INTEGER };
  assert.equal(flushAfterAppend({ logEndOffset: 2 ** 40, recoveryPoint: 0 }, never), false);
});
