import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BatchHeader,
  checkBatchFrame,
  BATCH_HEADER_BYTES,
} from '../../../src/protocol/records/batch-header.js';
import { crc32c } from '../../../src/util/crc32c.js';

/** A minimal valid batch with no records, built by hand from the spec layout. */
function emptyBatch(baseOffset: bigint, lastOffsetDelta: number): Buffer {
  const b = Buffer.alloc(BATCH_HEADER_BYTES);
  b.writeBigInt64BE(baseOffset, 0);
  b.writeInt32BE(BATCH_HEADER_BYTES - 12, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(2, 16);
  b.writeInt16BE(0, 21);
  b.writeInt32BE(lastOffsetDelta, 23);
  b.writeBigInt64BE(-1n, 27);
  b.writeBigInt64BE(-1n, 35);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(0, 57);
  b.writeUInt32BE(crc32c(b.subarray(21)), 17);
  return b;
}

test('crc32c matches the standard check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('BatchHeader reads fields in place and patches the base offset', () => {
  const b = emptyBatch(0n, 4);
  const h = new BatchHeader(b);
  assert.equal(h.magic, 2);
  assert.equal(h.totalSize, BATCH_HEADER_BYTES);
  assert.equal(h.lastOffsetDelta, 4);
  assert.equal(h.isCrcValid(), true);
  h.setBaseOffset(100n);
  assert.equal(h.baseOffset, 100n);
  assert.equal(h.lastOffsetNumber, 104);
  // The base offset is outside the CRC's range.
  assert.equal(h.isCrcValid(), true);
});

test('the number accessors read int64 fields exactly without BigInt', () => {
  const b = emptyBatch(2n ** 40n + 5n, 0);
  const h = new BatchHeader(b);
  assert.equal(h.baseOffsetNumber, 2 ** 40 + 5);
  for (const ts of [0n, 1_700_000_000_123n, -1n, 2n ** 52n + 3n, -(2n ** 40n) - 7n]) {
    b.writeBigInt64BE(ts, 27);
    b.writeBigInt64BE(ts, 35);
    assert.equal(h.baseTimestampNumber, Number(ts));
    assert.equal(h.maxTimestampNumber, Number(ts));
  }
  for (const id of [-1n, 0n, 5n, 2n ** 62n, -(2n ** 62n)]) {
    b.writeBigInt64BE(id, 43);
    assert.equal(h.hasProducerId, id >= 0n, `producer id ${id}`);
  }
});

test('checkBatchFrame reports each kind of damage', () => {
  const b = emptyBatch(0n, 0);
  assert.equal(checkBatchFrame(b, 0, b.length), BATCH_HEADER_BYTES);
  assert.equal(checkBatchFrame(b, 0, 10), 'truncated-header');
  assert.equal(checkBatchFrame(b, 0, b.length - 1), 'truncated-batch');
  const bad = Buffer.from(b);
  bad[40] ^= 1;
  assert.equal(checkBatchFrame(bad, 0, bad.length), 'corrupt-crc');
  const magic = Buffer.from(b);
  magic[16] = 1;
  assert.equal(checkBatchFrame(magic, 0, magic.length), 'unsupported-magic');
  const len = Buffer.from(b);
  len.writeInt32BE(3, 8);
  assert.equal(checkBatchFrame(len, 0, len.length), 'invalid-length');
});
