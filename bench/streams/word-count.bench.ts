// Word count throughput of rivulet/streams against hand-written loops on our client, in the
// same run against the same in-process broker (group.initial.rebalance.delay.ms=0, so no run
// waits 3 s for more members). Each run counts the words of `lines` and is timed until the
// output topic's latest counts add up to every word of the input (read_committed; the direct
// loop, which writes one record per word, until its output has that many records).
//
//  - the direct loop consumes lines, counts in a Map and produces one (word, count) per word:
//    the baseline; it never repartitions, so it does about a third of the broker work;
//  - the repartitioning loop does what the topology does: one stage writes each word, keyed
//    by itself, to a topic, a second stage reads it, counts and writes the latest count of
//    each word of a fetched batch (a fair baseline for a keyed aggregation);
//  - Streams runs Kafka Streams' topology (flatMapValues → groupBy → count, through a
//    repartition topic and a changelog) at least once with and without the record cache, and
//    exactly once. commit.interval.ms is 100 for all of them, so that cached counts are
//    written within 100 ms of the last record (the at-least-once default, 30 s, would make
//    the run last 30 s).
//
// Then get/put ops/s of the in-memory and the persistent (LMDB, synchronous puts) key-value
// stores against a plain Map.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/index.js';
import { Admin, Consumer, Producer, type ProducerRecord } from '../../src/client/index.js';
import {
  InMemoryKeyValueStore,
  KafkaStreams,
  LmdbKeyValueStore,
  Serdes,
  type StreamsConfig,
} from '../../src/streams/index.js';
import { wordCount } from '../../test/streams/topologies.js';
import { fmt } from '../broker/support/servers.js';

const LINES = 50_000;
const WORDS_PER_LINE = 5;
const VOCABULARY = Array.from({ length: 500 }, (_, i) => `word${i}`);
const WORDS = LINES * WORDS_PER_LINE;

const broker = await startBroker({ config: { 'group.initial.rebalance.delay.ms': 0 } });
const admin = new Admin({ bootstrapServers: broker.bootstrap });
await admin.connect();
await admin.createTopics([{ name: 'text-input', numPartitions: 1 }]);
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

const long = (n: number) => {
  const v = Buffer.alloc(8);
  v.writeBigInt64BE(BigInt(n));
  return v;
};

/** Resolves once the latest (word, count) records of `topic` add up to every input word. */
async function allCounted(topic: string): Promise<number> {
  const consumer = new Consumer({
    bootstrapServers: broker.bootstrap,
    isolationLevel: 'read_committed',
  });
  await consumer.connect();
  consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
  const latest = new Map<string, number>();
  let sum = 0;
  let records = 0;
  try {
    for await (const batch of consumer.batches()) {
      for (const r of batch.records) {
        const word = r.key!.toString();
        const n = Number(r.value!.readBigInt64BE(0));
        sum += n - (latest.get(word) ?? 0);
        latest.set(word, n);
        records++;
      }
      if (sum >= WORDS) return records;
    }
  } finally {
    consumer.close();
  }
  throw new Error(`${topic} ended before every word was counted`);
}

