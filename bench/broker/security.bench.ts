// Produce throughput over SSL and SASL_SSL (SCRAM-SHA-512) against PLAINTEXT on the same broker
// in the same run (librdkafka through confluent-kafka-python, 1 KiB records, 8 partitions,
// acks=1; target >= 0.7x), and the rate of connection set-ups with SCRAM-SHA-512 (TLS and
// SASL exchange, Rivulet's client) against plain connection set-ups (ApiVersions only).
//
// Each round runs the three loads one after another and prints its own ratios. Besides MB/s it
// prints the CPU each side spent per MB delivered: the broker's (this process) and the load
// generator's (Python and librdkafka's threads). On this shared 2-core machine the broker and the
// client compete for the same cores with other work, so throughput follows the sum of the two
// costs; the columns show which side a protocol makes more expensive (docs/security.md,
// "Throughput over TLS").
import { confluent } from '../../test/interop/support/clients.js';
import { makeCertificates } from '../../test/interop/support/certificates.js';
import { addScramUser } from '../../test/interop/support/sasl-users.js';
import { createTopic, fmt } from './support/servers.js';
import { startBroker } from '../../src/index.js';
import { Connection } from '../../src/client/index.js';
import { readFile } from 'node:fs/promises';

const TOPIC = 'bench-security';
const PARTITIONS = 8;
const SECONDS = 4;
const ROUNDS = 3;
const SETUP_MS = 3000;

interface Librdkafka {
  delivered: number;
  failed: number;
  mb_per_sec: number;
  /** CPU seconds of the client process over the run. */
  cpu_sec: number;
  elapsed_sec: number;
}

interface LoadResult {
  mbps: number;
  /** CPU ms per MB delivered: this process (the broker) and the client. */
  brokerMsPerMb: number;
  clientMsPerMb: number;
}

async function main(): Promise<void> {
  const certs = await makeCertificates();
  const broker = await startBroker({
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': certs.brokerPem,
      'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
      'num.partitions': PARTITIONS,
    },
  });
  const port = (name: string) => broker.listeners.find((l) => l.name === name)!.port;
  try {
    await createTopic(port('PLAINTEXT'), TOPIC, PARTITIONS);
    await addScramUser(port('PLAINTEXT'), 'bench', 'bench-secret', 'SCRAM-SHA-512');
    const ssl = { 'security.protocol': 'SSL', 'ssl.ca.location': certs.caCert };
    const loads: [string, string, object][] = [
      ['PLAINTEXT', `127.0.0.1:${port('PLAINTEXT')}`, {}],
      ['SSL', `localhost:${port('SSL')}`, ssl],
      [
        'SASL_SSL (SCRAM-SHA-512)',
        `localhost:${port('SASL_SSL')}`,
        {
          ...ssl,
          'security.protocol': 'SASL_SSL',
          'sasl.mechanism': 'SCRAM-SHA-512',
          'sasl.username': 'bench',
          'sasl.password': 'bench-secret',
        },
      ],
    ];
    const results = new Map<string, LoadResult[]>(loads.map(([name]) => [name, []]));
    console.log(`librdkafka produce, 1 KiB records, acks=1, ${ROUNDS} rounds x ${SECONDS} s:`);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, bootstrap, config] of loads) {
        const cpuBefore = process.cpuUsage();
        const r = await confluent<Librdkafka>(
          'bench_produce',
          { bootstrap, topic: TOPIC, size: 1024, partitions: PARTITIONS, seconds: SECONDS, config },
          (SECONDS + 60) * 1000,
        );
        const cpu = process.cpuUsage(cpuBefore);
        if (r.failed > 0) console.log(`${name}: ${r.failed} deliveries failed`);
        const mb = (r.delivered * 1024) / 1e6;
        results.get(name)!.push({
          mbps: r.mb_per_sec,
          brokerMsPerMb: (cpu.user + cpu.system) / 1000 / mb,
          clientMsPerMb: (r.cpu_sec * 1000) / mb,
        });
      }
      const base = results.get('PLAINTEXT')![round]!;
      for (const [name] of loads) {
        const r = results.get(name)![round]!;
        const ratio = name === 'PLAINTEXT' ? 'baseline' : `${(r.mbps / base.mbps).toFixed(2)}x`;
        console.log(
          `  round ${round + 1} ${name.padEnd(26)} ${fmt(r.mbps).padStart(7)} MB/s ${ratio.padStart(9)}` +
            `   CPU ms/MB: broker ${r.brokerMsPerMb.toFixed(2).padStart(5)}, client ${r.clientMsPerMb.toFixed(2).padStart(5)}`,
        );
      }
    }
    console.log('median of the rounds (target >= 0.7x):');
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const plain = results.get('PLAINTEXT')!;
    for (const [name] of loads) {
      const rs = results.get(name)!;
      const ratios = rs.map((r, i) => r.mbps / plain[i]!.mbps);
      const broker = median(rs.map((r) => r.brokerMsPerMb));
      const client = median(rs.map((r) => r.clientMsPerMb));
      console.log(
        `  ${name.padEnd(26)} ${name === 'PLAINTEXT' ? '(baseline)' : `${median(ratios).toFixed(2)}x`.padStart(10)}` +
          `   CPU ms/MB: broker ${broker.toFixed(2)}, client ${client.toFixed(2)}, both ${(broker + client).toFixed(2)}`,
      );
    }

    const ca = await readFile(certs.caCert);
    const plainRate = await setupRate(() => Connection.connect('127.0.0.1', port('PLAINTEXT')));
    const scramRate = await setupRate(() =>
      Connection.connect('localhost', port('SASL_SSL'), {
        ssl: { ca },
        sasl: { mechanism: 'SCRAM-SHA-512', username: 'bench', password: 'bench-secret' },
      }),
    );
    console.log(`connection set-up, one after another, ${SETUP_MS / 1000} s each:`);
    console.log(`  PLAINTEXT (ApiVersions)     ${fmt(plainRate).padStart(8)} /s  (baseline)`);
    console.log(
      `  SASL_SSL SCRAM-SHA-512      ${fmt(scramRate).padStart(8)} /s  ${(scramRate / plainRate).toFixed(3)}x (4096 iterations of PBKDF2-SHA-512 on the client, TLS handshake)`,
    );
  } finally {
    await broker.close();
    await certs.remove();
  }
}

async function setupRate(open: () => Promise<Connection>): Promise<number> {
  const started = performance.now();
  let count = 0;
  while (performance.now() - started < SETUP_MS) {
    const c = await open();
    c.close();
    count++;
  }
  return (count * 1000) / (performance.now() - started);
}

await main();
