// Confluent's wire format: magic byte, big-endian id, and Protobuf message indexes as zigzag
// varints with the single byte 0 standing for [0].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeMessageIndexes,
  decodeWire,
  encodeMessageIndexes,
  encodeWire,
  recordNameStrategy,
  subjectNameStrategy,
  topicNameStrategy,
  topicRecordNameStrategy,
} from '../../../src/client/index.js';

test('header: magic byte 0 and a 4-byte big-endian id', () => {
  const bytes = encodeWire(0x01020304, Buffer.from('body'));
  assert.deepEqual([...bytes.subarray(0, 5)], [0, 1, 2, 3, 4]);
  assert.deepEqual(decodeWire(bytes), { id: 0x01020304, payload: Buffer.from('body') });
  assert.throws(() => decodeWire(Buffer.from([1, 0, 0, 0, 1])), /magic byte/);
  assert.throws(() => decodeWire(Buffer.from([0, 0])), /too short/);
});

test('message indexes: [0] is one zero byte, others a zigzag count and indexes', () => {
  assert.deepEqual([...encodeMessageIndexes([0])], [0]);
  assert.deepEqual([...encodeMessageIndexes([1])], [2, 2]);
  assert.deepEqual([...encodeMessageIndexes([2, 0, 70])], [6, 4, 0, 140, 1]);
  for (const indexes of [[0], [1], [2, 0, 70], [0, 0], [300]]) {
    const encoded = Buffer.concat([encodeMessageIndexes(indexes), Buffer.from([9, 9])]);
    assert.deepEqual(decodeMessageIndexes(encoded), { indexes, message: Buffer.from([9, 9]) });
  }
  const withHeader = encodeWire(7, Buffer.from([1]), [1, 2]);
  assert.deepEqual([...withHeader], [0, 0, 0, 0, 7, 4, 2, 4, 1]);
  assert.throws(() => decodeMessageIndexes(Buffer.from([0x80])), /truncated/);
});

test('subject name strategies', () => {
  assert.equal(topicNameStrategy('orders', false, 'x.Order'), 'orders-value');
  assert.equal(topicNameStrategy('orders', true, null), 'orders-key');
  assert.equal(recordNameStrategy('orders', false, 'x.Order'), 'x.Order');
  assert.equal(topicRecordNameStrategy('orders', false, 'x.Order'), 'orders-x.Order');
  assert.throws(() => recordNameStrategy('orders', false, null), /named record/);
  assert.equal(
    subjectNameStrategy('io.confluent.kafka.serializers.subject.TopicRecordNameStrategy'),
    topicRecordNameStrategy,
  );
});
