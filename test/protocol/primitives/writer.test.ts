import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProtocolEncodeError,
  Reader,
  Writer,
  ZERO_UUID,
} from '../../../src/protocol/primitives/index.js';

const bytesOf = (fill: (w: Writer) => void): string => {
  const w = new Writer();
  fill(w);
  return w.toBuffer().toString('hex');
};

test('unsigned varints: the examples of the protocol notes', () => {
  assert.equal(
    bytesOf((w) => w.uvarint(0)),
    '00',
  );
  assert.equal(
    bytesOf((w) => w.uvarint(127)),
    '7f',
  );
  assert.equal(
    bytesOf((w) => w.uvarint(128)),
    '8001',
  );
  assert.equal(
    bytesOf((w) => w.uvarint(300)),
    'ac02',
  );
  assert.equal(
    bytesOf((w) => w.uvarint(0xffffffff)),
    'ffffffff0f',
  );
  assert.throws(() => new Writer().uvarint(-1), ProtocolEncodeError);
  assert.throws(() => new Writer().uvarint(2 ** 32), ProtocolEncodeError);
});

test('signed varints and varlongs round-trip through the reader', () => {
  const ints = [0, 1, -1, 63, -64, 64, 2147483647, -2147483648];
  const longs = [0n, -1n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 1234567890123n];
  const w = new Writer();
  for (const v of ints) w.varint(v);
  for (const v of longs) w.varlong(v);
  const r = new Reader(w.toBuffer());
  assert.deepStrictEqual(
    ints.map(() => r.varint()),
    ints,
  );
  assert.deepStrictEqual(
    longs.map(() => r.varlong()),
    longs,
  );
  assert.equal(
    bytesOf((w) => w.varint(-1)),
    '01',
  );
  assert.equal(
    bytesOf((w) => w.varlong(1n)),
    '02',
  );
});

test('compact and classic nullable strings and arrays', () => {
  assert.equal(
    bytesOf((w) => w.nullableString(null, true)),
    '00',
  );
  assert.equal(
    bytesOf((w) => w.nullableString('', true)),
    '01',
  );
  assert.equal(
    bytesOf((w) => w.string('ab', true)),
    '036162',
  );
  assert.equal(
    bytesOf((w) => w.nullableString(null, false)),
    'ffff',
  );
  assert.equal(
    bytesOf((w) => w.string('é', false)),
    '0002c3a9',
  );
  assert.equal(
    bytesOf((w) => w.nullableArray(null, true, (w2, e: number) => w2.int8(e))),
    '00',
  );
  assert.equal(
    bytesOf((w) => w.array([1, 2], true, (w2, e) => w2.int8(e))),
    '030102',
  );
  assert.equal(
    bytesOf((w) => w.nullableArray(null, false, (w2, e: number) => w2.int8(e))),
    'ffffffff',
  );
  assert.throws(() => new Writer().string('x'.repeat(0x8000), false), ProtocolEncodeError);
  assert.throws(() => new Writer().string('x'.repeat(0x8000), true), ProtocolEncodeError);
  assert.equal(bytesOf((w) => w.string('x'.repeat(0x7fff), true)).length, (3 + 0x7fff) * 2);
  assert.throws(() => new Writer().string(null as unknown as string, true), ProtocolEncodeError);
});

test('large payloads are referenced, not copied; small ones are copied', () => {
  const big = Buffer.alloc(64 * 1024, 7);
  const small = Buffer.from('tiny');
  const w = new Writer();
  w.int32(1);
  w.bytes(big, false);
  w.bytes(small, false);
  const chunks = w.toBuffers();
  assert.ok(chunks.includes(big), 'the large payload is one of the chunks');
  assert.ok(!chunks.includes(small));
  assert.equal(w.length, 4 + 4 + big.length + 4 + small.length);
  const all = w.toBuffer();
  assert.equal(all.length, w.length);
  assert.deepStrictEqual(all.subarray(8, 8 + big.length), big);
});

test('many small fields span scratch chunks and come out in order', () => {
  const w = new Writer();
  const n = 20000;
  for (let i = 0; i < n; i++) w.int32(i);
  assert.ok(w.toBuffers().length > 1);
  const r = new Reader(w.toBuffer());
  for (let i = 0; i < n; i++) assert.equal(r.int32(), i);
});

test('a reserved int32 size prefix is patched at the end', () => {
  const w = new Writer(8);
  const size = w.reserveInt32();
  for (let i = 0; i < 10; i++) w.int64(BigInt(i));
  w.patchInt32(size, w.length - 4);
  const b = w.toBuffer();
  assert.equal(b.readInt32BE(0), 80);
  assert.equal(b.length, 84);
});

test('uuids: canonical strings only', () => {
  assert.equal(
    bytesOf((w) => w.uuid(ZERO_UUID)),
    '00'.repeat(16),
  );
  const id = '01234567-89ab-cdef-fedc-ba9876543210';
  assert.equal(
    bytesOf((w) => w.uuid(id)),
    '0123456789abcdeffedcba9876543210',
  );
  assert.throws(() => new Writer().uuid('AAAAAAAAAAAAAAAAAAAAAA'), ProtocolEncodeError);
  assert.throws(() => new Writer().uuid(id.toUpperCase()), ProtocolEncodeError);
});

test('tagged fields: known and unknown merged in tag order with sizes', () => {
  const hex = bytesOf((w) =>
    w.tags([[3, (w2) => w2.int16(0x0102)]], [{ tag: 1, data: Buffer.from([0xaa]) }]),
  );
  assert.equal(hex, '02' + '0101aa' + '03020102');
  assert.equal(
    bytesOf((w) => w.tags(undefined, undefined)),
    '00',
  );
  assert.throws(
    () => new Writer().tags([[1, (w) => w.int8(0)]], [{ tag: 1, data: Buffer.alloc(1) }]),
    ProtocolEncodeError,
  );
});

test('integers out of range for their wire type are encode errors', () => {
  const w = new Writer();
  assert.throws(() => w.int8(128), ProtocolEncodeError);
  assert.throws(() => w.int16(-32769), ProtocolEncodeError);
  assert.throws(() => w.uint16(-1), ProtocolEncodeError);
  assert.throws(() => w.int32(2 ** 31), ProtocolEncodeError);
  assert.throws(() => w.int32(1.5), ProtocolEncodeError);
  assert.throws(() => w.uint32(2 ** 32), ProtocolEncodeError);
  assert.throws(() => w.int64(2n ** 63n), ProtocolEncodeError);
  assert.throws(() => w.int64(1 as unknown as bigint), ProtocolEncodeError);
  assert.equal(w.length, 0);
  w.int8(-128);
  w.int16(-32768);
  w.uint16(65535);
  w.int32(-2147483648);
  w.uint32(4294967295);
  assert.equal(w.toBuffer().toString('hex'), '80' + '8000' + 'ffff' + '80000000' + 'ffffffff');
});

test('int64 values round-trip on both sides of the safe-integer fast path', () => {
  const values = [
    0n,
    -1n,
    1n,
    0xffffffffn,
    -0x100000000n,
    2n ** 53n - 1n,
    -(2n ** 53n),
    2n ** 53n,
    -(2n ** 53n) - 1n,
    2n ** 63n - 1n,
    -(2n ** 63n),
    1234567890123456789n,
  ];
  for (const v of values) {
    const w = new Writer();
    w.int64(v);
    const expected = Buffer.alloc(8);
    expected.writeBigInt64BE(v);
    assert.deepStrictEqual(w.toBuffer(), expected, String(v));
    assert.equal(new Reader(expected).int64(), v, String(v));
  }
});
