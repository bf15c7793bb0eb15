// SASL listeners with real clients: kcat (librdkafka) with PLAIN, SCRAM-SHA-256/512 and
// unsecured OAUTHBEARER; kafka-python (its v0 handshake with raw tokens) with PLAIN and SCRAM;
// KafkaJS with PLAIN, SCRAM and OAUTHBEARER; @platformatic/kafka with SCRAM; confluent-kafka-
// python over SASL_SSL. Users come from the listener's JAAS config (PLAIN) and from
// AlterUserScramCredentials (SCRAM); DescribeUserScramCredentials lists them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { Producer, stringSerializers } from '@platformatic/kafka';
import { memoryLogger, startBroker, type Broker } from '../../src/index.js';
import { makeCertificates, type CertificateSet } from './support/certificates.js';
import { confluent, kafkaPython, kcat } from './support/clients.js';
import { addScramUser, unsecuredToken } from './support/sasl-users.js';
import { ProtocolClient } from '../support/protocol-client.js';

const { Kafka, logLevel } = kafkajs;

const PLAIN_JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'username="admin" password="admin-secret" user_admin="admin-secret" user_alice="alice-secret";';

let certs: CertificateSet;
let broker: Broker;
const logger = memoryLogger('info');

const port = (name: string): number => broker.listeners.find((l) => l.name === name)!.port;

before(async () => {
  certs = await makeCertificates();
  broker = await startBroker({
    logger,
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER',
      'listener.name.sasl_plaintext.plain.sasl.jaas.config': PLAIN_JAAS,
      'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'SCRAM-SHA-512,PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config': PLAIN_JAAS,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'group.initial.rebalance.delay.ms': 0,
    },
  });
  await addScramUser(port('PLAINTEXT'), 'bob', 'bob-secret', 'SCRAM-SHA-256');
  await addScramUser(port('PLAINTEXT'), 'bob', 'bob-secret-512', 'SCRAM-SHA-512', 8192);
  await addScramUser(port('PLAINTEXT'), 'carol', 'carol-secret', 'SCRAM-SHA-512');
});

after(async () => {
  await broker.close();
  await certs.remove();
});

const saslArgs = (mechanism: string, user: string, password: string): string[] => [
  '-b',
  `127.0.0.1:${port('SASL_PLAINTEXT')}`,
  '-X',
  'security.protocol=SASL_PLAINTEXT',
  '-X',
  `sasl.mechanism=${mechanism}`,
  '-X',
  `sasl.username=${user}`,
  '-X',
  `sasl.password=${password}`,
];

async function kcatRoundTrip(args: string[], topic: string): Promise<void> {
  await kcat([...args, '-P', '-t', topic], `${topic}-1\n${topic}-2\n`);
  const out = await kcat([...args, '-C', '-t', topic, '-o', 'beginning', '-e', '-q']);
  assert.deepEqual(out.trim().split('\n'), [`${topic}-1`, `${topic}-2`]);
}

test('kcat authenticates with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 and produces and consumes', async () => {
  await kcatRoundTrip(saslArgs('PLAIN', 'alice', 'alice-secret'), 'sasl-plain');
  await kcatRoundTrip(saslArgs('SCRAM-SHA-256', 'bob', 'bob-secret'), 'sasl-scram256');
  await kcatRoundTrip(saslArgs('SCRAM-SHA-512', 'bob', 'bob-secret-512'), 'sasl-scram512');
});

test('kcat authenticates with an unsecured OAUTHBEARER token', async () => {
  await kcatRoundTrip(
    [
      '-b',
      `127.0.0.1:${port('SASL_PLAINTEXT')}`,
      '-X',
      'security.protocol=SASL_PLAINTEXT',
      '-X',
      'sasl.mechanism=OAUTHBEARER',
      '-X',
      'enable.sasl.oauthbearer.unsecure.jwt=true',
      '-X',
      'sasl.oauthbearer.config=principal=dave lifeSeconds=600',
    ],
    'sasl-oauth',
  );
});

test('kcat over SASL_SSL with SCRAM-SHA-512; a mechanism not enabled there is refused', async () => {
  const args = [
    '-b',
    `localhost:${port('SASL_SSL')}`,
    '-X',
    'security.protocol=SASL_SSL',
    '-X',
    `ssl.ca.location=${certs.caCert}`,
    '-X',
    'sasl.mechanism=SCRAM-SHA-512',
    '-X',
    'sasl.username=carol',
    '-X',
    'sasl.password=carol-secret',
  ];
  await kcatRoundTrip(args, 'sasl-ssl-kcat');
  const disabled = args.map((a) =>
    a === 'sasl.mechanism=SCRAM-SHA-512' ? 'sasl.mechanism=SCRAM-SHA-256' : a,
  );
  const { run } = await import('./support/clients.js');
  const r = await run('kcat', [...disabled, '-L', '-m', '2']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /SCRAM-SHA-256.*not supported by broker|Unsupported SASL mechanism/i);
});

