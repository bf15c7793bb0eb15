import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('`rivulet --help` prints usage and exits 0', () => {
  const r = spawnSync(process.execPath, ['bin/rivulet.js', '--help'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /Usage: rivulet <command>/);
});

test('an unknown command exits 2 with a message', () => {
  const r = spawnSync(process.execPath, ['bin/rivulet.js', 'no-such-command'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'no-such-command'/);
});
