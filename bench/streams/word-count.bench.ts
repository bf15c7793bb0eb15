// Word count throughput of rivulet/streams against a hand-written loop on our client, in the
// same run against the same in-process broker: the loop consumes `lines`, counts words in a
// Map and produces one (word, count) record per word; the Streams application does the same
// with Kafka Streams' topology (flatMapValues → groupBy → count, through a repartition topic
// and a changelog), at least once and then exactly once. Figures are input records per second
// from the first assignment until the last output record is written, and the ratio to the loop (targets:
// >= 0.5x at least once, >= 0.3x exactly once). Then get/put ops/s of the in-memory and the
// persistent (LMDB, synchronous puts) key-value stores against a plain Map.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/index.js';
import { Admin, Consumer, Producer } from '../../src/client/index.js';
import {
  InMemoryKeyValueStore,
  KafkaStreams,
  LmdbKeyValueStore,
  Serdes,
} from '../../src/streams/index.js';
import { wordCount } from '../../test/streams/topologies.js';
import { fmt } from '../broker/support/servers.js';

const LINES = 50_000;
const WORDS_PER_LINE = 5;
const VOCABULARY = Array.from({ length: 500 }, (_, i) => `word${i}`);

const broker = await startBroker();
const admin = new Admin({ bootstrapServers: broker.bootstrap });
await admin.connect();
await admin.createTopics([
  { name: 'text-input', numPartitions: 1 },
  { name: 'word-counts', numPartitions: 1 },
  { name: 'baseline-counts', numPartitions: 1 },
]);
const producer = new Producer({ bootstrapServers: broker.bootstrap, lingerMs: 5 });
await producer.connect();
let seed = 1;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const sends = [];
for (let i = 0; i < LINES; i++) {
  const line = Array.from(
    { length: WORDS_PER_LINE },
    () => VOCABULARY[Math.floor(random() * VOCABULARY.length)],
  ).join(' ');
  sends.push(producer.send({ topic: 'text-input', value: line }));
}
await Promise.all(sends);
await producer.close();
const expected = BigInt(LINES * WORDS_PER_LINE);

async function waitForOutput(topic: string): Promise<void> {
  for (;;) {
    const [o] = await admin.listOffsets([{ topic, partition: 0 }], 'latest');
    if (o!.offset >= expected) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function baseline(): Promise<number> {
  const start = performance.now();
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
  const out = new Producer({ bootstrapServers: broker.bootstrap });
  await consumer.connect();
  await out.connect();
  consumer.assign([{ topic: 'text-input', partition: 0, offset: 'earliest' }]);
  const counts = new Map<string, number>();
  let seen = 0;
  for await (const batch of consumer.batches()) {
    const records = [];
    for (const r of batch.records) {
      for (const w of r.value!.toString().toLowerCase().split(/\W+/)) {
        if (w === '') continue;
        const n = (counts.get(w) ?? 0) + 1;
        counts.set(w, n);
        const v = Buffer.alloc(8);
        v.writeBigInt64BE(BigInt(n));
        records.push({ topic: 'baseline-counts', key: w, value: v });
      }
    }
    void out.sendBatch(records);
    seen += batch.records.length;
    if (seen >= LINES) break;
  }
  await out.flush();
  await waitForOutput('baseline-counts');
  const elapsed = performance.now() - start;
  consumer.close();
  await out.close();
  return (LINES / elapsed) * 1000;
}

async function streams(
  guarantee: 'at_least_once' | 'exactly_once_v2',
  id: string,
): Promise<number> {
  const outputTopic = `word-counts-${id}`;
  await admin.createTopics([{ name: outputTopic, numPartitions: 1 }]);
  const topology = wordCount();
  // The same topology, writing to its own output topic for this run.
  for (const node of topology.nodes.values())
    if (node.kind === 'sink' && node.topic === 'word-counts') node.topic = outputTopic;
  const start = performance.now();
  const app = new KafkaStreams(topology, {
    applicationId: id,
    bootstrapServers: broker.bootstrap,
    processingGuarantee: guarantee,
  });
  await app.start();
  const topic = outputTopic;
  for (;;) {
    const [o] = await admin.listOffsets([{ topic, partition: 0 }], 'latest', {
      isolationLevel: 'read_committed',
    });
    if (o!.offset >= expected) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - start;
  await app.close();
  return (LINES / elapsed) * 1000;
}

const base = await baseline();
console.log(`hand-written consume → Map → produce loop: ${fmt(base, 0)} records/s`);
const alo = await streams('at_least_once', 'bench-alo');
console.log(
  `Streams word count, at_least_once:    ${fmt(alo, 0)} records/s (${fmt(alo / base, 2)}x; target >= 0.5x)`,
);
const eos = await streams('exactly_once_v2', 'bench-eos');
console.log(
  `Streams word count, exactly_once_v2:  ${fmt(eos, 0)} records/s (${fmt(eos / base, 2)}x; target >= 0.3x)`,
);

const OPS = 200_000;
const store = new InMemoryKeyValueStore('bench', Serdes.String(), Serdes.Long());
store.init({ changeLogger: null, streamTimeMs: () => -1 });
const map = new Map<string, number>();
const keys = Array.from({ length: 10_000 }, (_, i) => `key-${i}`);
const time = (fn: () => void) => {
  const t = performance.now();
  fn();
  return (OPS / (performance.now() - t)) * 1000;
};
const mapPut = time(() => {
  for (let i = 0; i < OPS; i++) map.set(keys[i % keys.length]!, i);
});
const storePut = time(() => {
  for (let i = 0; i < OPS; i++) store.put(keys[i % keys.length]!, i);
});
const mapGet = time(() => {
  for (let i = 0; i < OPS; i++) map.get(keys[i % keys.length]!);
});
const storeGet = time(() => {
  for (let i = 0; i < OPS; i++) store.get(keys[i % keys.length]!);
});
console.log(
  `in-memory key-value store put: ${fmt(storePut, 0)} ops/s (${fmt(storePut / mapPut, 3)}x a Map)`,
);
console.log(
  `in-memory key-value store get: ${fmt(storeGet, 0)} ops/s (${fmt(storeGet / mapGet, 3)}x a Map)`,
);
const dir = await mkdtemp(join(tmpdir(), 'rivulet-bench-lmdb-'));
const disk = new LmdbKeyValueStore('bench', Serdes.String(), Serdes.Long());
disk.init({ changeLogger: null, streamTimeMs: () => -1, stateDir: dir });
const diskPut = time(() => {
  for (let i = 0; i < OPS; i++) disk.put(keys[i % keys.length]!, i);
});
const diskGet = time(() => {
  for (let i = 0; i < OPS; i++) disk.get(keys[i % keys.length]!);
});
console.log(
  `persistent (LMDB) key-value store put: ${fmt(diskPut, 0)} ops/s (${fmt(diskPut / mapPut, 3)}x a Map)`,
);
console.log(
  `persistent (LMDB) key-value store get: ${fmt(diskGet, 0)} ops/s (${fmt(diskGet / mapGet, 3)}x a Map)`,
);
await disk.close();
await rm(dir, { recursive: true, force: true });
admin.close();
await broker.close();
