// SASL failures and re-authentication, each checked while another authenticated client keeps
// working: wrong password, unknown user, expired and malformed OAUTHBEARER tokens, a mechanism
// that is not enabled, SaslAuthenticate before SaslHandshake, other requests before
// authentication, an oversized SASL frame, a malformed token. Passwords never reach the log.
// Re-authentication (KIP-368): the session lifetime is announced, re-authenticating extends it,
// a request after it expired closes the connection, and KafkaJS re-authenticates on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { memoryLogger, startBroker, type Broker } from '../../src/index.js';
import { ErrorCode } from '../../src/protocol/index.js';
import { ProtocolClient } from '../support/protocol-client.js';
import { waitFor } from '../support/wait.js';
import { run } from './support/clients.js';
import { addScramUser, unsecuredToken } from './support/sasl-users.js';

const { Kafka, logLevel } = kafkajs;

const PLAIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'user_admin="admin-secret" user_alice="alice-secret";';
const REAUTH_MS = 1500;
const METADATA_ALL = {
  topics: null,
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
};

let broker: Broker;
/** An authenticated connection that must keep working while others fail. */
let witness: ProtocolClient;
const logger = memoryLogger('debug');
const port = (name: string): number => broker.listeners.find((l) => l.name === name)!.port;

before(async () => {
  broker = await startBroker({
    logger,
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,REAUTH://127.0.0.1:0',
      'listener.security.protocol.map':
        'PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,REAUTH:SASL_PLAINTEXT',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,OAUTHBEARER',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
      'listener.name.reauth.plain.sasl.jaas.config': PLAIN_JAAS,
      'listener.name.reauth.connections.max.reauth.ms': REAUTH_MS,
      'sasl.server.max.receive.size': 4096,
      'connection.failed.authentication.delay.ms': 50,
    },
  });
  await addScramUser(port('PLAINTEXT'), 'bob', 'bob-secret', 'SCRAM-SHA-256');
  witness = await plainLogin(port('SASL_PLAINTEXT'), 'admin', 'admin-secret');
});
after(async () => {
  witness.close();
  await broker.close();
});

async function plainLogin(p: number, user: string, password: string): Promise<ProtocolClient> {
  const client = await ProtocolClient.connect(p);
  const hs = await client.request(17, 1, { mechanism: 'PLAIN' });
  assert.equal(hs.errorCode, ErrorCode.NONE);
  const auth = await client.request(36, 2, { authBytes: Buffer.from(`\0${user}\0${password}`) });
  assert.equal(auth.errorCode, ErrorCode.NONE, auth.errorMessage);
  return client;
}

async function witnessWorks(): Promise<void> {
  const meta = await witness.request(3, 12, METADATA_ALL);
  assert.equal(meta.brokers.length, 1);
}

