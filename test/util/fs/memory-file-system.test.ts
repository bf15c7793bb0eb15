import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryFileSystem } from '../../../src/storage/index.js';

test('crash keeps fsynced data and drops the rest', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  const f = await fs.open('/d/x', { create: true });
  await f.writev([Buffer.from('hello ')], 0);
  await f.sync();
  await f.writev([Buffer.from('world')], 6);
  const after = fs.crash();
  assert.equal(after.peek('/d/x')!.toString(), 'hello ');
  await assert.rejects(f.writev([Buffer.from('!')], 11), /crashed/);
});

test('crash with randomness keeps a prefix of the writes, the last one torn', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  const f = await fs.open('/d/x', { create: true });
  await f.writev([Buffer.from('aaaa')], 0);
  await f.writev([Buffer.from('bbbb')], 4);
  const picks = [0.99, 0.5];
  const after = fs.crash({ random: () => picks.shift()! });
  assert.equal(after.peek('/d/x')!.toString(), 'aaaabb');
});

test('crashAfterBytes tears the write that crosses the crash point', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  const f = await fs.open('/d/x', { create: true });
  fs.crashAfterBytes(6);
  await f.writev([Buffer.from('aaaa')], 0);
  await assert.rejects(f.writev([Buffer.from('bbbb')], 4), /crashed/);
  assert.equal(fs.isCrashed, true);
  assert.equal(
    fs
      .crash({ random: () => 0.999 })
      .peek('/d/x')!
      .toString(),
    'aaaabb',
  );
});

test('failNext fails one matching operation without effect', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  const f = await fs.open('/d/x', { create: true });
  fs.failNext('sync');
  await assert.rejects(f.sync(), /injected/);
  await f.sync();
  fs.failNext('writev', (p) => p === '/d/x');
  await assert.rejects(f.writev([Buffer.from('a')], 0));
  assert.equal(await f.size(), 0);
  fs.failNext('writev');
  assert.throws(() => f.writevSync([Buffer.from('a')], 0), /injected/);
  assert.equal(await f.size(), 0);
  f.writevSync([Buffer.from('a'), Buffer.from('b')], 0);
  assert.equal(await f.size(), 2);
});

test('directories: readdir, rename of files and folders, rmdir, missing paths', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/r/a');
  const f = await fs.open('/r/a/f', { create: true });
  await f.writev([Buffer.from('x')], 0);
  assert.deepEqual(await fs.readdir('/r'), ['a']);
  await fs.rename('/r/a', '/r/b');
  assert.equal((await fs.readFile('/r/b/f'))!.toString(), 'x');
  assert.equal(await fs.readFile('/r/a/f'), null);
  assert.equal(await fs.stat('/r/a'), null);
  await assert.rejects(fs.open('/r/a/g', { create: true }), /ENOENT/);
  assert.equal(await fs.unlink('/r/zz'), false);
  await fs.rmdir('/r/b');
  assert.deepEqual(await fs.readdir('/r'), []);
});

test('setCapacity: a write past it is short and fails with ENOSPC; freed room is usable', async () => {
  const fs = new MemoryFileSystem();
  await fs.mkdir('/d');
  fs.setCapacity(10);
  const f = await fs.open('/d/x', { create: true });
  await f.writev([Buffer.from('abcdef')], 0);
  await assert.rejects(
    f.writev([Buffer.from('ghij'), Buffer.from('klmn')], 6),
    (err: NodeJS.ErrnoException) => err.code === 'ENOSPC' && err.syscall === 'write',
  );
  // What fitted was written, as a real disk's short write does.
  assert.equal(fs.peek('/d/x')!.toString(), 'abcdefghij');
  assert.equal(fs.usedBytes, 10);
  // Overwriting in place needs no room.
  await f.writev([Buffer.from('AB')], 0);
  assert.throws(() => f.writevSync([Buffer.from('z')], 10), /ENOSPC/);
  await f.truncate(6);
  await f.writev([Buffer.from('1234')], 6);
  assert.equal(fs.peek('/d/x')!.toString(), 'ABcdef1234');
  fs.setCapacity(Infinity);
  await f.writev([Buffer.from('more')], 10);
  assert.equal(fs.usedBytes, 14);
});
