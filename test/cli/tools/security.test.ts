// The CLI tools and the TypeScript client over TLS and SASL: `rivulet configs --entity-type
// users` creates, describes and deletes SCRAM credentials; every tool takes Kafka's client
// properties in --command-config (security.protocol, sasl.mechanism, sasl.jaas.config,
// ssl.truststore.*, ssl.keystore.*); the client authenticates with SCRAM over SASL_SSL,
// OAUTHBEARER and mutual TLS, and re-authenticates when the broker gives a session lifetime.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryLogger, startBroker, type Broker } from '../../../src/index.js';
import { Admin } from '../../../src/client/index.js';
import { makeCertificates, type CertificateSet } from '../../interop/support/certificates.js';
import { waitFor } from '../../support/wait.js';
import { runCli } from './run-cli.js';

let certs: CertificateSet;
let broker: Broker;
const logger = memoryLogger('debug');
const port = (name: string): number => broker.listeners.find((l) => l.name === name)!.port;

before(async () => {
  certs = await makeCertificates();
  broker = await startBroker({
    logger,
    config: {
      listeners:
        'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER,PLAIN',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required user_ann="ann-secret";',
      'listener.name.sasl_plaintext.connections.max.reauth.ms': 1000,
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-256,SCRAM-SHA-512',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      'listener.name.ssl.ssl.client.auth': 'required',
      'group.initial.rebalance.delay.ms': 0,
    },
  });
});
after(async () => {
  await broker.close();
  await certs.remove();
});

async function properties(name: string, lines: string[]): Promise<string> {
  const file = join(certs.dir, name);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

test('configs --entity-type users manages SCRAM credentials; tools log in with --command-config', async () => {
  const plain = ['--bootstrap-server', `127.0.0.1:${port('PLAINTEXT')}`];
  const users = ['configs', ...plain, '--entity-type', 'users', '--entity-name', 'alice'];
  let r = await runCli([
    ...users,
    '--alter',
    '--add-config',
    'SCRAM-SHA-256=[iterations=8192,password=alice-secret],SCRAM-SHA-512=[password=alice-secret]',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'Completed updating config for user alice.');
  r = await runCli([...users, '--describe']);
  assert.equal(
    r.stdout.trim(),
    "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, SCRAM-SHA-512=iterations=4096",
  );

  const config = await properties('alice.properties', [
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-256',
    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\',
    '  username="alice" password="alice-secret";',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${certs.caCert}`,
  ]);
  const secure = ['--bootstrap-server', `localhost:${port('SASL_SSL')}`];
  r = await runCli(['topics', ...secure, '--command-config', config, '--create', '--topic', 'sec']);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli(['console-producer', ...secure, '--producer.config', config, '--topic', 'sec'], {
    input: 'one\ntwo\n',
  });
  assert.equal(r.code, 0, r.stderr);
  r = await runCli([
    'console-consumer',
    ...secure,
    '--consumer.config',
    config,
    '--topic',
    'sec',
    '--from-beginning',
    '--max-messages',
    '2',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), ['one', 'two']);

  const wrong = await properties('wrong.properties', [
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-256',
    'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="nope";',
    'ssl.truststore.type=PEM',
    `ssl.truststore.location=${certs.caCert}`,
  ]);
  r = await runCli(['topics', ...secure, '--command-config', wrong, '--list']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /SASL_AUTHENTICATION_FAILED: .*invalid credentials/);

  r = await runCli([...users, '--alter', '--delete-config', 'SCRAM-SHA-256']);
  assert.equal(r.code, 0, r.stderr);
  r = await runCli([...users, '--describe']);
  assert.equal(
    r.stdout.trim(),
    "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-512=iterations=4096",
  );
  r = await runCli(['topics', ...secure, '--command-config', config, '--list']);
  assert.equal(r.code, 1, 'the deleted credential no longer logs in');
});

test('the client: OAUTHBEARER from a JAAS config, mutual TLS, and re-authentication', async () => {
  const oauth = await properties('oauth.properties', [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=OAUTHBEARER',
    'sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="olga";',
  ]);
  let r = await runCli(
    ['topics', '--bootstrap-server', `127.0.0.1:${port('SASL_PLAINTEXT')}`].concat([
      '--command-config',
      oauth,
      '--list',
    ]),
  );
  assert.equal(r.code, 0, r.stderr);

  const client = await certs.client('tool', '/O=acme/CN=tool');
  const keystore = join(certs.dir, 'tool.pem');
  const { readFile } = await import('node:fs/promises');
  await writeFile(
    keystore,
    (await readFile(client.key, 'utf8')) + (await readFile(client.cert, 'utf8')),
  );
  const mtls = await properties('mtls.properties', [
    'security.protocol=SSL',
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.location=${certs.truststoreP12}`,
    'ssl.truststore.password=ts-secret',
    'ssl.keystore.type=PEM',
    `ssl.keystore.location=${keystore}`,
  ]);
  r = await runCli(
    ['topics', '--bootstrap-server', `localhost:${port('SSL')}`].concat([
      '--command-config',
      mtls,
      '--list',
    ]),
  );
  assert.equal(r.code, 0, r.stderr);
  await waitFor('the mutual TLS principal', () =>
    logger.records.some((r) => r.message.includes('principal User:CN=tool,O=acme')),
  );

  const reauths = () =>
    logger.records.filter((rec) => rec.message.includes('re-authenticated as User:ann')).length;
  const admin = new Admin({
    bootstrapServers: `127.0.0.1:${port('SASL_PLAINTEXT')}`,
    sasl: { mechanism: 'PLAIN', username: 'ann', password: 'ann-secret' },
  });
  try {
    await admin.connect();
    await admin.listTopics();
    // The broker's session lifetime is 1 s: the connection re-authenticates before it ends and
    // keeps serving requests.
    await waitFor('the client to re-authenticate twice', async () => {
      await admin.listTopics();
      return reauths() >= 2;
    });
  } finally {
    admin.close();
  }
});
