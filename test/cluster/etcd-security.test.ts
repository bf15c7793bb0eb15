// A cluster over an etcd that speaks only TLS, asks every client for a certificate
// (--client-cert-auth) and has authentication on: the brokers connect with
// metadata.etcd.ssl.* and metadata.etcd.username/password as a user whose role may read and
// write only the cluster's prefix. A client without a user is refused by etcd.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Etcd3, Range } from 'etcd3';
import { Admin } from '../../src/client/index.js';
import { makeCertificates, type CertificateSet } from '../interop/support/certificates.js';
import { kcat } from '../interop/support/clients.js';
import { waitFor } from '../support/wait.js';
import { startCluster, type TestCluster } from './support/cluster.js';

let certs: CertificateSet;
let cluster: TestCluster;
let clientCert: { key: string; cert: string };

async function etcdClient(endpoint: string, auth?: { username: string; password: string }) {
  return new Etcd3({
    hosts: endpoint,
    credentials: {
      rootCertificate: await readFile(certs.caCert),
      privateKey: await readFile(clientCert.key),
      certChain: await readFile(clientCert.cert),
    },
    ...(auth === undefined ? {} : { auth }),
  });
}

before(async () => {
  certs = await makeCertificates();
  clientCert = await certs.client('etcd-client', '/CN=etcd-client');
  cluster = await startCluster({
    brokers: 3,
    etcdTls: { certFile: certs.brokerCert, keyFile: certs.brokerKey, trustedCaFile: certs.caCert },
    // As an operator would: a root user (etcd needs one to turn auth on) and a user for the
    // brokers whose role covers the cluster's prefix, then auth on.
    beforeBrokers: async (etcd) => {
      const admin = await etcdClient(etcd.endpoint);
      try {
        await admin.role('root').create();
        await admin.user('root').create('root-secret');
        await admin.user('root').addRole('root');
        const role = await admin.role('rivulet').create();
        await role.grant({ permission: 'Readwrite', range: Range.prefix('/rivulet') });
        await admin.user('rivulet').create('rivulet-secret');
        await admin.user('rivulet').addRole('rivulet');
        await admin.auth.authEnable();
      } finally {
        admin.close();
      }
    },
    config: {
      'metadata.etcd.ssl.ca.location': certs.caCert,
      'metadata.etcd.ssl.certificate.location': clientCert.cert,
      'metadata.etcd.ssl.key.location': clientCert.key,
      'metadata.etcd.username': 'rivulet',
      'metadata.etcd.password': 'rivulet-secret',
    },
  });
});
after(async () => {
  await cluster?.stop();
  await certs?.remove();
});

test('brokers join through an etcd with TLS, client certificates and auth; a client without a user is refused', async () => {
  const admin = new Admin({ bootstrapServers: cluster.bootstrap() });
  await admin.connect();
  try {
    await admin.createTopics([
      { name: 'over-secure-etcd', numPartitions: 3, replicationFactor: 3 },
    ]);
  } finally {
    await admin.close();
  }
  for (const nodeId of [1, 2, 3]) {
    await waitFor(`broker ${nodeId} sees three brokers and the topic`, async () => {
      const md = JSON.parse(
        await kcat([
          '-L',
          '-J',
          '-b',
          `127.0.0.1:${cluster.port(nodeId)}`,
          '-t',
          'over-secure-etcd',
        ]),
      ) as { brokers: unknown[]; topics: { partitions: unknown[] }[] };
      return md.brokers.length === 3 && md.topics[0]?.partitions.length === 3;
    });
  }
  // The metadata is in etcd under the prefix, readable by the brokers' user...
  const brokersUser = await etcdClient(cluster.etcd.endpoint, {
    username: 'rivulet',
    password: 'rivulet-secret',
  });
  const anonymous = await etcdClient(cluster.etcd.endpoint);
  try {
    const keys = await brokersUser.getAll().prefix('/rivulet/brokers/').keys();
    assert.equal(keys.length, 3, keys.join(', '));
    // ...and not by a client that does not log in, certificate or not.
    await assert.rejects(
      anonymous.getAll().prefix('/rivulet/').keys(),
      /permission denied|user name is empty|invalid auth token/i,
    );
  } finally {
    brokersUser.close();
    anonymous.close();
  }
});
