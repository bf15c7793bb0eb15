import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolDecodeError, Reader } from '../../../src/protocol/primitives/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const reader = (s: string): Reader => new Reader(hex(s));
const decodeError = (fn: () => unknown): void => {
  assert.throws(fn, ProtocolDecodeError);
};

test('unsigned varints: the examples of the protocol notes', () => {
  for (const [bytes, value] of [
    ['00', 0],
    ['7f', 127],
    ['8001', 128],
    ['ac02', 300],
    ['ffffffff0f', 0xffffffff],
  ] as const) {
    const r = reader(bytes);
    assert.equal(r.uvarint(), value, bytes);
    assert.equal(r.remaining, 0);
  }
});

test('unsigned varints longer than 32 bits or truncated are rejected', () => {
  decodeError(() => reader('ffffffff1f').uvarint());
  decodeError(() => reader('8080808080 00').uvarint());
  decodeError(() => reader('80').uvarint());
  decodeError(() => reader('').uvarint());
});

test('signed varints and varlongs use zig-zag', () => {
  assert.equal(reader('01').varint(), -1);
  assert.equal(reader('02').varint(), 1);
  assert.equal(reader('feffffff0f').varint(), 2147483647);
  assert.equal(reader('ffffffff0f').varint(), -2147483648);
  assert.equal(reader('01').varlong(), -1n);
  assert.equal(reader('ffffffffffffffffff01').varlong(), -(2n ** 63n));
  decodeError(() => reader('ffffffffffffffffff02').varlong());
});

test('strings: classic and compact, nullable', () => {
  assert.equal(reader('ffff').nullableString(false), null);
  assert.equal(reader('0000').string(false), '');
  assert.equal(reader('00026162').string(false), 'ab');
  assert.equal(reader('00').nullableString(true), null);
  assert.equal(reader('01').string(true), '');
  assert.equal(reader('036162').string(true), 'ab');
  decodeError(() => reader('00').string(true));
  decodeError(() => reader('ffff').string(false));
  decodeError(() => reader('fffe').string(false));
  decodeError(() => reader('0005616263').string(false));
});

test('bytes are views of the input, not copies', () => {
  const input = hex('00000003 616263');
  const b = new Reader(input).bytes(false);
  assert.deepStrictEqual(b, Buffer.from('abc'));
  assert.equal(b.buffer, input.buffer);
  assert.equal(reader('ffffffff').nullableBytes(false), null);
  assert.equal(reader('00').nullableBytes(true), null);
});

test('arrays: classic and compact, nullable, element reader called per element', () => {
  const int8s = (r: Reader): number => r.int8();
  assert.deepStrictEqual(reader('00000002 0102').array(false, int8s), [1, 2]);
  assert.equal(reader('ffffffff').nullableArray(false, int8s), null);
  assert.equal(reader('00').nullableArray(true, int8s), null);
  assert.deepStrictEqual(reader('01').array(true, int8s), []);
  decodeError(() => reader('00').array(true, int8s));
});

test('a forged array count fails before allocating', () => {
  // 2^31 - 1 elements announced in a 20-byte frame.
  const frame = Buffer.alloc(20);
  frame.writeInt32BE(0x7fffffff, 0);
  let calls = 0;
  decodeError(() =>
    new Reader(frame).array(false, (r) => {
      calls++;
      return r.int8();
    }),
  );
  assert.equal(calls, 0);
  decodeError(() => reader('ffffffff0f 00').array(true, (r) => r.int8()));
  decodeError(() => reader('80808080 00').nullableArray(false, (r) => r.int8()));
});

test('fixed-width reads past the end fail with ProtocolDecodeError', () => {
  decodeError(() => reader('00').int16());
  decodeError(() => reader('000000').int32());
  decodeError(() => reader('00000000000000').int64());
  decodeError(() => reader('00').uuid());
  decodeError(() => reader('').bool());
  const r = new Reader(hex('0102030405'), 1, 3);
  assert.equal(r.int16(), 0x0203);
  decodeError(() => r.int8());
});

test('uuids decode to canonical lowercase strings', () => {
  assert.equal(
    reader('0123456789abcdef fedcba9876543210').uuid(),
    '01234567-89ab-cdef-fedc-ba9876543210',
  );
});

test('tagged fields: known ones decoded in place, unknown ones kept as views', () => {
  // Two fields: tag 0 (int16 0x0102) and tag 5 (2 opaque bytes).
  const r = reader('02 00 02 0102 05 02 aabb');
  const target: { x?: number; _unknownTaggedFields?: { tag: number; data: Buffer }[] } = {};
  r.tags(target, (tag, rr) => {
    if (tag !== 0) return false;
    target.x = rr.int16();
    return true;
  });
  assert.equal(target.x, 0x0102);
  assert.deepStrictEqual(target._unknownTaggedFields, [{ tag: 5, data: hex('aabb') }]);
  assert.equal(r.remaining, 0);
});

test('tagged fields: a known field must use exactly its declared size', () => {
  const read = (tag: number, rr: Reader): boolean => (rr.int8(), tag === 0);
  decodeError(() => reader('01 00 02 0102').tags({}, read));
  decodeError(() => reader('01 00 00').tags({}, read));
  decodeError(() => reader('01 00 05 01').tags({}, read));
  decodeError(() => reader('05 00').tags({}));
});