async function failsThenCloses(client: ProtocolClient, authBytes: Buffer, message: RegExp) {
  const res = await client.request(36, 2, { authBytes });
  assert.equal(res.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.match(res.errorMessage, message);
  await client.waitClosed();
  await witnessWorks();
}

test('a wrong password gets SASL_AUTHENTICATION_FAILED with a message, then the connection closes', async () => {
  const client = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  await client.request(17, 1, { mechanism: 'PLAIN' });
  await failsThenCloses(
    client,
    Buffer.from('\0alice\0not-the-secret'),
    /Invalid username or password/,
  );
  const kafka = new Kafka({
    brokers: [`127.0.0.1:${port('SASL_PLAINTEXT')}`],
    sasl: { mechanism: 'plain', username: 'alice', password: 'wrong-one' },
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await assert.rejects(
    admin.connect(),
    /Invalid username or password|SASL PLAIN authentication failed/,
  );
  // The log names the failure, never the password.
  await waitFor('the failed login to be logged', () =>
    logger.records.some((r) => r.message.startsWith('Failed authentication with /127.0.0.1')),
  );
  const all = JSON.stringify(logger.records);
  for (const secret of ['not-the-secret', 'wrong-one', 'alice-secret', 'bob-secret']) {
    assert.ok(!all.includes(secret), `the log holds ${secret}`);
  }
});

test('an unknown SCRAM user and a wrong SCRAM password are refused (kcat)', async () => {
  for (const [user, password] of [
    ['nobody', 'x'],
    ['bob', 'not-bob-secret'],
  ]) {
    const r = await run('kcat', [
      '-b',
      `127.0.0.1:${port('SASL_PLAINTEXT')}`,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanism=SCRAM-SHA-256',
      '-X',
      `sasl.username=${user}`,
      '-X',
      `sasl.password=${password}`,
      '-L',
      '-m',
      '2',
    ]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /invalid credentials with SASL mechanism SCRAM-SHA-256/);
  }
  await witnessWorks();
});

test('expired and malformed OAUTHBEARER tokens are refused with the RFC 7628 error exchange', async () => {
  for (const [token, why] of [
    [unsecuredToken('erin', -60), /expired/],
    ['not.a-token', /not an unsecured JWS|base64url JSON/],
  ] as const) {
    const client = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
    await client.request(17, 1, { mechanism: 'OAUTHBEARER' });
    const first = await client.request(36, 2, {
      authBytes: Buffer.from(`n,,\x01auth=Bearer ${token}\x01\x01`),
    });
    assert.equal(first.errorCode, ErrorCode.NONE);
    assert.deepEqual(JSON.parse(first.authBytes.toString()), { status: 'invalid_token' });
    await failsThenCloses(client, Buffer.from('\x01'), why);
  }
});

test('a handshake for a mechanism that is not enabled gets UNSUPPORTED_SASL_MECHANISM and the list', async () => {
  const client = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  const res = await client.request(17, 1, { mechanism: 'SCRAM-SHA-512' });
  assert.deepEqual(res, {
    errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM,
    mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'OAUTHBEARER'],
  });
  client.close();
  await witnessWorks();
});

test('SaslAuthenticate before SaslHandshake, or Metadata before authentication, closes the connection', async () => {
  const early = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  await assert.rejects(early.request(36, 2, { authBytes: Buffer.from('\0alice\0alice-secret') }));
  await early.waitClosed();
  const nosy = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  const versions = await nosy.request(18, 3, {
    clientSoftwareName: 'test',
    clientSoftwareVersion: '1',
  });
  assert.equal(versions.errorCode, ErrorCode.NONE);
  await assert.rejects(nosy.request(3, 12, METADATA_ALL));
  await nosy.waitClosed();
  await witnessWorks();
});

test('an oversized or malformed SASL frame closes the connection', async () => {
  const big = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  big.send(17, 1, Buffer.alloc(8192, 1));
  await big.waitClosed();
  const bad = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  await bad.request(17, 1, { mechanism: 'PLAIN' });
  await failsThenCloses(bad, Buffer.from('only-one-part'), /Invalid SASL\/PLAIN response/);
  const scram = await ProtocolClient.connect(port('SASL_PLAINTEXT'));
  await scram.request(17, 1, { mechanism: 'SCRAM-SHA-256' });
  await failsThenCloses(
    scram,
    Buffer.from('p=tls-unique,,n=bob,r=abc'),
    /Invalid SCRAM client first message/,
  );
});

test('re-authentication: the lifetime is announced, re-authenticating extends it, expiry closes', async () => {
  const client = await ProtocolClient.connect(port('REAUTH'));
  await client.request(17, 1, { mechanism: 'PLAIN' });
  const auth = await client.request(36, 2, { authBytes: Buffer.from('\0alice\0alice-secret') });
  assert.equal(auth.errorCode, ErrorCode.NONE);
  assert.equal(auth.sessionLifetimeMs, BigInt(REAUTH_MS));
  const firstExpiry = Date.now() + REAUTH_MS;
  // Re-authenticate on the same connection before the session ends, then pass the first expiry.
  assert.equal((await client.request(17, 1, { mechanism: 'PLAIN' })).errorCode, ErrorCode.NONE);
  const again = await client.request(36, 2, { authBytes: Buffer.from('\0alice\0alice-secret') });
  assert.equal(again.errorCode, ErrorCode.NONE);
  const secondExpiry = Date.now() + REAUTH_MS;
  await waitFor('the first session to pass its end', () => Date.now() > firstExpiry + 100);
  if (Date.now() < secondExpiry) {
    const meta = await client.request(3, 12, METADATA_ALL);
    assert.equal(meta.brokers.length, 1);
  }
  // Re-authenticating as someone else is refused.
  await client.request(17, 1, { mechanism: 'PLAIN' });
  await failsThenCloses(client, Buffer.from('\0admin\0admin-secret'), /Cannot change principals/);
  // A session that was not renewed ends with the next request.
  const lapsed = await plainLogin(port('REAUTH'), 'alice', 'alice-secret');
  const lapsedAt = Date.now() + REAUTH_MS;
  await waitFor('the session to expire', () => Date.now() > lapsedAt + 100);
  await assert.rejects(lapsed.request(3, 12, METADATA_ALL));
  await lapsed.waitClosed();
});

test('KafkaJS re-authenticates by itself when the broker announces a session lifetime', async () => {
  const kafka = new Kafka({
    brokers: [`127.0.0.1:${port('REAUTH')}`],
    sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
    logLevel: logLevel.NOTHING,
  });
  const reauths = (): number =>
    logger.records.filter((r) => /re-authenticated as User:alice with PLAIN/.test(r.message))
      .length;
  const before = reauths();
  const producer = kafka.producer();
  await producer.connect();
  try {
    const started = Date.now();
    for (let i = 0; Date.now() < started + 2 * REAUTH_MS + 500; i++) {
      await producer.send({ topic: 'reauth-kafkajs', messages: [{ value: `m${i}` }] });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await producer.disconnect();
  }
  // Re-authenticated on its open connection rather than reconnecting after being closed.
  assert.ok(reauths() > before, 'KafkaJS re-authenticated');
});
