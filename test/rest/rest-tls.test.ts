// The proxy's HTTPS listener (`listeners=https://...`) with a certificate made here by openssl,
// as a PEM keystore (key and chain in one file) and as a PKCS12 one, reached by curl with
// --cacert; plain HTTP to it fails, and v2 base_uri answers carry https.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker, type Broker } from '../../src/index.js';
import { RestProxy } from '../../src/rest/index.js';
import { run } from '../interop/support/clients.js';

let dir: string;
let broker: Broker;
const proxies: RestProxy[] = [];

async function openssl(...args: string[]): Promise<void> {
  const r = await run('openssl', args);
  assert.equal(r.code, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rivulet-rest-tls-'));
  const f = (name: string) => join(dir, name);
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Test CA',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    f('proxy.key'),
    '-out',
    f('proxy.csr'),
  );
  await writeFile(f('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await openssl(
    'x509',
    '-req',
    '-in',
    f('proxy.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    f('san.ext'),
    '-out',
    f('proxy.pem'),
  );
  const keyAndChain =
    (await readFile(f('proxy.key'), 'utf8')) + (await readFile(f('proxy.pem'), 'utf8'));
  await writeFile(f('keystore.pem'), keyAndChain);
  await openssl(
    'pkcs12',
    '-export',
    '-inkey',
    f('proxy.key'),
    '-in',
    f('proxy.pem'),
    '-passout',
    'pass:store-secret',
    '-out',
    f('keystore.p12'),
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=curl-client',
    '-keyout',
    f('client.key'),
    '-out',
    f('client.csr'),
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    f('client.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-out',
    f('client.pem'),
  );
  broker = await startBroker({ port: 0 });
});

after(async () => {
  for (const p of proxies.reverse()) await p.close();
  await broker.close();
  await rm(dir, { recursive: true, force: true });
});

async function startProxy(ssl: Record<string, string>): Promise<RestProxy> {
  const proxy = await RestProxy.start({
    config: {
      'bootstrap.servers': broker.bootstrap,
      listeners: 'https://127.0.0.1:0',
      ...ssl,
    },
  });
  proxies.push(proxy);
  return proxy;
}

async function curl(...args: string[]) {
  return run('curl', ['-s', '--cacert', join(dir, 'ca.pem'), ...args]);
}

test('a PEM keystore: curl --cacert reaches the proxy over https; plain http does not', async () => {
  const proxy = await startProxy({
    'ssl.keystore.location': join(dir, 'keystore.pem'),
    'ssl.keystore.type': 'PEM',
  });
  assert.match(proxy.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const clusters = await curl(`${proxy.url}/v3/clusters`);
  assert.equal(clusters.code, 0, clusters.stderr);
  const body = JSON.parse(clusters.stdout);
  assert.equal(body.kind, 'KafkaClusterList');
  assert.equal(body.metadata.self, `${proxy.url}/v3/clusters`);

  const created = await curl(
    '-X',
    'POST',
    '-H',
    'Content-Type: application/vnd.kafka.v2+json',
    '--data',
    '{"name": "tls-1"}',
    `${proxy.url}/consumers/tls-group`,
  );
  assert.equal(
    JSON.parse(created.stdout).base_uri,
    `${proxy.url}/consumers/tls-group/instances/tls-1`,
  );

  const untrusted = await run('curl', ['-s', `${proxy.url}/v3/clusters`]);
  assert.notEqual(untrusted.code, 0, 'curl without the CA must refuse the certificate');
  const plain = await run('curl', ['-s', proxy.url.replace('https:', 'http:') + '/v3/clusters']);
  assert.ok(plain.code !== 0 || !plain.stdout.includes('KafkaClusterList'), plain.stdout);
});

test('a PKCS12 keystore with its password (type found from the file)', async () => {
  const proxy = await startProxy({
    'ssl.keystore.location': join(dir, 'keystore.p12'),
    'ssl.keystore.password': 'store-secret',
  });
  const topics = await curl(`${proxy.url}/topics`);
  assert.equal(topics.code, 0, topics.stderr);
  assert.ok(Array.isArray(JSON.parse(topics.stdout)), topics.stdout);
});

test('ssl.client.authentication=REQUIRED: curl needs a certificate signed by the truststore', async () => {
  const proxy = await startProxy({
    'ssl.keystore.location': join(dir, 'keystore.pem'),
    'ssl.truststore.location': join(dir, 'ca.pem'),
    'ssl.client.authentication': 'REQUIRED',
  });
  const without = await curl(`${proxy.url}/topics`);
  assert.notEqual(without.code, 0, `a client without a certificate got in: ${without.stdout}`);
  const withCert = await curl(
    '--cert',
    join(dir, 'client.pem'),
    '--key',
    join(dir, 'client.key'),
    `${proxy.url}/topics`,
  );
  assert.equal(withCert.code, 0, withCert.stderr);
  assert.ok(Array.isArray(JSON.parse(withCert.stdout)), withCert.stdout);
});

test('an https listener without a keystore, or a JKS one, is refused at start', async () => {
  await assert.rejects(
    RestProxy.start({
      config: { 'bootstrap.servers': broker.bootstrap, listeners: 'https://127.0.0.1:0' },
    }),
    /ssl.keystore.location/,
  );
  await assert.rejects(
    RestProxy.start({
      config: {
        'bootstrap.servers': broker.bootstrap,
        listeners: 'https://127.0.0.1:0',
        'ssl.keystore.location': join(dir, 'keystore.p12'),
        'ssl.keystore.type': 'JKS',
      },
    }),
    /PEM or PKCS12/,
  );
});
