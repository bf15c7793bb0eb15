// One broker per data directory: a `.lock` file taken before anything in the directory is
// read or written, released on close, and taken over when its holder has died.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';
import { lockDataDirs } from '../../src/storage/index.js';
import { run } from '../interop/support/clients.js';
import { startRivulet } from '../interop/support/rivulet-process.js';

const RIVULET = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'bin',
  'rivulet.js',
);
const LOCKED =
  /Failed to acquire lock on file \.lock in (.*)\. A Kafka instance in another process or thread is using this directory\./m;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'rivulet-lock-'));
}

/** Runs `rivulet start` that is expected to fail; resolves with its exit code and stderr. */
async function failingStart(args: string[]) {
  const r = await run(process.execPath, [RIVULET, 'start', ...args], { timeoutMs: 30_000 });
  return { code: r.code, stderr: r.stderr };
}

/** Names, sizes and modification times of everything under `dir`. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    const s = statSync(path);
    out.push(`${path} ${s.isDirectory() ? 'dir' : s.size} ${s.mtimeMs}`);
  }
  return out.sort();
}

test('a second startBroker on the same data dir in one process is refused', async () => {
  const dir = tempDir();
  try {
    const first = await startBroker({ dataDir: dir });
    await assert.rejects(startBroker({ dataDir: dir }), (err: Error) => {
      const match = LOCKED.exec(err.message);
      assert.ok(match, err.message);
      assert.equal(match[1], dir);
      return true;
    });
    assert.ok(existsSync(join(dir, '.lock')), 'the first broker still holds its lock');
    await first.close();
    assert.ok(!existsSync(join(dir, '.lock')), 'close() releases the lock');
    const again = await startBroker({ dataDir: dir });
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('one data dir reached through a symlink is still one directory', async () => {
  const dir = tempDir();
  const link = `${dir}-link`;
  symlinkSync(dir, link);
  try {
    const first = await startBroker({ dataDir: dir });
    await assert.rejects(startBroker({ dataDir: link }), LOCKED);
    await first.close();
  } finally {
    rmSync(link, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two startBroker calls racing on one data dir: exactly one starts', async () => {
  const dir = tempDir();
  try {
    const results = await Promise.allSettled([
      startBroker({ dataDir: dir }),
      startBroker({ dataDir: dir }),
    ]);
    const started = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(started.length, 1);
    assert.equal(refused.length, 1);
    assert.match(String((refused[0] as PromiseRejectedResult).reason), LOCKED);
    await (
      started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startBroker>>>
    ).value.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every directory of log.dirs is locked, and a refusal leaves none of them locked', async () => {
  const a = tempDir();
  const b = tempDir();
  try {
    const held = await startBroker({ config: { 'log.dirs': b } });
    await assert.rejects(startBroker({ config: { 'log.dirs': `${a},${b}` } }), LOCKED);
    assert.ok(!existsSync(join(a, '.lock')), 'the lock already taken on the first dir is released');
    await held.close();
    const both = await startBroker({ config: { 'log.dirs': `${a},${b}` } });
    assert.ok(existsSync(join(a, '.lock')) && existsSync(join(b, '.lock')));
    await both.close();
  } finally {
    rmSync(a, { recursive: true, force: true });
    rmSync(b, { recursive: true, force: true });
  }
});

test('a lock left by a dead process, by a recycled pid or garbled is taken over', async () => {
  const dir = tempDir();
  try {
    const dead = await run(process.execPath, ['-e', 'console.log(process.pid)']);
    const deadPid = Number(dead.stdout.trim());
    const stale = [
      JSON.stringify({ pid: deadPid, startTime: null, token: 'dead' }),
      // A live pid whose process started at another time than the lock's holder did.
      JSON.stringify({ pid: process.ppid, startTime: 'not-a-start-time', token: 'recycled' }),
      'garbled',
      '',
    ];
    for (const text of stale) {
      writeFileSync(join(dir, '.lock'), text);
      const lock = await lockDataDirs([dir]);
      assert.match(readFileSync(join(dir, '.lock'), 'utf8'), new RegExp(`"pid":${process.pid}`));
      await lock.release();
      assert.ok(!existsSync(join(dir, '.lock')), text);
    }
    assert.deepEqual(readdirSync(dir), [], 'no temporary files are left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock held by a live process is respected', async () => {
  const dir = tempDir();
  try {
    // The parent of this test process is alive for the whole test; no start time: pid only.
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: process.ppid, token: 'live' }));
    await assert.rejects(lockDataDirs([dir]), (err: Error) => {
      assert.match(err.message, LOCKED);
      assert.match(err.message, new RegExp(`held by process ${process.ppid}\\.`));
      return true;
    });
    assert.match(readFileSync(join(dir, '.lock'), 'utf8'), /"token":"live"/, 'left as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second rivulet start on a live data dir is refused with Kafka’s message', async () => {
  const dir = tempDir();
  const first = await startRivulet(dir);
  try {
    const second = await failingStart(['--port', '0', '--data-dir', dir]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, LOCKED);
    // The first broker still serves.
    const r = await run('kcat', ['-b', first.bootstrap, '-L', '-J'], { timeoutMs: 20_000 });
    assert.equal(r.code, 0, r.stderr);
  } finally {
    await first.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second start on a port in use leaves the live data dir untouched', async () => {
  const dir = tempDir();
  const first = await startRivulet(dir);
  try {
    const before = snapshot(dir);
    const second = await failingStart(['--port', String(first.port), '--data-dir', dir]);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /EADDRINUSE/);
    assert.deepEqual(snapshot(dir), before);
    assert.ok(!existsSync(join(dir, '.kafka_cleanshutdown')), 'no clean-shutdown marker');
    // So a crash of the live broker is still recovered as one.
    assert.equal(await first.stop('SIGKILL'), null);
    assert.ok(!existsSync(join(dir, '.kafka_cleanshutdown')));
  } finally {
    first.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the stale lock of a kill -9’d broker does not block the next start', async () => {
  const dir = tempDir();
  try {
    const crashed = await startRivulet(dir);
    assert.equal(await crashed.stop('SIGKILL'), null);
    assert.ok(existsSync(join(dir, '.lock')), 'the crash left its lock file');
    const next = await startRivulet(dir);
    const lock = JSON.parse(readFileSync(join(dir, '.lock'), 'utf8')) as { pid: number };
    assert.equal(lock.pid, next.child.pid);
    assert.equal(await next.stop('SIGTERM'), 0);
    assert.ok(!existsSync(join(dir, '.lock')), 'a graceful stop removes the lock');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