async function directLoop(): Promise<number> {
  await admin.createTopics([{ name: 'direct-counts', numPartitions: 1 }]);
  const start = performance.now();
  const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
  const out = new Producer({ bootstrapServers: broker.bootstrap });
  await consumer.connect();
  await out.connect();
  consumer.assign([{ topic: 'text-input', partition: 0, offset: 'earliest' }]);
  const counts = new Map<string, number>();
  let seen = 0;
  for await (const batch of consumer.batches()) {
    const records: ProducerRecord[] = [];
    for (const r of batch.records) {
      for (const w of r.value!.toString().toLowerCase().split(/\W+/)) {
        if (w === '') continue;
        const n = (counts.get(w) ?? 0) + 1;
        counts.set(w, n);
        records.push({ topic: 'direct-counts', key: w, value: long(n) });
      }
    }
    void out.sendBatch(records);
    seen += batch.records.length;
    if (seen >= LINES) break;
  }
  await out.flush();
  // This loop writes one record per word: its end offset says when all are written (reading
  // them all back would charge it for 250000 records the others never write).
  for (;;) {
    const [o] = await admin.listOffsets([{ topic: 'direct-counts', partition: 0 }], 'latest');
    if (o!.offset >= BigInt(WORDS)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = performance.now() - start;
  consumer.close();
  await out.close();
  return (LINES / elapsed) * 1000;
}

async function repartitioningLoop(): Promise<number> {
  await admin.createTopics([
    { name: 'loop-repartition', numPartitions: 1 },
    { name: 'loop-counts', numPartitions: 1 },
  ]);
  const start = performance.now();
  const done = allCounted('loop-counts');
  const split = async () => {
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
    const out = new Producer({ bootstrapServers: broker.bootstrap });
    await consumer.connect();
    await out.connect();
    consumer.assign([{ topic: 'text-input', partition: 0, offset: 'earliest' }]);
    let seen = 0;
    for await (const batch of consumer.batches()) {
      const records: ProducerRecord[] = [];
      for (const r of batch.records) {
        for (const w of r.value!.toString().toLowerCase().split(/\W+/)) {
          if (w !== '') records.push({ topic: 'loop-repartition', key: w, value: w });
        }
      }
      void out.sendBatch(records);
      seen += batch.records.length;
      if (seen >= LINES) break;
    }
    await out.close();
    consumer.close();
  };
  const count = async () => {
    const consumer = new Consumer({ bootstrapServers: broker.bootstrap });
    const out = new Producer({ bootstrapServers: broker.bootstrap });
    await consumer.connect();
    await out.connect();
    consumer.assign([{ topic: 'loop-repartition', partition: 0, offset: 'earliest' }]);
    const counts = new Map<string, number>();
    let seen = 0;
    for await (const batch of consumer.batches()) {
      const changed = new Set<string>();
      for (const r of batch.records) {
        const w = r.key!.toString();
        counts.set(w, (counts.get(w) ?? 0) + 1);
        changed.add(w);
      }
      void out.sendBatch(
        [...changed].map((w) => ({ topic: 'loop-counts', key: w, value: long(counts.get(w)!) })),
      );
      seen += batch.records.length;
      if (seen >= WORDS) break;
    }
    await out.close();
    consumer.close();
  };
  await Promise.all([split(), count(), done]);
  return (LINES / (performance.now() - start)) * 1000;
}

async function streams(id: string, config: Partial<StreamsConfig>): Promise<[number, number]> {
  const outputTopic = `word-counts-${id}`;
  await admin.createTopics([{ name: outputTopic, numPartitions: 1 }]);
  const topology = wordCount();
  // The same topology, writing to its own output topic for this run.
  for (const node of topology.nodes.values())
    if (node.kind === 'sink' && node.topic === 'word-counts') node.topic = outputTopic;
  const start = performance.now();
  const done = allCounted(outputTopic);
  const app = new KafkaStreams(topology, {
    applicationId: id,
    bootstrapServers: broker.bootstrap,
    commitIntervalMs: 100,
    ...config,
  });
  await app.start();
  const outputRecords = await done;
  const elapsed = performance.now() - start;
  await app.close();
  return [(LINES / elapsed) * 1000, outputRecords];
}

const direct = await directLoop();
console.log(`direct loop (consume → Map → produce):      ${fmt(direct, 0)} lines/s`);
const loop = await repartitioningLoop();
console.log(
  `repartitioning loop (split → topic → count): ${fmt(loop, 0)} lines/s (${fmt(loop / direct, 2)}x the direct loop)`,
);
const runs: [string, string, Partial<StreamsConfig>][] = [
  ['at_least_once, no cache', 'alo-nocache', { statestoreCacheMaxBytes: 0 }],
  ['at_least_once', 'alo', {}],
  ['exactly_once_v2', 'eos', { processingGuarantee: 'exactly_once_v2' }],
];
for (const [label, id, config] of runs) {
  const [rate, records] = await streams(`bench-${id}`, config);
  console.log(
    `Streams word count, ${label.padEnd(24)} ${fmt(rate, 0)} lines/s: ${fmt(rate / direct, 2)}x direct, ${fmt(rate / loop, 2)}x repartitioning (${records} output records)`,
  );
}

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
