import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../support/wait.js';

function startProcess(args: string[]) {
  const child = spawn(process.execPath, ['bin/rivulet.js', 'start', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = within(
    'the listening line',
    new Promise<string>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) resolve(stdout.split('\n')[0]!);
      });
      void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
    }),
  );
  return { child, listening, exited, output: () => ({ stdout, stderr }) };
}

test('start prints one listening line, accepts connections, and exits 0 on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-cli-'));
  const props = join(dir, 'server.properties');
  writeFileSync(props, '# test\nnode.id=3\nno.such.key=1\n');
  const p = startProcess(['--config', props, '--port', '0', '--data-dir', dir]);
  const line = await p.listening;
  const match = /^Rivulet broker 3 listening on 127\.0\.0\.1:(\d+) \(data: (.*)\)$/.exec(line);
  assert.ok(match, line);
  assert.equal(match[2], dir);
  await new Promise<void>((resolve, reject) => {
    const s = connect({ port: Number(match[1]), host: '127.0.0.1' }, () => {
      s.destroy();
      resolve();
    });
    s.on('error', reject);
  });
  p.child.kill('SIGTERM');
  assert.equal(await p.exited, 0);
  const { stdout, stderr } = p.output();
  assert.equal(stdout.trim().split('\n').length, 1, 'exactly one line on stdout');
  assert.match(stderr, /no\.such\.key: unknown configuration key/);
  rmSync(dir, { recursive: true });
});

test('SIGINT also stops the broker with exit code 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-cli-'));
  const p = startProcess(['--port', '0', '--data-dir', dir, '--override', 'num.partitions=2']);
  await p.listening;
  p.child.kill('SIGINT');
  assert.equal(await p.exited, 0);
  rmSync(dir, { recursive: true });
});

test('a bad flag exits 2 and names the flag', () => {
  const r = spawnSync(process.execPath, ['bin/rivulet.js', 'start', '--no-such-flag'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--no-such-flag/);
});

test('a bad --port or --override exits 2 naming it', () => {
  for (const args of [
    ['--port', 'abc'],
    ['--override', 'nokey'],
  ]) {
    const r = spawnSync(process.execPath, ['bin/rivulet.js', 'start', ...args], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, new RegExp(args[0]!), args.join(' '));
  }
});

test('an invalid config value exits 1 naming the key', () => {
  const r = spawnSync(
    process.execPath,
    ['bin/rivulet.js', 'start', '--port', '0', '--override', 'num.partitions=zero'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 1);
  assert.match(r.stderr, /num\.partitions=zero: expected an integer/);
});

test('`rivulet --help` lists start and `rivulet start --help` lists its options', () => {
  const top = spawnSync(process.execPath, ['bin/rivulet.js', '--help'], { encoding: 'utf8' });
  assert.match(top.stdout, /^\s+start\s+Start a broker/m);
  const r = spawnSync(process.execPath, ['bin/rivulet.js', 'start', '--help'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0);
  for (const flag of ['--config', '--override', '--port', '--data-dir']) {
    assert.ok(r.stdout.includes(flag), flag);
  }
});
