// Records the request frames real clients send and stores a few per client as byte fixtures:
// test/fixtures/protocol/<client>/<apiKey>-<api-name>-v<version>.bin (the frame without its
// size prefix). Each client talks to its own broker whose handlers are the stub (so the
// recording does not depend on storage), wrapped by the recorder. Run after a build:
//   node dist/test/interop/support/record-fixtures.js [client...]
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startBroker } from '../../../src/index.js';
import { consoleLogger } from '../../../src/broker/index.js';
import { apiByKey } from '../../../src/protocol/index.js';
import { confluent, kafkaPython, kcat } from './clients.js';
import { recordingHandler, type RecordedRequest } from './recorder.js';
import { stubHandler } from './stub-handler.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', '..', '..', '..', 'test', 'fixtures', 'protocol');
/** Larger frames (big produce batches) are not worth storing. */
const MAX_FIXTURE_BYTES = 16 * 1024;
const TOPIC = 'fixture-topic';
const require = createRequire(import.meta.url);

type Drive = (bootstrap: string) => Promise<void>;

const messages = [
  { key: 'k1', value: 'v1', headers: { h: 'x' } },
  { key: 'k2', value: 'v2' },
];

const CLIENTS: Record<string, Drive> = {
  kcat: async (bootstrap) => {
    await kcat(['-b', bootstrap, '-L'], undefined, 15_000);
    await kcat(['-b', bootstrap, '-P', '-t', TOPIC, '-K:', '-H', 'h=x', '-p', '0'], 'k1:v1\n');
    await kcat(['-b', bootstrap, '-C', '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e']);
  },
  confluent: async (bootstrap) => {
    await confluent('admin', { bootstrap, op: 'create_topics', topics: [{ name: TOPIC }] });
    await confluent('produce', {
      bootstrap,
      topic: TOPIC,
      config: { 'enable.idempotence': true },
      messages: messages.map((m) => ({ ...m, partition: 0 })),
    });
    await confluent('consume', {
      bootstrap,
      topic: TOPIC,
      offsets: { 0: 0 },
      count: 1,
      stop_at_eof: true,
      timeout: 5,
    });
  },
  'kafka-python': async (bootstrap) => {
    await kafkaPython('admin', { bootstrap, op: 'create_topics', topics: [{ name: TOPIC }] });
    await kafkaPython('produce', {
      bootstrap,
      topic: TOPIC,
      messages: messages.map((m) => ({ ...m, partition: 0 })),
    });
    await kafkaPython('consume', {
      bootstrap,
      topic: TOPIC,
      offsets: { 0: 0 },
      count: 1,
      timeout: 2,
    });
  },
  kafkajs: async (bootstrap) => {
    const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
    const kafka = new Kafka({
      clientId: 'fixtures',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: messages.map((m) => ({ ...m, partition: 0 })) });
    await producer.disconnect();
  },
  platformatic: async (bootstrap) => {
    const { Admin, Producer, stringSerializers } = await import('@platformatic/kafka');
    const admin = new Admin({ clientId: 'fixtures', bootstrapBrokers: [bootstrap] });
    await admin.createTopics({ topics: [TOPIC], partitions: 2 });
    await admin.close();
    const producer = new Producer({
      clientId: 'fixtures',
      bootstrapBrokers: [bootstrap],
      serializers: stringSerializers,
    });
    await producer.send({
      messages: messages.map((m) => ({ topic: TOPIC, key: m.key, value: m.value, partition: 0 })),
    });
    await producer.close();
  },
};

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function fixtureName(apiKey: number, apiVersion: number): string {
  const name = kebab(apiByKey(apiKey)?.name ?? 'unknown');
  return `${String(apiKey).padStart(2, '0')}-${name}-v${apiVersion}.bin`;
}

async function record(client: string, drive: Drive): Promise<string[]> {
  const recorded: RecordedRequest[] = [];
  let address = { host: '127.0.0.1', port: 0 };
  const broker = await startBroker({
    logger: process.env.RIVULET_DEBUG === undefined ? undefined : consoleLogger({ debug: true }),
    handler: recordingHandler(stubHandler({ address: () => address }), recorded),
  });
  address = { host: '127.0.0.1', port: broker.port };
  try {
    await drive(broker.bootstrap);
  } catch (err) {
    const seen = recorded.map((r) => `${r.apiKey}v${r.apiVersion}`).join(' ');
    throw new Error(`${(err as Error).message}\n  requests: ${seen}`);
  } finally {
    await broker.close();
  }
  const dir = join(fixturesDir, client);
  await mkdir(dir, { recursive: true });
  const written = new Set<string>();
  for (const { apiKey, apiVersion, frame } of recorded) {
    const name = fixtureName(apiKey, apiVersion);
    if (written.has(name) || frame.length > MAX_FIXTURE_BYTES) continue;
    written.add(name);
    await writeFile(join(dir, name), frame);
  }
  return [...written].sort();
}

const only = process.argv.slice(2);
for (const [client, drive] of Object.entries(CLIENTS)) {
  if (only.length > 0 && !only.includes(client)) continue;
  const started = performance.now();
  try {
    const names = await record(client, drive);
    const ms = Math.round(performance.now() - started);
    console.log(`${client} (${ms} ms): ${names.join(' ')}`);
  } catch (err) {
    console.log(`${client}: FAILED ${(err as Error).message}`);
    process.exitCode = 1;
  }
}
