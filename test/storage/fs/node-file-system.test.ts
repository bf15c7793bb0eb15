import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileSystem, PartitionLog, DEFAULT_LOG_CONFIG } from '../../../src/storage/index.js';
import { makeBatch, baseOffsetsOf } from '../helpers.js';

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