test('confluent-kafka-python over SASL_SSL with PLAIN produces and consumes', async () => {
  const config = {
    'security.protocol': 'SASL_SSL',
    'ssl.ca.location': certs.caCert,
    'sasl.mechanism': 'PLAIN',
    'sasl.username': 'alice',
    'sasl.password': 'alice-secret',
  };
  const bootstrap = `localhost:${port('SASL_SSL')}`;
  const produced = await confluent<{ reports: { error: string | null }[] }>('produce', {
    bootstrap,
    topic: 'sasl-ssl-confluent',
    messages: [{ value: 'p1' }, { value: 'p2' }],
    config,
  });
  assert.deepEqual(
    produced.reports.map((r) => r.error),
    [null, null],
  );
  const got = await confluent<{ messages: { value: string }[] }>('consume', {
    bootstrap,
    topic: 'sasl-ssl-confluent',
    offsets: { 0: 0 },
    count: 2,
    config,
  });
  assert.deepEqual(
    got.messages.map((m) => m.value),
    ['p1', 'p2'],
  );
});

test('kafka-python (v0 handshake, raw tokens) with PLAIN and SCRAM-SHA-256', async () => {
  for (const [mechanism, user, password, topic] of [
    ['PLAIN', 'alice', 'alice-secret', 'kp-plain'],
    ['SCRAM-SHA-256', 'bob', 'bob-secret', 'kp-scram'],
  ] as const) {
    const config = {
      security_protocol: 'SASL_PLAINTEXT',
      sasl_mechanism: mechanism,
      sasl_plain_username: user,
      sasl_plain_password: password,
    };
    const bootstrap = `127.0.0.1:${port('SASL_PLAINTEXT')}`;
    await kafkaPython('produce', { bootstrap, topic, messages: [{ value: 'k1' }], config });
    const got = await kafkaPython<{ messages: { value: string }[] }>('consume', {
      bootstrap,
      topic,
      offsets: { 0: 0 },
      count: 1,
      config,
    });
    assert.deepEqual(
      got.messages.map((m) => m.value),
      ['k1'],
      mechanism,
    );
  }
});

test('KafkaJS with PLAIN, SCRAM-SHA-512 and OAUTHBEARER produces and consumes', async () => {
  const cases: [string, kafkajs.SASLOptions][] = [
    ['kjs-plain', { mechanism: 'plain', username: 'alice', password: 'alice-secret' }],
    ['kjs-scram', { mechanism: 'scram-sha-512', username: 'carol', password: 'carol-secret' }],
    [
      'kjs-oauth',
      {
        mechanism: 'oauthbearer',
        oauthBearerProvider: () => Promise.resolve({ value: unsecuredToken('erin', 600) }),
      },
    ],
  ];
  for (const [topic, sasl] of cases) {
    const kafka = new Kafka({
      brokers: [`127.0.0.1:${port('SASL_PLAINTEXT')}`],
      clientId: topic,
      sasl,
      logLevel: logLevel.NOTHING,
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'j1' }, { value: 'j2' }] });
    await producer.disconnect();
    const out = await kcat([
      ...saslArgs('PLAIN', 'admin', 'admin-secret'),
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
    ]);
    assert.deepEqual(out.trim().split('\n'), ['j1', 'j2'], topic);
  }
});

test('@platformatic/kafka with SCRAM-SHA-256 produces', async () => {
  const producer = new Producer({
    clientId: 'pk-sasl',
    bootstrapBrokers: [`127.0.0.1:${port('SASL_PLAINTEXT')}`],
    serializers: stringSerializers,
    autocreateTopics: true,
    sasl: { mechanism: 'SCRAM-SHA-256', username: 'bob', password: 'bob-secret' },
    retries: 2,
  });
  try {
    await producer.send({ messages: [{ topic: 'pk-sasl', value: 'v1' }] });
  } finally {
    await producer.close();
  }
  const out = await kcat([
    ...saslArgs('SCRAM-SHA-256', 'bob', 'bob-secret'),
    '-C',
    '-t',
    'pk-sasl',
    '-o',
    'beginning',
    '-e',
    '-q',
  ]);
  assert.equal(out.trim(), 'v1');
});

test('DescribeUserScramCredentials lists mechanisms and iterations, never keys', async () => {
  const client = await ProtocolClient.connect(port('PLAINTEXT'));
  try {
    const all = await client.request(50, 0, { users: null });
    assert.deepEqual(
      all.results.map((r: { user: string; credentialInfos: unknown[] }) => [
        r.user,
        r.credentialInfos,
      ]),
      [
        [
          'bob',
          [
            { mechanism: 1, iterations: 4096 },
            { mechanism: 2, iterations: 8192 },
          ],
        ],
        ['carol', [{ mechanism: 2, iterations: 4096 }]],
      ],
    );
    const one = await client.request(50, 0, { users: [{ name: 'nobody' }, { name: 'carol' }] });
    assert.deepEqual(
      one.results.map((r: { user: string; errorCode: number }) => [r.user, r.errorCode]),
      [
        ['nobody', 91],
        ['carol', 0],
      ],
    );
  } finally {
    client.close();
  }
});
