import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMetaProperties, readMetaProperties } from '../../src/metadata/index.js';

test('meta.properties gives every log dir one stable cluster id and guards the node id', async () => {
  const root = mkdtempSync(join(tmpdir(), 'rivulet-metaprops-'));
  try {
    const dirs = [join(root, 'a'), join(root, 'b')];
    for (const d of dirs) mkdirSync(d);
    const clusterId = await ensureMetaProperties(dirs, 3);
    assert.match(clusterId, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(await ensureMetaProperties(dirs, 3), clusterId);
    const a = await readMetaProperties(dirs[0]!);
    const b = await readMetaProperties(dirs[1]!);
    assert.equal(a?.clusterId, clusterId);
    assert.equal(b?.clusterId, clusterId);
    assert.notEqual(a?.directoryId, b?.directoryId);
    assert.match(readFileSync(join(dirs[0]!, 'meta.properties'), 'utf8'), /^node\.id=3$/m);
    // A new dir joins the same cluster.
    const c = join(root, 'c');
    mkdirSync(c);
    assert.equal(await ensureMetaProperties([...dirs, c], 3), clusterId);
    await assert.rejects(ensureMetaProperties(dirs, 4), /belongs to node 3/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
