import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadModule } from '../../src/cli/load-module.js';

test('loadModule resolves from src/cli/ and gives the same instance import() does', async () => {
  type Registry = typeof import('../../src/cli/command-registry.js');
  const loaded = await loadModule<Registry>('./command-registry.js');
  const imported = await import('../../src/cli/command-registry.js');
  assert.equal(loaded, imported);
  // One module state: a command registered through one is found through the other.
  const command = { summary: 'test only', run: async () => 0 };
  loaded.registerCommand('load-module-test', command);
  assert.equal(imported.findCommand('load-module-test'), command);
});

test('loadModule rejects for a module that does not exist', async () => {
  await assert.rejects(loadModule('./no-such-module.js'), /Cannot find module|no-such-module/);
});

test('loadModule loads a module with top-level await, which require() cannot', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-load-module-'));
  try {
    const path = join(dir, 'awaits.mjs');
    await writeFile(path, 'export const value = await Promise.resolve(42);\n');
    const loaded = await loadModule<{ value: number }>(path);
    assert.equal(loaded.value, 42);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
