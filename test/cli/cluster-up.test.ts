// `rivulet cluster up` as a person runs it: etcd and two brokers on this machine, seen by kcat,
// stopped with Ctrl-C (SIGINT); and the message when etcd is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeFreePort } from '../../src/cli/cluster/etcd-process.js';
import { kcat, run } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';

const here = dirname(fileURLToPath(import.meta.url));
const RIVULET = join(here, '..', '..', '..', 'bin', 'rivulet.js');

/** A port p such that p and p + 1 are both free now. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await probeFreePort();
    const next = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 1, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (next) return port;
  }
}

test('cluster up starts etcd and the brokers, prints the bootstrap list and stops on Ctrl-C', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-cluster-up-'));
  // cluster up takes consecutive ports (brokers on base and base+1, etcd's peer on etcd+1):
  // both of each pair must be free, or a port another test holds fails the start.
  const basePort = await freePortPair();
  const etcdPort = await freePortPair();
  const child = spawn(
    process.execPath,
    [
      RIVULET,
      'cluster',
      'up',
      '--brokers',
      '2',
      '--base-port',
      String(basePort),
      '--etcd-port',
      String(etcdPort),
      '--dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (c) => resolve((code = c))),
  );
  try {
    // A bound for hangs: etcd and two brokers start slowly on a loaded machine.
    await waitFor('the bootstrap list', () => out.includes('cluster up:') || code !== undefined, {
      timeoutMs: 90_000,
    });
    assert.equal(code, undefined, `cluster up exited ${code}:\n${out}\n${err.slice(-3000)}`);
    const bootstrap = `127.0.0.1:${basePort},127.0.0.1:${basePort + 1}`;
    assert.match(out, new RegExp(`bootstrap servers ${bootstrap}`));
    const md = JSON.parse(await kcat(['-L', '-J', '-b', bootstrap])) as {
      brokers: { id: number }[];
    };
    assert.deepEqual(md.brokers.map((b) => b.id).sort(), [1, 2]);
    // Ctrl-C stops everything and exits 0.
    child.kill('SIGINT');
    assert.equal(await exited, 0);
  } finally {
    // After a failure: cluster up still stops its etcd and brokers on Ctrl-C.
    child.kill('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without etcd on the PATH, cluster up says how to install it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-cluster-up-'));
  try {
    const r = await run('/usr/bin/env', [
      'PATH=/nonexistent',
      process.execPath,
      RIVULET,
      'cluster',
      'up',
      '--dir',
      dir,
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /apt-get install etcd-server/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
