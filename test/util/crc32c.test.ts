import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { crc32c } from '../../src/util/crc32c.js';

test('crc32c of the standard check input "123456789" is 0xe3069283', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

test('crc32c gives the same result for short inputs (JS) and long ones (native)', () => {
  // A long input checksummed in one call must equal the same bytes in short pieces continued
  // through `crc`, whatever length separates the two implementations.
  for (const length of [1, 100, 191, 192, 193, 300, 1000, 4096]) {
    const bytes = randomBytes(length);
    let pieces = 0;
    for (let pos = 0; pos < length; pos += 37)
      pieces = crc32c(bytes.subarray(pos, pos + 37), pieces);
    assert.equal(crc32c(bytes), pieces, `length ${length}`);
    const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    assert.equal(crc32c(view), pieces, `Uint8Array of length ${length}`);
  }
});

test('crc32c continues a long input from a previous crc', () => {
  const head = randomBytes(1000);
  const tail = randomBytes(3000);
  assert.equal(crc32c(tail, crc32c(head)), crc32c(Buffer.concat([head, tail])));
});
