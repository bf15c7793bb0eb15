// `rivulet start` hosting the web console with console.listener: the console comes up against
// the broker's own listener, shows it, and stops with the broker.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../support/wait.js';

test('console.listener serves the console against the broker it runs beside', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-console-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
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
      'console.listener=http://127.0.0.1:0',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.after(() => child.kill('SIGKILL'));
  const url = await within(
    'the console line',
    new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /^Rivulet console at (http:\/\/\S+)$/m.exec(stdout);
        if (m !== null) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
    }),
  );
  const bootstrap = /listening on (\S+) /.exec(stdout)![1]!;
  const page = await (await fetch(url)).text();
  assert.match(page, /<h1>Cluster overview<\/h1>/);
  assert.ok(page.includes(`<code>${bootstrap}</code>`), 'the console names the broker');
  assert.doesNotMatch(stderr, /console\.listener: unknown configuration key/);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('a console.listener that is not http://HOST:PORT exits 2 naming it', () => {
  const r = spawnSync(
    process.execPath,
    ['bin/rivulet.js', 'start', '--port', '0', '--override', 'console.listener=ftp://x'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2);
  assert.match(r.stderr, /console\.listener 'ftp:\/\/x' is not http:\/\/HOST:PORT/);
});
