// Records the request frames real clients send and stores a few per client as byte fixtures:
// test/fixtures/protocol/<client>/<apiKey>-<api-name>-v<version>.bin (the frame without its
// size prefix; the first request of each API and version). Each client talks to its own
// broker through a recording proxy. Run after a build:
//   node dist/test/interop/support/record-fixtures.js [client...]
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Admin,
  ConfigResourceTypes,
  Consumer,
  IncrementalAlterConfigOperationTypes,
  Producer,
  stringDeserializers,
  stringSerializers,
} from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { startBroker } from '../../../src/index.js';
import { consoleLogger } from '../../../src/broker/index.js';
import { apiByKey } from '../../../src/protocol/index.js';
import { confluent, kafkaPython, kcat } from './clients.js';
import { startRecordingProxy } from './recording-proxy.js';
import { txnTool } from './txn-clients.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixturesDir = join(here, '..', '..', '..', '..', 'test', 'fixtures', 'protocol');
/** Larger frames (big produce batches) are not worth storing. */
const MAX_FIXTURE_BYTES = 16 * 1024;
const TOPIC = 'fixture-topic';
const ADMIN_TOPIC = 'fixture-admin';

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
    const admin = (args: object) => confluent('admin', { bootstrap, ...args });
    await admin({ op: 'create_topics', topics: [{ name: TOPIC }, { name: ADMIN_TOPIC }] });
    await admin({ op: 'describe_configs', name: ADMIN_TOPIC });
    await admin({ op: 'alter_configs', name: ADMIN_TOPIC, config: { 'retention.ms': '60000' } });
    await admin({ op: 'create_partitions', topic: ADMIN_TOPIC, count: 2 });
    await admin({ op: 'delete_topics', topics: [ADMIN_TOPIC] });
    await confluent('produce', {
      bootstrap,
      topic: TOPIC,
      config: { 'enable.idempotence': true },
      messages: messages.map((m) => ({ ...m, partition: 0 })),
    });
    await confluent('consume', {
      bootstrap,
      topic: TOPIC,
      timestamps: { 0: 0 },
      count: 2,
      stop_at_eof: true,
      timeout: 5,
    });
    await confluent('consume', {
      bootstrap,
      topic: TOPIC,
      group: 'fixture-group-confluent',
      subscribe: true,
      config: { 'auto.offset.reset': 'earliest' },
      count: 2,
      timeout: 20,
    });
    await txnTool('transactions', {
      bootstrap,
      topic: TOPIC,
      transactional_id: 'fixture-txn-confluent',
      transactions: [
        { messages: [{ value: 't1', partition: 0 }], end: 'commit' },
        { messages: [{ value: 't2', partition: 0 }], end: 'abort' },
      ],
    });
  },
  'kafka-python': async (bootstrap) => {
    const admin = (args: object) => kafkaPython('admin', { bootstrap, ...args });
    await admin({ op: 'create_topics', topics: [{ name: TOPIC }, { name: ADMIN_TOPIC }] });
    await admin({ op: 'describe_configs', name: ADMIN_TOPIC });
    await admin({ op: 'create_partitions', topic: ADMIN_TOPIC, count: 2 });
    await admin({ op: 'delete_topics', topics: [ADMIN_TOPIC] });
    await kafkaPython('produce', {
      bootstrap,
      topic: TOPIC,
      messages: messages.map((m) => ({ ...m, partition: 0 })),
    });
    await kafkaPython('consume', {
      bootstrap,
      topic: TOPIC,
      offsets: { 0: 0 },
      count: 2,
      timeout: 5,
    });
    await kafkaPython('list_offsets', { bootstrap, topic: TOPIC });
    await kafkaPython('consume_group', {
      bootstrap,
      topic: TOPIC,
      group: 'fixture-group-kafka-python',
      count: 2,
      timeout: 20,
    });
  },
  kafkajs: async (bootstrap) => {
    const { Kafka, logLevel, ConfigResourceTypes: Types } = kafkajs;
    const kafka = new Kafka({
      clientId: 'fixtures',
      brokers: [bootstrap],
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: TOPIC, numPartitions: 2 }, { topic: ADMIN_TOPIC }],
    });
    const resource = { type: Types.TOPIC, name: ADMIN_TOPIC };
    await admin.describeConfigs({ includeSynonyms: false, resources: [resource] });
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ ...resource, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
    });
    await admin.createPartitions({ topicPartitions: [{ topic: ADMIN_TOPIC, count: 2 }] });
    await admin.deleteTopics({ topics: [ADMIN_TOPIC] });
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: messages.map((m) => ({ ...m, partition: 0 })) });
    await producer.disconnect();
    await admin.fetchTopicOffsets(TOPIC);
    await admin.fetchTopicOffsetsByTimestamp(TOPIC, 0);
    await readWithKafkaJsGroup(kafka, 2);
    await admin.deleteTopicRecords({ topic: TOPIC, partitions: [{ partition: 0, offset: '1' }] });
    await admin.disconnect();
    const txnProducer = kafka.producer({
      transactionalId: 'fixture-txn-kafkajs',
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await txnProducer.connect();
    for (const commit of [true, false]) {
      const txn = await txnProducer.transaction();
      await txn.send({ topic: TOPIC, messages: [{ value: 't', partition: 0 }] });
      await (commit ? txn.commit() : txn.abort());
    }
    await txnProducer.disconnect();
  },
  platformatic: async (bootstrap) => {
    const options = { clientId: 'fixtures', bootstrapBrokers: [bootstrap] };
    const admin = new Admin(options);
    await admin.createTopics({ topics: [TOPIC], partitions: 2 });
    await admin.createTopics({ topics: [ADMIN_TOPIC], partitions: 1 });
    const resource = { resourceType: ConfigResourceTypes.TOPIC, resourceName: ADMIN_TOPIC };
    await admin.describeConfigs({ resources: [resource] });
    await admin.incrementalAlterConfigs({
      resources: [
        {
          ...resource,
          configs: [
            {
              name: 'retention.ms',
              configOperation: IncrementalAlterConfigOperationTypes.SET,
              value: '60000',
            },
          ],
        },
      ],
    });
    await admin.createPartitions({ topics: [{ name: ADMIN_TOPIC, count: 2 }] });
    await admin.describeLogDirs({ topics: [{ name: ADMIN_TOPIC, partitions: [0, 1] }] });
    await admin.deleteTopics({ topics: [ADMIN_TOPIC] });
    const producer = new Producer({ ...options, serializers: stringSerializers, idempotent: true });
    await producer.send({
      messages: messages.map((m) => ({ topic: TOPIC, key: m.key, value: m.value, partition: 0 })),
    });
    await producer.close();
    await admin.listOffsets({
      topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, timestamp: -1n }] }],
    });
    await readWithPlatformaticGroup(options, 2);
    await admin.close();
    const txnProducer = new Producer({
      ...options,
      serializers: stringSerializers,
      idempotent: true,
      transactionalId: 'fixture-txn-platformatic',
    });
    for (const commit of [true, false]) {
      const txn = await txnProducer.beginTransaction();
      await txn.send({ messages: [{ topic: TOPIC, value: 't', partition: 0 }] });
      await (commit ? txn.commit() : txn.abort());
    }
    await txnProducer.close();
  },
};

