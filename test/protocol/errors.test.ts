import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERRORS,
  ErrorCode,
  errorByCode,
  isKnownErrorCode,
  KafkaError,
} from '../../src/protocol/errors.js';

test('error codes are unique and contiguous from -1 to the newest', () => {
  const codes = ERRORS.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  assert.equal(new Set(ERRORS.map((e) => e.name)).size, codes.length);
  assert.deepEqual(
    codes,
    Array.from({ length: codes.length }, (_, i) => i - 1),
  );
  assert.equal(codes.at(-1), 133);
  for (const e of ERRORS) {
    assert.match(e.name, /^[A-Z][A-Z0-9_]+$/);
    assert.ok(e.message.length > 5 && e.message.endsWith('.'), e.name);
    assert.equal(ErrorCode[e.name], e.code);
  }
});

test('spot checks against Kafka codes and retriability', () => {
  assert.equal(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 3);
  assert.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER, 6);
  assert.equal(ErrorCode.UNSUPPORTED_VERSION, 35);
  assert.equal(ErrorCode.PRODUCER_FENCED, 90);
  assert.equal(ErrorCode.UNKNOWN_TOPIC_ID, 100);
  assert.equal(ErrorCode.SHARE_SESSION_LIMIT_REACHED, 133);
  const retriable = (name: keyof typeof ErrorCode) => errorByCode(ErrorCode[name]).retriable;
  assert.equal(retriable('UNKNOWN_TOPIC_OR_PARTITION'), true);
  assert.equal(retriable('NOT_COORDINATOR'), true);
  assert.equal(retriable('CORRUPT_MESSAGE'), true);
  assert.equal(retriable('CONCURRENT_TRANSACTIONS'), true);
  assert.equal(retriable('OFFSET_OUT_OF_RANGE'), false);
  assert.equal(retriable('REBALANCE_IN_PROGRESS'), false);
  assert.equal(retriable('UNKNOWN_SERVER_ERROR'), false);
  assert.equal(retriable('NONE'), false);
  assert.equal(ERRORS.filter((e) => e.retriable).length, 32);
});

test('unknown codes map to UNKNOWN_SERVER_ERROR', () => {
  assert.equal(errorByCode(31000).name, 'UNKNOWN_SERVER_ERROR');
  assert.equal(isKnownErrorCode(31000), false);
  assert.equal(isKnownErrorCode(0), true);
});

test('KafkaError carries code, name, retriable and a message', () => {
  const e = new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE);
  assert.ok(e instanceof Error);
  assert.equal(e.code, 5);
  assert.equal(e.name, 'LEADER_NOT_AVAILABLE');
  assert.equal(e.retriable, true);
  assert.equal(e.message, errorByCode(5).message);
  assert.equal(new KafkaError(10, 'batch of 2 MB').message, 'batch of 2 MB');
  assert.match(String(new KafkaError(29)), /^TOPIC_AUTHORIZATION_FAILED: /);
});
