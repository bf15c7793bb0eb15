import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool } from '../../src/util/index.js';
import { sizeClass } from '../../src/util/buffer-pool.js';

test('sizeClass rounds up to a quarter step of a power of two', () => {
  assert.equal(sizeClass(65536), 65536);
  assert.equal(sizeClass(65537), 81920);
  assert.equal(sizeClass((4 << 20) + 24 * 1024), 5 << 20);
  assert.equal(sizeClass(7 << 20), 7 << 20);
});

test('released memory is lent again, also when a view of it is released', () => {
  const pool = new BufferPool({ maxPooledBytes: 1 << 20, minBufferBytes: 1024 });
  const a = pool.acquire(1000);
  assert.equal(a.length, 1000);
  const b = pool.acquire(1000);
  assert.notEqual(a.buffer, b.buffer, 'memory still lent is never lent twice');
  pool.release(a.subarray(10, 20));
  assert.equal(pool.freeBytes, 1024);
  const c = pool.acquire(900);
  assert.equal(c.buffer, a.buffer);
  assert.equal(c.length, 900);
  assert.equal(pool.freeBytes, 0);
});

test('only lent memory comes back, and only once', () => {
  const pool = new BufferPool({ maxPooledBytes: 1 << 20, minBufferBytes: 1024 });
  pool.release(Buffer.alloc(4096));
  pool.release(Buffer.alloc(0));
  assert.equal(pool.freeBytes, 0, 'foreign buffers are ignored');
  const a = pool.acquire(1024);
  pool.release(a);
  pool.release(a);
  assert.equal(pool.freeBytes, 1024, 'a second release is ignored');
  const b = pool.acquire(1024);
  const c = pool.acquire(1024);
  assert.notEqual(b.buffer, c.buffer);
});

test('free memory is bounded; huge reads are never pooled', () => {
  const pool = new BufferPool({
    maxPooledBytes: 3000,
    minBufferBytes: 1024,
    maxBufferBytes: 4096,
  });
  const lent = [pool.acquire(1024), pool.acquire(1024), pool.acquire(1024), pool.acquire(1024)];
  for (const b of lent) pool.release(b);
  assert.equal(pool.freeBytes, 2048);
  const huge = pool.acquire(10_000);
  assert.equal(huge.length, 10_000);
  pool.release(huge);
  assert.equal(pool.freeBytes, 2048);
});
