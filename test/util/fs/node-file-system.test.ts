import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem, PartitionLog, DEFAULT_LOG_CONFIG } from '../../../src/storage/index.js';
import { openFilesLimit } from '../../../src/util/fs/node-file-system.js';
import { makeBatch, baseOffsetsOf } from '../../storage/helpers.js';

test('NodeFileSystem: positional vectored writes, reads, rename, missing files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-fs-'));
  const fs = new NodeFileSystem();
  await fs.mkdir(`${root}/d`);
  const f = await fs.open(`${root}/d/x`, { create: true });
  await f.writev([Buffer.from('ab'), Buffer.from('cd')], 0);
  await f.writev([Buffer.from('Z')], 1);
  await f.sync();
  const buf = Buffer.alloc(10);
  assert.equal(await f.read(buf, 0, 10, 0), 4);
  assert.equal(buf.subarray(0, 4).toString(), 'aZcd');
  await f.truncate(2);
  assert.equal(await f.size(), 2);
  await f.close();
  await fs.rename(`${root}/d/x`, `${root}/d/y`);
  await fs.syncDir(`${root}/d`);
  assert.deepEqual(await fs.readdir(`${root}/d`), ['y']);
  assert.equal(await fs.readFile(`${root}/d/x`), null);
  assert.equal(await fs.stat(`${root}/d/x`), null);
  assert.equal(await fs.unlink(`${root}/d/x`), false);
  await fs.rmdir(root);
  assert.equal(await fs.stat(root), null);
});

test('a partition log on real files survives close and reopen', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-log-'));
  const fs = new NodeFileSystem();
  const open = () =>
    PartitionLog.open({
      fs,
      dir: `${root}/t-0`,
      topic: 't',
      partition: 0,
      config: { ...DEFAULT_LOG_CONFIG, segmentBytes: 1000 },
    });
  const log = await open();
  for (let i = 0; i < 30; i++) await log.append(makeBatch({ payloadBytes: 100 }));
  await log.close();
  const again = await open();
  assert.equal(again.logEndOffset, 30);
  assert.deepEqual(baseOffsetsOf((await again.read(25, { maxBytes: 10 })).records), [25]);
  await again.close();
  await fs.rmdir(root);
});

test('NodeFileSystem: writevSync writes every buffer at the position, on the calling thread', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-fs-'));
  const fs = new NodeFileSystem();
  const f = await fs.open(`${root}/x`, { create: true });
  f.writevSync([Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cd')], 0);
  f.writevSync([Buffer.from('Z')], 3);
  f.writevSync([], 9);
  assert.equal((await fs.readFile(`${root}/x`))?.toString(), 'abcZ');
  await f.close();
  assert.throws(() => f.writevSync([Buffer.from('a')], 0), /EBADF/);
  await fs.rmdir(root);
});

test('NodeFileSystem: at most maxOpenFiles descriptors, files reopen on use and follow renames', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-fs-lru-'));
  const fs = new NodeFileSystem({ maxOpenFiles: 4 });
  assert.equal(fs.maxOpenFiles, 4);
  await fs.mkdir(`${root}/d`);
  const files = [];
  for (let i = 0; i < 20; i++) {
    const f = await fs.open(`${root}/d/f${i}`, { create: true });
    f.writevSync([Buffer.from(`file ${i}.`)], 0);
    files.push(f);
    assert.ok(fs.openDescriptors <= 4, `${fs.openDescriptors} open`);
  }
  // Every file, its descriptor long closed, reads and grows through a new one.
  await fs.rename(`${root}/d/f0`, `${root}/d/renamed`);
  await fs.rename(`${root}/d`, `${root}/e`);
  for (const [i, f] of files.entries()) {
    await f.writev([Buffer.from('more')], `file ${i}.`.length);
    await f.sync();
    const buf = Buffer.alloc(64);
    const n = f.readSync(buf, 0, 64, 0);
    assert.equal(buf.subarray(0, n).toString(), `file ${i}.more`);
    assert.equal(await f.size(), n);
    assert.ok(fs.openDescriptors <= 4);
  }
  assert.equal((await fs.readFile(`${root}/e/renamed`))?.toString(), 'file 0.more');
  // Operations in flight on more files than the cap all complete.
  const bufs = files.map(() => Buffer.alloc(16));
  const reads = await Promise.all(files.map((f, i) => f.read(bufs[i]!, 0, 16, 0)));
  assert.ok(reads.every((n) => n > 0));
  for (const f of files) await f.close();
  assert.equal(fs.openDescriptors, 0);
  await assert.rejects(files[1]!.read(Buffer.alloc(1), 0, 1, 0), /EBADF/);
  // A lazily opened file takes no descriptor until used.
  const lazy = await fs.open(`${root}/e/f3`, { lazy: true });
  assert.equal(fs.openDescriptors, 0);
  assert.equal(await lazy.size(), 'file 3.more'.length);
  assert.equal(fs.openDescriptors, 1);
  await lazy.close();
  await fs.rmdir(root);
});

test('NodeFileSystem: the cap never exceeds half the process limit on open files', () => {
  const limit = openFilesLimit();
  const fs = new NodeFileSystem({ maxOpenFiles: 10_000_000 });
  if (limit === null) assert.equal(fs.maxOpenFiles, 10_000_000);
  else assert.equal(fs.maxOpenFiles, Math.floor(limit / 2));
});
