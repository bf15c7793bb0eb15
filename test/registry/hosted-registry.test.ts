// `rivulet start --override schema.registry.listeners=URL`: the broker process hosts a schema
// registry that reaches the broker through its own listener, and stops it on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { avro, call } from './support/registry-fixture.js';

test(
  'the broker hosts a registry with schema.registry.listeners',
  { timeout: 60_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'rivulet-hosted-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const child = spawn(
      process.execPath,
      [
        'bin/rivulet.js',
        'start',
        '--port',
        '0',
        '--data-dir',
        dir,
        '--override',
        'schema.registry.listeners=http://127.0.0.1:0',
        '--override',
        'group.initial.rebalance.delay.ms=0',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    t.after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    let url = '';
    for await (const line of createInterface({ input: child.stdout! })) {
      const m = /^Schema registry listening on (\S+)$/.exec(line);
      if (m !== null) {
        url = m[1]!;
        break;
      }
    }
    assert.notEqual(url, '', 'the registry announced its URL');
    const schema = avro({ type: 'record', name: 'Hosted', fields: [{ name: 'a', type: 'int' }] });
    assert.deepEqual((await call(url, 'POST', '/subjects/h-value/versions', schema)).body, {
      id: 1,
    });
    assert.deepEqual((await call(url, 'GET', '/subjects')).body, ['h-value']);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  },
);
