import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeRecords, encodeRecords, scanRecords } from '../../../src/protocol/records/index.js';

const BASE = { baseOffset: 0n, baseTimestamp: 1_700_000_000_000 };
const sample = () =>
  encodeRecords(
    [
      { key: Buffer.from('a'), value: Buffer.from('one'), headers: [{ key: 'h', value: null }] },
      { key: null, value: Buffer.from('two') },
      { key: Buffer.alloc(0), value: null, timestamp: BASE.baseTimestamp + 5_000_000_000 },
    ],
    BASE.baseTimestamp,
  );

test('well-formed records pass; keyless ones are found only when asked', () => {
  const region = sample();
  assert.deepEqual(scanRecords(region, 3), { problem: null, keyless: [] });
  assert.deepEqual(scanRecords(region, 3, { findKeyless: true }), { problem: null, keyless: [1] });
});

test('a count that does not match, trailing bytes and cut records are problems', () => {
  const region = sample();
  assert.match(scanRecords(region, 4).problem!, /ends after 3 of its 4 records/);
  assert.match(scanRecords(region, 2).problem!, /bytes follow the last of 2 records/);
  assert.notEqual(scanRecords(region.subarray(0, region.length - 1), 3).problem, null);
  assert.match(scanRecords(Buffer.from([0x01]), 1).problem!, /has length -1/);
});

test('fuzz: the scan accepts exactly what the full decoder accepts', () => {
  let seed = 99;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const base = sample();
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.from(base);
    const flips = 1 + Math.floor(random() * 3);
    for (let f = 0; f < flips; f++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
    const count = i % 5 === 0 ? 2 + Math.floor(random() * 3) : 3;
    const region = i % 7 === 0 ? b.subarray(0, Math.floor(random() * b.length)) : b;
    let decoded = true;
    try {
      decodeRecords(region, count, BASE);
    } catch {
      decoded = false;
    }
    const scan = scanRecords(region, count);
    assert.equal(scan.problem === null, decoded, `case ${i}: ${scan.problem}`);
    if (decoded) accepted++;
  }
  assert.ok(accepted > 0, 'some mutations keep the records well-formed');
});
