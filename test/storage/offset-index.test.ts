import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OffsetIndex } from '../../src/storage/offset-index.js';
import { TimeIndex } from '../../src/storage/time-index.js';

test('OffsetIndex looks up the largest entry at or below an offset', () => {
  const index = new OffsetIndex(100, 1000);
  for (let i = 1; i <= 50; i++) index.append(100 + i * 10, i * 1000);
  assert.equal(index.lookup(100), 0, 'before the first entry: the segment start');
  assert.equal(index.lookup(110), 1000);
  assert.equal(index.lookup(119), 1000);
  assert.equal(index.lookup(355), 25_000);
  assert.equal(index.lookup(10_000), 50_000);
  index.truncateToPosition(25_000);
  assert.equal(index.entries, 24);
  assert.equal(index.lookup(10_000), 24_000);
});

test('OffsetIndex files round-trip and bad ones are refused', () => {
  const index = new OffsetIndex(7, 100);
  index.append(9, 61);
  index.append(20, 500);
  const bytes = index.encode();
  assert.equal(bytes.length, 16);
  const back = OffsetIndex.decode(bytes, { baseOffset: 7, maxEntries: 100, logBytes: 600 });
  assert.equal(back?.lookup(25), 500);
  assert.equal(
    OffsetIndex.decode(bytes.subarray(0, 12), { baseOffset: 7, maxEntries: 100, logBytes: 600 }),
    null,
  );
  assert.equal(
    OffsetIndex.decode(bytes, { baseOffset: 7, maxEntries: 100, logBytes: 400 }),
    null,
    'past the log end',
  );
  const shuffled = Buffer.concat([bytes.subarray(8), bytes.subarray(0, 8)]);
  assert.equal(
    OffsetIndex.decode(shuffled, { baseOffset: 7, maxEntries: 100, logBytes: 600 }),
    null,
    'not growing',
  );
  assert.equal(
    OffsetIndex.decode(Buffer.alloc(16), { baseOffset: 7, maxEntries: 100, logBytes: 600 }),
    null,
    'zeros',
  );
});

test('TimeIndex keeps growing timestamps only and finds the entry at or below a time', () => {
  const index = new TimeIndex(0, 100);
  assert.equal(index.maybeAppend(100, 5), true);
  assert.equal(index.maybeAppend(90, 9), false);
  assert.equal(index.maybeAppend(300, 20), true);
  assert.equal(index.lookup(50), 0);
  assert.equal(index.lookup(100), 5);
  assert.equal(index.lookup(299), 5);
  assert.equal(index.lookup(1000), 20);
  const back = TimeIndex.decode(index.encode(), { baseOffset: 0, maxEntries: 100, lastOffset: 20 });
  assert.equal(back?.lookup(1000), 20);
  assert.equal(
    TimeIndex.decode(index.encode(), { baseOffset: 0, maxEntries: 100, lastOffset: 19 }),
    null,
  );
  index.truncateToOffset(20);
  assert.equal(index.entries, 1);
});
