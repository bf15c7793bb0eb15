// A cluster whose only listener is SASL_SSL: the brokers reach each other on it too (followers'
// fetches, ISR changes to the controller), logging in with sasl.mechanism.inter.broker.protocol
// and the JAAS username/password, trusting the CA in their truststore, as Kafka's brokers do.
// An authorizer is on, and the brokers' own principal is a super user. librdkafka produces with
// acks=all to a topic whose min.insync.replicas is 3, so every acknowledgement proves that both
// followers fetched over SASL_SSL.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Admin } from '../../src/client/index.js';
import { makeCertificates, type CertificateSet } from '../interop/support/certificates.js';
import { confluent } from '../interop/support/clients.js';
import { startCluster, type TestCluster } from './support/cluster.js';

const JAAS =
  'org.apache.kafka.common.security.plain.PlainLoginModule required ' +
  'username="broker" password="broker-secret" ' +
  'user_broker="broker-secret" user_alice="alice-secret";';

let certs: CertificateSet;
let cluster: TestCluster;
before(async () => {
  certs = await makeCertificates();
  cluster = await startCluster({
    brokers: 3,
    config: {
      listeners: 'SASL_SSL://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.mechanism.inter.broker.protocol': 'PLAIN',
      'listener.name.sasl_ssl.plain.sasl.jaas.config': JAAS,
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:broker;User:alice',
    },
  });
});
after(async () => {
  await cluster?.stop();
  await certs?.remove();
});

const clientConfig = () => ({
  'security.protocol': 'SASL_SSL',
  'sasl.mechanism': 'PLAIN',
  'sasl.username': 'alice',
  'sasl.password': 'alice-secret',
  'ssl.ca.location': certs.caCert,
});

test('followers replicate over a SASL_SSL inter-broker listener: acks=all with min.insync.replicas=3 succeeds', async () => {
  const admin = new Admin({
    bootstrapServers: cluster.bootstrap(),
    ssl: { ca: [await readFile(certs.caCert, 'utf8')] },
    sasl: { mechanism: 'PLAIN', username: 'alice', password: 'alice-secret' },
  });
  await admin.connect();
  try {
    await admin.createTopics([
      {
        name: 'secured',
        numPartitions: 3,
        replicationFactor: 3,
        configs: { 'min.insync.replicas': '3' },
      },
    ]);
  } finally {
    await admin.close();
  }
  const messages = Array.from({ length: 300 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
  const produced = await confluent<{
    reports: { error: string | null; message: string | null; partition: number }[];
    unflushed: number;
  }>(
    'produce',
    {
      bootstrap: cluster.bootstrap(),
      topic: 'secured',
      messages,
      timeout: 60,
      // Without replication every record times out (not acknowledged) and the test says so.
      config: {
        ...clientConfig(),
        acks: 'all',
        'enable.idempotence': true,
        'message.timeout.ms': 45_000,
      },
    },
    90_000,
  );
  assert.equal(produced.unflushed, 0);
  const failures = produced.reports.filter((r) => r.error !== null);
  assert.deepEqual(failures, [], 'every record acknowledged by all three replicas');
  assert.equal(produced.reports.length, 300);
  assert.deepEqual(
    [...new Set(produced.reports.map((r) => r.partition))].sort(),
    [0, 1, 2],
    'on partitions led by each broker',
  );
  // Read back over SASL_SSL: every record, once.
  const consumed = await confluent<{ messages: { value: string | null }[] }>('consume', {
    bootstrap: cluster.bootstrap(),
    topic: 'secured',
    offsets: { 0: 0, 1: 0, 2: 0 },
    count: 300,
    timeout: 60,
    config: clientConfig(),
  });
  assert.deepEqual(
    consumed.messages.map((m) => m.value).sort(),
    messages.map((m) => m.value).sort(),
  );
});
