// Kafka's own configuration files start a broker: a stock KRaft server.properties and
// Docker-style named listeners. Real clients (kcat) produce and consume through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBroker } from '../../src/index.js';
import { parseProperties } from '../../src/broker/config/index.js';
import { kcat, run } from '../interop/support/clients.js';
import { startRivulet } from '../interop/support/rivulet-process.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'config');
const RIVULET = join(ROOT, 'bin', 'rivulet.js');

/** Produces `values` with kcat and reads them back from the start. */
async function roundTrip(bootstrap: string, topic: string, values: string[]): Promise<string[]> {
  await kcat(['-b', bootstrap, '-P', '-t', topic], values.join('\n') + '\n', 30_000);
  const out = await kcat(['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'], '');
  // The topic has several partitions (num.partitions=3 in the fixtures): order across them is
  // not defined, so the values come back sorted.
  return out
    .split('\n')
    .filter((l) => l !== '')
    .sort();
}

test('a stock KRaft server.properties starts a broker that kcat produces to', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-kraft-'));
  const config = join(FIXTURES, 'kraft-server.properties');
  // --port 0 moves the PLAINTEXT listener (and its advertised address) to a free port;
  // --data-dir replaces log.dirs. Everything else is the file as written.
  const broker = await startRivulet(dir, ['--config', config]);
  try {
    assert.match(broker.bootstrap, /^localhost:\d+$/, 'advertised as the file says');
    assert.deepEqual(await roundTrip(broker.bootstrap, 'stock', ['a', 'b', 'c']), ['a', 'b', 'c']);
    const warnings = broker
      .stderr()
      .split('\n')
      .filter((l) => l.includes('] WARN '));
    assert.equal(warnings.length, 1, broker.stderr());
    for (const name of ['process.roles', 'controller.quorum.voters', 'listener CONTROLLER']) {
      assert.ok(warnings[0]!.includes(name), `${name} in ${warnings[0]}`);
    }
  } finally {
    assert.equal(await broker.stop('SIGTERM'), 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Docker-style named listeners mapped to PLAINTEXT are served by name', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-docker-'));
  const props = parseProperties(
    readFileSync(join(FIXTURES, 'docker-listeners.properties'), 'utf8'),
  );
  // The names, the protocol map and the controller keys as written; free loopback ports, and
  // each listener advertised at the port it was bound to.
  props.set('listeners', 'INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0');
  props.set('advertised.listeners', 'INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:0');
  props.set('log.dirs', dir);
  const broker = await startBroker({ config: props });
  try {
    assert.deepEqual(
      broker.listeners.map((l) => l.name),
      ['INTERNAL', 'EXTERNAL'],
      'the CONTROLLER listener is not bound',
    );
    const external = broker.listeners.find((l) => l.name === 'EXTERNAL')!;
    const internal = broker.listeners.find((l) => l.name === 'INTERNAL')!;
    assert.notEqual(external.port, internal.port);
    // A client on EXTERNAL is told the EXTERNAL address, one on INTERNAL the INTERNAL one.
    for (const l of [external, internal]) {
      const md = JSON.parse(await kcat(['-b', `127.0.0.1:${l.port}`, '-L', '-J'])) as {
        brokers: { name: string }[];
      };
      assert.deepEqual(
        md.brokers.map((b) => b.name),
        [`127.0.0.1:${l.port}`],
      );
    }
    const bootstrap = `127.0.0.1:${external.port}`;
    assert.deepEqual(await roundTrip(bootstrap, 'docker', ['x', 'y']), ['x', 'y']);
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a data dir that cannot be created fails with a message naming it', async () => {
  const r = await run(
    process.execPath,
    [RIVULET, 'start', '--port', '0', '--data-dir', '/proc/nope'],
    {
      timeoutMs: 30_000,
    },
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /^rivulet start: cannot use data directory \/proc\/nope: cannot create \/proc\/nope/,
  );
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-datadir-'));
  try {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    await assert.rejects(
      startBroker({ dataDir: join(file, 'data') }),
      new RegExp(`cannot use data directory .*: ${file} exists and is not a directory`),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
