// The byte maps under the window and session stores: random puts and deletes on the in-memory
// map (sorted blocks that split and empty) and the LMDB one give the same contents and ranges as
// a plain sorted reference, in byte order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InMemoryOrderedBytes,
  LmdbOrderedBytes,
  type OrderedBytes,
} from '../../src/streams/state/ordered-bytes.js';

function check(map: OrderedBytes, seed0: number): void {
  let seed = seed0;
  const random = (n: number) => (seed = (seed * 48271) % 2147483647) % n;
  const reference = new Map<string, Buffer>();
  const keyOf = () => Buffer.from([random(4), random(256), random(256)].slice(0, 1 + random(3)));
  for (let op = 0; op < 6_000; op++) {
    const k = keyOf();
    if (random(3) === 0) {
      map.delete(k);
      reference.delete(k.toString('hex'));
    } else {
      const v = Buffer.from(String(op));
      map.put(k, v);
      reference.set(k.toString('hex'), v);
    }
  }
  const sorted = [...reference].sort(([a], [b]) =>
    Buffer.compare(Buffer.from(a, 'hex'), Buffer.from(b, 'hex')),
  );
  const all = map.range(Buffer.alloc(0), null);
  assert.deepEqual(
    all.map(([k, v]) => [k.toString('hex'), v.toString()]),
    sorted.map(([k, v]) => [k, v.toString()]),
  );
  assert.equal(map.count(), reference.size);
  for (let i = 0; i < 50; i++) {
    const lo = keyOf();
    const hi = keyOf();
    const expected = sorted.filter(([k]) => {
      const b = Buffer.from(k, 'hex');
      return Buffer.compare(b, lo) >= 0 && Buffer.compare(b, hi) < 0;
    });
    assert.deepEqual(
      map.range(lo, hi).map(([k]) => k.toString('hex')),
      expected.map(([k]) => k),
    );
    assert.equal(map.get(lo)?.toString(), reference.get(lo.toString('hex'))?.toString());
  }
}

test('the in-memory byte map agrees with a sorted reference', () => {
  for (const seed of [1, 7, 42]) check(new InMemoryOrderedBytes(), seed);
});

test('the LMDB byte map agrees with a sorted reference', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-ordered-bytes-'));
  try {
    const map = new LmdbOrderedBytes(dir, 'check');
    check(map, 3);
    await map.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
