import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LeaderEpochCache, MemoryFileSystem } from '../../src/storage/index.js';

test('epochs are checkpointed and answer where each one ended', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/p');
  const cache = await LeaderEpochCache.load(fs, '/p', 0);
  await cache.assign(2, 10);
  await cache.assign(4, 30);
  await cache.assign(3, 40); // older than the latest: ignored
  const text = (await fs.readFile('/p/leader-epoch-checkpoint'))!.toString();
  assert.equal(text, '0\n2\n2 10\n4 30\n');
  const reloaded = await LeaderEpochCache.load(fs, '/p', 50);
  assert.deepEqual(reloaded.endOffsetFor(4, 50), { epoch: 4, endOffset: 50 });
  assert.deepEqual(reloaded.endOffsetFor(3, 50), { epoch: 2, endOffset: 30 });
  assert.deepEqual(reloaded.endOffsetFor(2, 50), { epoch: 2, endOffset: 30 });
  assert.deepEqual(reloaded.endOffsetFor(1, 50), { epoch: 1, endOffset: 10 });
  assert.deepEqual(reloaded.endOffsetFor(9, 50), { epoch: -1, endOffset: -1 });
  // Epochs starting past the log end (lost in a crash) are dropped on load.
  const truncated = await LeaderEpochCache.load(fs, '/p', 20);
  assert.deepEqual(truncated.list(), [{ epoch: 2, startOffset: 10 }]);
});

test('truncateFromEnd drops the epochs that start at or past the cut, on disk too', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  const cache = LeaderEpochCache.empty(fs, '/d');
  await cache.assign(0, 0, { newFile: true });
  await cache.assign(2, 10);
  await cache.assign(3, 15);
  await cache.truncateFromEnd(10);
  assert.deepEqual(cache.list(), [{ epoch: 0, startOffset: 0 }]);
  const reloaded = await LeaderEpochCache.load(fs, '/d', 100);
  assert.deepEqual(reloaded.list(), [{ epoch: 0, startOffset: 0 }]);
  // A new epoch continues from the cut.
  await cache.assign(4, 10);
  assert.deepEqual(cache.endOffsetFor(0, 20), { epoch: 0, endOffset: 10 });
});
