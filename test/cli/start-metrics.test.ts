// `rivulet start --metrics-port N` serves Prometheus metrics; a bad port is a usage error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../support/wait.js';

test('--metrics-port serves /metrics and the start prints where', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-cli-metrics-'));
  const child = spawn(
    process.execPath,
    ['bin/rivulet.js', 'start', '--port', '0', '--data-dir', dir, '--metrics-port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = await within(
    'the metrics line',
    new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const m = /^Prometheus metrics on (.*)$/m.exec(stdout);
        if (m !== null) resolve(m[1]!);
      });
      void exited.then(() => reject(new Error(`exited early: ${stderr}`)));
    }),
  );
  const match = /^http:\/\/0\.0\.0\.0:(\d+)\/metrics$/.exec(line);
  assert.ok(match, line);
  const res = await fetch(`http://127.0.0.1:${match[1]}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  assert.match(await res.text(), /^kafka_server_replicamanager_partitioncount \d+$/m);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
  rmSync(dir, { recursive: true });
});

test('a bad --metrics-port exits 2 naming it', () => {
  const r = spawnSync(process.execPath, ['bin/rivulet.js', 'start', '--metrics-port', 'x'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--metrics-port 'x' is not a port number/);
});