/** Reads `count` records of TOPIC with a KafkaJS group consumer (group APIs, Fetch, commits). */
async function readWithKafkaJsGroup(kafka: kafkajs.Kafka, count: number): Promise<void> {
  const consumer = kafka.consumer({ groupId: 'fixture-group-kafkajs' });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('KafkaJS group read timed out')), 30_000);
    consumer
      .run({
        eachMessage: async () => {
          if (++seen === count) {
            clearTimeout(timer);
            resolve();
          }
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
}

/** Reads `count` records of TOPIC with a @platformatic/kafka group consumer. */
async function readWithPlatformaticGroup(
  options: { clientId: string; bootstrapBrokers: string[] },
  count: number,
): Promise<void> {
  const consumer = new Consumer({
    ...options,
    groupId: 'fixture-group-platformatic',
    deserializers: stringDeserializers,
  });
  const stream = await consumer.consume({
    topics: [TOPIC],
    mode: 'committed',
    fallbackMode: 'earliest',
    autocommit: false,
  });
  let seen = 0;
  for await (const message of stream) {
    await message.commit();
    if (++seen === count) break;
  }
  await stream.close();
  await consumer.close();
}

function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

export function fixtureName(apiKey: number, apiVersion: number): string {
  const name = kebab(apiByKey(apiKey)?.name ?? 'unknown');
  return `${String(apiKey).padStart(2, '0')}-${name}-v${apiVersion}.bin`;
}

async function record(client: string, drive: Drive): Promise<string[]> {
  const proxy = await startRecordingProxy();
  const broker = await startBroker({
    port: 0,
    config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` },
    logger: process.env.RIVULET_DEBUG === undefined ? undefined : consoleLogger({ debug: true }),
  });
  proxy.target = { host: '127.0.0.1', port: broker.port };
  try {
    await drive(`127.0.0.1:${proxy.port}`);
  } catch (err) {
    const seen = proxy.recorded.map((r) => `${r.apiKey}v${r.apiVersion}`).join(' ');
    throw new Error(`${(err as Error).message}\n  requests: ${seen}`);
  } finally {
    await proxy.close();
    await broker.close();
  }
  const dir = join(fixturesDir, client);
  await mkdir(dir, { recursive: true });
  for (const old of await readdir(dir)) await rm(join(dir, old));
  const written = new Set<string>();
  for (const { apiKey, apiVersion, frame } of proxy.recorded) {
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
