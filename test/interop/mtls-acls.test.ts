// ACLs for principals taken from client certificates: the only listener is SSL with
// ssl.client.auth=required, ssl.principal.mapping.rules turns `CN=Alice,OU=eng,O=acme` into
// User:alice, and one ACL lets User:alice write to the topic prefix `eu-`. confluent-kafka-python
// with Alice's certificate produces under the prefix and gets TOPIC_AUTHORIZATION_FAILED
// elsewhere; a certificate that maps to another principal may write nowhere. The administrator
// is a super user by its own certificate (Rivulet's admin client over mutual TLS).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { startBroker } from '../../src/index.js';
import { Admin } from '../../src/client/index.js';
import { makeCertificates } from './support/certificates.js';
import { confluent } from './support/clients.js';

interface Produced {
  reports: { error: string | null }[];
  unflushed: number;
}

test('mutual TLS principals under ACLs: allowed under the prefix, TOPIC_AUTHORIZATION_FAILED elsewhere', async (t) => {
  const certs = await makeCertificates();
  const broker = await startBroker({
    config: {
      listeners: 'MTLS://localhost:0',
      'listener.security.protocol.map': 'MTLS:SSL',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': certs.caCert,
      'ssl.client.auth': 'required',
      'ssl.principal.mapping.rules': 'RULE:^CN=([^,]+),.*$/$1/L,DEFAULT',
      'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
      'super.users': 'User:admin',
    },
  });
  const adminCert = await certs.client('admin', '/O=acme/OU=ops/CN=Admin');
  const admin = new Admin({
    bootstrapServers: broker.bootstrap,
    ssl: {
      ca: await readFile(certs.caCert),
      cert: await readFile(adminCert.cert),
      key: await readFile(adminCert.key),
    },
  });
  t.after(async () => {
    admin.close();
    await broker.close();
    await certs.remove();
  });
  await admin.connect();
  const created = await admin.createTopics(
    ['eu-orders', 'us-orders'].map((name) => ({ name, numPartitions: 1 })),
  );
  assert.deepEqual(
    created.map((c) => c.errorCode),
    [0, 0],
  );
  const acl = await admin.createAcls([
    {
      resourceType: 'TOPIC',
      resourceName: 'eu-',
      patternType: 'PREFIXED',
      principal: 'User:alice',
      host: '*',
      operation: 'WRITE',
      permissionType: 'ALLOW',
    },
  ]);
  assert.deepEqual(acl, [null]);

  const produceAs = async (cert: { cert: string; key: string }, topic: string) =>
    confluent<Produced>('produce', {
      bootstrap: broker.bootstrap,
      topic,
      messages: [{ value: 'v' }],
      timeout: 20,
      config: {
        'security.protocol': 'SSL',
        'ssl.ca.location': certs.caCert,
        'ssl.certificate.location': cert.cert,
        'ssl.key.location': cert.key,
        'message.timeout.ms': 10000,
        log_level: 0,
      },
    });
  const alice = await certs.client('alice', '/O=acme/OU=eng/CN=Alice');
  const allowed = await produceAs(alice, 'eu-orders');
  assert.deepEqual(
    allowed.reports.map((r) => r.error),
    [null],
  );
  const denied = await produceAs(alice, 'us-orders');
  assert.deepEqual(
    denied.reports.map((r) => r.error),
    ['TOPIC_AUTHORIZATION_FAILED'],
  );
  // The same subject but another CN maps to User:bob, whom no ACL allows.
  const bob = await certs.client('bob', '/O=acme/OU=eng/CN=Bob');
  const stranger = await produceAs(bob, 'eu-orders');
  assert.deepEqual(
    stranger.reports.map((r) => r.error),
    ['TOPIC_AUTHORIZATION_FAILED'],
  );
  // Only Alice's record arrived.
  const offsets = await admin.listOffsets(
    [
      { topic: 'eu-orders', partition: 0 },
      { topic: 'us-orders', partition: 0 },
    ],
    'latest',
  );
  assert.deepEqual(
    offsets.map((o) => Number(o.offset)),
    [1, 0],
  );
});
