// TLS listeners with real clients: kcat and confluent-kafka-python (librdkafka) over SSL with a
// PEM keystore and with a PKCS12 keystore, KafkaJS, @platformatic/kafka and kafka-python over SSL, mutual TLS with the principal mapped from the
// client certificate, refused clients (plaintext on the TLS port, TLS on the plaintext port,
// no client certificate where one is required) while others keep working, and a renewed
// certificate served to new connections without a restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect } from 'node:tls';
import { connect as netConnect } from 'node:net';
import { memoryLogger, startBroker, type Broker } from '../../src/index.js';
import { makeCertificates, type CertificateSet } from './support/certificates.js';
import { readFile } from 'node:fs/promises';
import kafkajs from 'kafkajs';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { confluent, kafkaPython, kcat, run } from './support/clients.js';
import { waitFor } from '../support/wait.js';

let certs: CertificateSet;
let broker: Broker;
const logger = memoryLogger('debug');

function port(name: string): number {
  return broker.listeners.find((l) => l.name === name)!.port;
}

before(async () => {
  certs = await makeCertificates();
  broker = await startBroker({
    logger,
    config: {
      listeners:
        'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,MTLS://127.0.0.1:0,P12://127.0.0.1:0,TLS12://127.0.0.1:0',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,SSL:SSL,MTLS:SSL,P12:SSL,TLS12:SSL',
      'listener.name.tls12.ssl.enabled.protocols': 'TLSv1.2',
      'listener.name.tls12.ssl.cipher.suites': 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      'listener.name.mtls.ssl.client.auth': 'required',
      'listener.name.mtls.ssl.principal.mapping.rules':
        'RULE:^CN=([^,]+),OU=([^,]+),.*$/$1@$2/L,DEFAULT',
      'listener.name.p12.ssl.keystore.type': 'PKCS12',
      'listener.name.p12.ssl.keystore.location': certs.brokerP12,
      'listener.name.p12.ssl.keystore.password': 'ks-secret',
      'listener.name.p12.ssl.truststore.type': 'PKCS12',
      'listener.name.p12.ssl.truststore.location': certs.truststoreP12,
      'listener.name.p12.ssl.truststore.password': 'ts-secret',
      'listener.name.p12.ssl.client.auth': 'requested',
      'group.initial.rebalance.delay.ms': 0,
    },
  });
});

after(async () => {
  await broker.close();
  await certs.remove();
});

const sslArgs = (p: number): string[] => [
  '-b',
  `localhost:${p}`,
  '-X',
  'security.protocol=SSL',
  '-X',
  `ssl.ca.location=${certs.caCert}`,
];

test('kcat produces and consumes over SSL; Metadata advertises the SSL listener', async () => {
  await kcat([...sslArgs(port('SSL')), '-P', '-t', 'tls-kcat'], 'one\ntwo\n');
  const out = await kcat([
    ...sslArgs(port('SSL')),
    '-C',
    '-t',
    'tls-kcat',
    '-o',
    'beginning',
    '-e',
    '-q',
  ]);
  assert.deepEqual(out.trim().split('\n'), ['one', 'two']);
  const meta = await kcat([...sslArgs(port('SSL')), '-L', '-J']);
  const brokers = (JSON.parse(meta) as { brokers: { name: string }[] }).brokers;
  assert.deepEqual(
    brokers.map((b) => b.name),
    [`127.0.0.1:${port('SSL')}`],
  );
});

test('a PKCS12 keystore and truststore serve librdkafka, with and without a client certificate', async () => {
  const client = await certs.client('p12client', '/O=acme/OU=ops/CN=bob');
  await kcat(
    [...sslArgs(port('P12')), '-X', `ssl.certificate.location=${client.cert}`].concat([
      '-X',
      `ssl.key.location=${client.key}`,
      '-P',
      '-t',
      'tls-p12',
    ]),
    'a\n',
  );
  const out = await kcat([
    ...sslArgs(port('P12')),
    '-C',
    '-t',
    'tls-p12',
    '-o',
    'beginning',
    '-e',
    '-q',
  ]);
  assert.equal(out.trim(), 'a');
  await waitFor(`the log line ${`principal User:CN=bob,OU=ops,O=acme`}`, () =>
    logger.records.some((r) => r.message.includes(`principal User:CN=bob,OU=ops,O=acme`)),
  );
});

test('mutual TLS: the principal is mapped from the certificate; no certificate is refused', async () => {
  const client = await certs.client('alice', '/O=acme/OU=Eng/CN=Alice');
  const args = [...sslArgs(port('MTLS')), '-X', `ssl.certificate.location=${client.cert}`];
  args.push('-X', `ssl.key.location=${client.key}`);
  await kcat([...args, '-P', '-t', 'tls-mtls'], 'x\n');
  await waitFor(`the log line ${'principal User:alice@eng'}`, () =>
    logger.records.some((r) => r.message.includes('principal User:alice@eng')),
  );
  const refused = await run('kcat', [...sslArgs(port('MTLS')), '-L', '-m', '3']);
  assert.notEqual(refused.code, 0);
  // The broker carries on.
  await kcat([...args, '-L']);
});

