// Certificates for TLS tests, made with openssl in a temporary directory: a CA, a broker
// certificate for localhost/127.0.0.1, and client certificates, as PEM files plus PKCS12
// keystores and truststores (what Kafka users make with openssl and keytool).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './clients.js';

export interface CertificateSet {
  dir: string;
  caCert: string;
  /** Broker: key, certificate, key+chain in one PEM, PKCS12 keystore (password `ks-secret`). */
  brokerKey: string;
  brokerCert: string;
  brokerPem: string;
  brokerP12: string;
  /** PKCS12 truststore holding the CA only (password `ts-secret`). */
  truststoreP12: string;
  /** Makes a client key and certificate signed by the CA for `subject` (`/CN=alice/O=acme`). */
  client(name: string, subject: string): Promise<{ key: string; cert: string }>;
  /** A new broker certificate (same key names) with `subject`, for reload tests. */
  renewBroker(subject: string, into: string): Promise<void>;
  remove(): Promise<void>;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  const r = await run(
    'openssl',
    args.map((a) => a.replace('{dir}', cwd)),
  );
  if (r.code !== 0) throw new Error(`openssl ${args.join(' ')} failed:\n${r.stderr}`);
}

async function signed(dir: string, name: string, subject: string, ext: string | null) {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  await openssl(
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-subj', subject, '-out', csr],
    dir,
  );
  const args = [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    join(dir, 'ca.crt'),
    '-CAkey',
    join(dir, 'ca.key'),
  ];
  args.push('-CAcreateserial', '-days', '2', '-out', cert, '-sha256');
  if (ext !== null) {
    const extFile = join(dir, `${name}.ext`);
    await writeFile(extFile, ext);
    args.push('-extfile', extFile);
  }
  await openssl(args, dir);
  return { key, cert };
}

const BROKER_EXT = 'subjectAltName=DNS:localhost,IP:127.0.0.1\n';

export async function makeCertificates(): Promise<CertificateSet> {
  const dir = await mkdtemp(join(tmpdir(), 'rivulet-certs-'));
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=Rivulet Test CA',
    ].concat(['-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt')]),
    dir,
  );
  const broker = await signed(dir, 'broker', '/CN=localhost/OU=brokers/O=rivulet', BROKER_EXT);
  const brokerPem = join(dir, 'broker.pem');
  await writeFile(
    brokerPem,
    (await readFile(broker.key, 'utf8')) + (await readFile(broker.cert, 'utf8')),
  );
  const brokerP12 = join(dir, 'broker.p12');
  await openssl(
    [
      'pkcs12',
      '-export',
      '-inkey',
      broker.key,
      '-in',
      broker.cert,
      '-certfile',
      join(dir, 'ca.crt'),
    ].concat(['-out', brokerP12, '-passout', 'pass:ks-secret', '-name', 'broker']),
    dir,
  );
  const truststoreP12 = join(dir, 'truststore.p12');
  await openssl(
    ['pkcs12', '-export', '-nokeys', '-in', join(dir, 'ca.crt'), '-out', truststoreP12].concat([
      '-passout',
      'pass:ts-secret',
      '-caname',
      'ca',
    ]),
    dir,
  );
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    brokerKey: broker.key,
    brokerCert: broker.cert,
    brokerPem,
    brokerP12,
    truststoreP12,
    client: (name, subject) => signed(dir, name, subject, null),
    renewBroker: async (subject, into) => {
      const renewed = await signed(dir, 'renewed', subject, BROKER_EXT);
      const pem = (await readFile(renewed.key, 'utf8')) + (await readFile(renewed.cert, 'utf8'));
      // Written to a new file and renamed into place, as certificate renewal tools do.
      await writeFile(into + '.tmp', pem);
      const { rename } = await import('node:fs/promises');
      await rename(into + '.tmp', into);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
