// `rivulet rest-proxy` as a process: it prints where it listens, serves the API for the
// broker named by --bootstrap-server, exits 0 on SIGTERM, and exits 2 on a bad command line;
// and the proxy hosted by `rivulet start` with rest.listener.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../../src/index.js';
import { within } from '../../support/wait.js';

let broker: Broker;
before(async () => {
  broker = await startBroker({ port: 0 });
});
after(() => broker.close());

test('rest-proxy serves the cluster and stops on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [
      'bin/rivulet.js',
      'rest-proxy',
      '--bootstrap-server',
      broker.bootstrap,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--override',
      'id=cli',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const line = await within(
    'the listening line',
    new Promise<string>((resolve) =>
      child.stdout.on('data', () => stdout.includes('\n') && resolve(stdout.split('\n')[0]!)),
    ),
  );
  const match =
    /^Rivulet REST proxy listening on (http:\/\/127\.0\.0\.1:\d+) \(cluster: (.*)\)$/.exec(line);
  assert.ok(match, line);
  assert.equal(match[2], broker.bootstrap);
  const clusters = (await (await fetch(`${match[1]}/v3/clusters`)).json()) as {
    data: { cluster_id: string }[];
  };
  assert.equal(clusters.data.length, 1);
  const created = (await (
    await fetch(`${match[1]}/consumers/cli-group`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.kafka.v2+json' },
      body: '{}',
    })
  ).json()) as { instance_id: string };
  assert.match(created.instance_id, /^rest-consumer-cli-/);
  child.kill('SIGTERM');
  assert.equal(await within('the proxy to exit', exited), 0);
});

test('rest-proxy without a cluster or with an unknown key is a usage error', () => {
  const missing = spawnSync(process.execPath, ['bin/rivulet.js', 'rest-proxy'], {
    encoding: 'utf8',
  });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--bootstrap-server is required/);
  const unknown = spawnSync(
    process.execPath,
    [
      'bin/rivulet.js',
      'rest-proxy',
      '--bootstrap-server',
      broker.bootstrap,
      '--override',
      'no.such=1',
    ],
    { encoding: 'utf8' },
  );
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /Unsupported REST proxy config: no\.such/);
});

test('rivulet start with rest.listener hosts the proxy beside the broker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-rest-'));
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
      'rest.listener=http://127.0.0.1:0',
      '--override',
      'rest.id=hosted',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const lines = await within(
      'the two listening lines',
      new Promise<string[]>((resolve) =>
        child.stdout.on('data', () => {
          const all = stdout.split('\n');
          if (all.length >= 3) resolve(all.slice(0, 2));
        }),
      ),
    );
    const bootstrap = /listening on (\S+)/.exec(lines[0]!)![1]!;
    const url = /^Rivulet REST proxy listening on (http:\/\/\S+)$/.exec(lines[1]!)?.[1];
    assert.ok(url, lines[1]);
    const clusters = (await (await fetch(`${url}/v3/clusters`)).json()) as {
      data: { cluster_id: string }[];
    };
    const brokers = (await (
      await fetch(`${url}/v3/clusters/${clusters.data[0]!.cluster_id}/brokers`)
    ).json()) as { data: { host: string; port: number }[] };
    assert.equal(`${brokers.data[0]!.host}:${brokers.data[0]!.port}`, bootstrap);
    child.kill('SIGTERM');
    assert.equal(await within('the broker to exit', exited), 0);
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