test('confluent-kafka-python with mutual TLS produces and consumes', async () => {
  const client = await certs.client('carol', '/O=acme/OU=eng/CN=carol');
  const security = {
    'security.protocol': 'SSL',
    'ssl.ca.location': certs.caCert,
    'ssl.certificate.location': client.cert,
    'ssl.key.location': client.key,
  };
  const produced = await confluent<{ reports: { error: string | null }[] }>('produce', {
    bootstrap: `localhost:${port('MTLS')}`,
    topic: 'tls-confluent',
    messages: [{ value: 'c1' }, { value: 'c2' }],
    config: security,
  });
  assert.deepEqual(
    produced.reports.map((r) => r.error),
    [null, null],
  );
  const got = await confluent<{ messages: { value: string }[] }>('consume', {
    bootstrap: `localhost:${port('MTLS')}`,
    topic: 'tls-confluent',
    offsets: { 0: 0 },
    count: 2,
    config: security,
  });
  assert.deepEqual(
    got.messages.map((m) => m.value),
    ['c1', 'c2'],
  );
  await waitFor(`the log line ${'principal User:carol@eng'}`, () =>
    logger.records.some((r) => r.message.includes('principal User:carol@eng')),
  );
});

test('plaintext on the TLS port and TLS on the plaintext port are closed; the broker carries on', async () => {
  const plain = netConnect(port('SSL'), '127.0.0.1');
  plain.on('error', () => {});
  // An ApiVersions request in clear: the TLS layer refuses it and closes.
  const req = Buffer.from('0000001100120003000000010005616263646500', 'hex');
  plain.write(req);
  await new Promise((resolve) => plain.once('close', resolve));
  const tls = tlsConnect({ port: port('PLAINTEXT'), host: '127.0.0.1', rejectUnauthorized: false });
  const closed = await new Promise<string>((resolve) => {
    tls.once('error', (err) => resolve(`error ${err.message}`));
    tls.once('close', () => resolve('closed'));
    tls.once('secureConnect', () => resolve('handshake completed'));
  });
  assert.notEqual(closed, 'handshake completed');
  await kcat([...sslArgs(port('SSL')), '-L']);
  await kcat(['-b', `127.0.0.1:${port('PLAINTEXT')}`, '-L']);
});

test('a renewed keystore file is served to new connections without a restart', async () => {
  const subjectOf = async (): Promise<string> => {
    const r = await run(
      'openssl',
      ['s_client', '-connect', `127.0.0.1:${port('SSL')}`, '-servername', 'localhost'],
      {
        input: '',
        timeoutMs: 20_000,
      },
    );
    return /subject=(.*)/.exec(r.stdout)?.[1] ?? r.stdout + r.stderr;
  };
  assert.match(await subjectOf(), /CN ?= ?localhost/);
  await certs.renewBroker('/CN=localhost/OU=renewed/O=rivulet', certs.brokerPem);
  assert.match(await subjectOf(), /OU ?= ?renewed/);
  await kcat([...sslArgs(port('SSL')), '-L']);
});

test('ssl.enabled.protocols and ssl.cipher.suites (IANA names) limit what a listener accepts', async () => {
  const r = await run('openssl', [
    's_client',
    '-connect',
    `127.0.0.1:${port('TLS12')}`,
    '-servername',
    'localhost',
  ]);
  assert.match(r.stdout, /Protocol *: TLSv1\.2/);
  assert.match(r.stdout, /Cipher *: ECDHE-RSA-AES128-GCM-SHA256/);
  const refused = await run('openssl', [
    's_client',
    '-connect',
    `127.0.0.1:${port('TLS12')}`,
    '-tls1_3',
  ]);
  assert.doesNotMatch(refused.stdout, /Protocol *: TLSv1\.3/);
  await kcat([...sslArgs(port('TLS12')), '-L']);
});

test('KafkaJS, @platformatic/kafka and kafka-python produce over SSL', async () => {
  const ca = await readFile(certs.caCert);
  const kafka = new kafkajs.Kafka({
    brokers: [`localhost:${port('SSL')}`],
    ssl: { ca: [ca] },
    logLevel: kafkajs.logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'tls-node', messages: [{ value: 'kafkajs' }] });
  await producer.disconnect();
  const pk = new Producer({
    clientId: 'pk-tls',
    bootstrapBrokers: [`localhost:${port('SSL')}`],
    tls: { ca },
    serializers: stringSerializers,
    autocreateTopics: true,
    retries: 2,
  });
  try {
    await pk.send({ messages: [{ topic: 'tls-node', value: 'platformatic' }] });
  } finally {
    await pk.close();
  }
  const config = { security_protocol: 'SSL', ssl_cafile: certs.caCert };
  const bootstrap = `localhost:${port('SSL')}`;
  await kafkaPython('produce', {
    bootstrap,
    topic: 'tls-node',
    messages: [{ value: 'kp' }],
    config,
  });
  const got = await kafkaPython<{ messages: { value: string }[] }>('consume', {
    bootstrap,
    topic: 'tls-node',
    offsets: { 0: 0 },
    count: 3,
    config,
  });
  assert.deepEqual(
    got.messages.map((m) => m.value),
    ['kafkajs', 'platformatic', 'kp'],
  );
});
