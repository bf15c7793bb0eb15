import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RecordCursor,
  sizeOfVarint,
  sizeOfVarlong,
  writeVarint,
  writeVarlong,
} from '../../../src/protocol/records/varint.js';
import { RecordDecodeError } from '../../../src/protocol/records/record-decode-error.js';

test('zig-zag varints match the spec examples', () => {
  const enc = (n: number) => {
    const b = Buffer.alloc(10);
    return b.subarray(0, writeVarint(b, 0, n)).toString('hex');
  };
  assert.equal(enc(0), '00');
  assert.equal(enc(-1), '01');
  assert.equal(enc(1), '02');
  assert.equal(enc(63), '7e');
  assert.equal(enc(64), '8001');
  assert.equal(enc(-2147483648), 'ffffffff0f');
  assert.equal(enc(2147483647), 'feffffff0f');
});

test('varints and varlongs round-trip with the sizes they claim', () => {
  const ints = [0, 1, -1, 63, -64, 64, 8191, -8192, 1 << 20, -(2 ** 31), 2 ** 31 - 1];
  const longs = [...ints, 2 ** 31, -(2 ** 31) - 1, 1_700_000_000_000, -1_700_000_000_000];
  longs.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER);
  const b = Buffer.alloc(12);
  for (const n of ints) {
    const end = writeVarint(b, 0, n);
    assert.equal(end, sizeOfVarint(n), `size of ${n}`);
    const c = new RecordCursor(b, 0, end);
    assert.equal(c.readVarint(), n);
    assert.equal(c.pos, end);
  }
  for (const n of longs) {
    const end = writeVarlong(b, 0, n);
    assert.equal(end, sizeOfVarlong(n), `size of ${n}`);
    const c = new RecordCursor(b, 0, end);
    assert.equal(c.readVarlong(), n);
    assert.equal(c.pos, end);
  }
});

test('reads never run past the end and reject over-long encodings', () => {
  const b = Buffer.from([0x80, 0x80]);
  assert.throws(() => new RecordCursor(b, 0, 2).readVarint(), RecordDecodeError);
  const long = Buffer.alloc(11, 0xff);
  assert.throws(() => new RecordCursor(long, 0, 11).readVarint(), /invalid-varint/);
  assert.throws(() => new RecordCursor(long, 0, 11).readVarlong(), /invalid-varint/);
  // A 10-byte varlong beyond 2^53 is not a safe integer.
  const big = Buffer.from('ffffffffffffffffff01', 'hex');
  assert.throws(() => new RecordCursor(big, 0, 10).readVarlong(), /safe integer/);
  assert.throws(() => new RecordCursor(Buffer.from([4]), 0, 1).readBytes(5), /truncated/);
});
