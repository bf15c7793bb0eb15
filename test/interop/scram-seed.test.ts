// The first SCRAM users without an open listener: `rivulet start --add-scram` (Kafka's
// `kafka-storage format --add-scram` syntax) on a broker whose only listener is SASL_SSL. kcat
// and confluent-kafka-python log in with the seeded users; a wrong password is refused; a
// restart with another password for the same user keeps the stored one; a malformed seed stops
// the start with its reason.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeCertificates } from './support/certificates.js';
import { confluent, kcat, run } from './support/clients.js';
import { startRivulet, type RivuletProcess } from './support/rivulet-process.js';

test('rivulet start --add-scram seeds SCRAM users that kcat and confluent-kafka-python log in with', async (t) => {
  const certs = await makeCertificates();
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-scram-seed-'));
  let broker: RivuletProcess | null = null;
  t.after(async () => {
    await broker?.stop('SIGTERM');
    await certs.remove();
    await rm(dataDir, { recursive: true, force: true });
  });
  const config = [
    ['listeners', 'SASL_SSL://localhost:0'],
    ['sasl.enabled.mechanisms', 'SCRAM-SHA-256,SCRAM-SHA-512'],
    ['ssl.keystore.type', 'PEM'],
    ['ssl.keystore.location', certs.brokerPem],
  ].flatMap(([k, v]) => ['--override', `${k}=${v}`]);
  const start = (adminPassword: string) =>
    startRivulet(dataDir, [
      ...config,
      '--add-scram',
      `SCRAM-SHA-256=[name=admin,password=${adminPassword}]`,
      '-S',
      'SCRAM-SHA-512=[name=alice,iterations=8192,password="a,b=c"]',
    ]);
  broker = await start('admin-secret');

  const login = (mechanism: string, user: string, password: string) => [
    '-b',
    broker!.bootstrap,
    '-X',
    'security.protocol=SASL_SSL',
    '-X',
    `ssl.ca.location=${certs.caCert}`,
    '-X',
    `sasl.mechanism=${mechanism}`,
    '-X',
    `sasl.username=${user}`,
    '-X',
    `sasl.password=${password}`,
  ];
  await kcat([...login('SCRAM-SHA-256', 'admin', 'admin-secret'), '-P', '-t', 'seeded'], 'one\n');
  const read = await kcat([
    ...login('SCRAM-SHA-512', 'alice', 'a,b=c'),
    ...['-C', '-t', 'seeded', '-o', 'beginning', '-e', '-q'],
  ]);
  assert.equal(read.trim(), 'one');

  const produced = await confluent<{ reports: { error: string | null }[] }>('produce', {
    bootstrap: broker.bootstrap,
    topic: 'seeded',
    messages: [{ value: 'two' }],
    config: {
      'security.protocol': 'SASL_SSL',
      'ssl.ca.location': certs.caCert,
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.username': 'alice',
      'sasl.password': 'a,b=c',
    },
  });
  assert.deepEqual(
    produced.reports.map((r) => r.error),
    [null],
  );

  const wrong = await run('kcat', [...login('SCRAM-SHA-256', 'admin', 'nope'), '-L', '-m', '5']);
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /Authentication failed|SASL authentication error/i);

  // A restart with another password keeps the credential already in the metadata.
  await broker.stop('SIGTERM');
  broker = null;
  broker = await start('another-secret');
  const again = await kcat([...login('SCRAM-SHA-256', 'admin', 'admin-secret'), '-L', '-J']);
  assert.ok(JSON.parse(again).topics.some((topic: { topic: string }) => topic.topic === 'seeded'));
  assert.match(broker.stderr(), /SCRAM-SHA-256 credential of admin exists; --add-scram keeps it/);
});

test('a malformed --add-scram stops the start with its reason', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-scram-seed-'));
  t.after(() => rm(dataDir, { recursive: true, force: true }));
  await assert.rejects(
    startRivulet(dataDir, ['--add-scram', 'SCRAM-SHA-1=[name=admin,password=x]']),
    /exited 1[\s\S]*unknown SCRAM mechanism SCRAM-SHA-1/,
  );
  await assert.rejects(
    startRivulet(dataDir, ['--add-scram', 'SCRAM-SHA-256=[name=admin,iterations=10,password=x]']),
    /iterations of admin must be 4096\.\.16384/,
  );
});
