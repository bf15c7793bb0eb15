import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultPartitioner, murmur2, partitionForKey } from '../../src/client/partitioner.js';

test('murmur2 matches the Java client on its own test vectors', () => {
  const cases: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of cases) assert.equal(murmur2(Buffer.from(input)), expected, input);
});

test('a keyed record always goes to the same partition', () => {
  const key = Buffer.from('user-42');
  const p = partitionForKey(key, 12);
  assert.ok(p >= 0 && p < 12);
  assert.equal(
    new DefaultPartitioner().partition('t', key, { partitionCount: 12, sizeBytes: 10 }),
    p,
  );
});

test('unkeyed records stick to one partition until batch.size bytes, then move', () => {
  let r = 0;
  const randoms = [0.1, 0.9];
  const partitioner = new DefaultPartitioner({
    batchSizeBytes: 100,
    random: () => randoms[r++ % 2]!,
  });
  const first = partitioner.partition('t', null, { partitionCount: 4, sizeBytes: 60 });
  assert.equal(partitioner.partition('t', null, { partitionCount: 4, sizeBytes: 60 }), first);
  const third = partitioner.partition('t', null, { partitionCount: 4, sizeBytes: 60 });
  assert.notEqual(third, first);
});

test('unkeyed records avoid partitions without a leader', () => {
  const partitioner = new DefaultPartitioner({ batchSizeBytes: 1 });
  for (let i = 0; i < 20; i++) {
    const p = partitioner.partition('t', null, {
      partitionCount: 4,
      sizeBytes: 5,
      available: [1, 3],
    });
    assert.ok(p === 1 || p === 3);
  }
});
