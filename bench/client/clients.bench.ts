// Our producer and consumer against KafkaJS, @platformatic/kafka and librdkafka
// (confluent-kafka-python), all through one Rivulet broker running in its own process.
// Records of 1 KiB, acks=all. Ratios are against KafkaJS, measured in the same run.
// RIVULET_BENCH_RECORDS sets the count (the target run uses 1000000).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Consumer as PlatformaticConsumer,
  Producer as PlatformaticProducer,
} from '@platformatic/kafka';
import kafkajs from 'kafkajs';
import { Admin, Consumer, Producer } from '../../src/client/index.js';

const RECORDS = Number(process.env.RIVULET_BENCH_RECORDS ?? 200_000);
// RIVULET_BENCH_CLIENTS=rivulet,platformatic runs only those (KafkaJS is always the baseline).
const ONLY = process.env.RIVULET_BENCH_CLIENTS?.split(',');
const SIZE = 1024;
const PARTITIONS = 1;
const value = Buffer.alloc(SIZE, 97);

interface Result {
  name: string;
  produceMs: number;
  consumeMs: number;
}

async function startBrokerProcess(): Promise<{
  child: ChildProcess;
  bootstrap: string;
  dir: string;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'rivulet-bench-'));
  const child = spawn(
    process.execPath,
    ['bin/rivulet.js', 'start', '--port', '0', '--data-dir', dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve) =>
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString())),
  );
  const m = /listening on (\S+)/.exec(line);
  if (m === null) throw new Error(`broker did not start: ${line}`);
  return { child, bootstrap: m[1]!, dir };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function ours(bootstrap: string, topic: string): Promise<Result> {
  // The same usage as the other clients: 1000 records per call, 5 calls outstanding.
  const producer = new Producer({
    bootstrapServers: bootstrap,
    lingerMs: 5,
    batchSize: 1024 * 1024,
  });
  await producer.connect();
  const produceMs = await timed(async () => {
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < RECORDS; i += 1000) {
      const records = Array.from({ length: Math.min(1000, RECORDS - i) }, () => ({ topic, value }));
      inflight.push(producer.sendBatch(records));
      if (inflight.length >= 5) await inflight.shift();
    }
    await Promise.all(inflight);
  });
  await producer.close();
  const consumer = new Consumer({
    bootstrapServers: bootstrap,
    maxPartitionFetchBytes: 8 * 1024 * 1024,
  });
  await consumer.connect();
  const consumeMs = await timed(async () => {
    consumer.assign([{ topic, partition: 0, offset: 'earliest' }]);
    let n = 0;
    for await (const batch of consumer.batches()) {
      n += batch.records.length;
      if (n >= RECORDS) break;
    }
  });
  consumer.close();
  return { name: 'rivulet', produceMs, consumeMs };
}

async function kafkaJs(bootstrap: string, topic: string): Promise<Result> {
  const kafka = new kafkajs.Kafka({ brokers: [bootstrap], logLevel: kafkajs.logLevel.NOTHING });
  const producer = kafka.producer();
  await producer.connect();
  const produceMs = await timed(async () => {
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < RECORDS; i += 1000) {
      const messages = Array.from({ length: Math.min(1000, RECORDS - i) }, () => ({ value }));
      inflight.push(producer.send({ topic, acks: -1, messages }));
      if (inflight.length >= 5) await inflight.shift();
    }
    await Promise.all(inflight);
  });
  await producer.disconnect();
  const consumer = kafka.consumer({
    groupId: `bench-kafkajs-${Date.now()}`,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const consumeMs = await timed(
    () =>
      new Promise<void>((resolve) => {
        let n = 0;
        void consumer.run({
          eachBatch: async ({ batch }) => {
            n += batch.messages.length;
            if (n >= RECORDS) resolve();
          },
        });
      }),
  );
  await consumer.disconnect();
  return { name: 'kafkajs', produceMs, consumeMs };
}

async function platformatic(bootstrap: string, topic: string): Promise<Result> {
  const producer = new PlatformaticProducer({
    clientId: 'bench',
    bootstrapBrokers: [bootstrap],
    acks: -1,
  });
  const produceMs = await timed(async () => {
    const inflight: Promise<unknown>[] = [];
    for (let i = 0; i < RECORDS; i += 1000) {
      const messages = Array.from({ length: Math.min(1000, RECORDS - i) }, () => ({
        topic,
        value,
      }));
      inflight.push(producer.send({ messages }));
      if (inflight.length >= 5) await inflight.shift();
    }
    await Promise.all(inflight);
  });
  await producer.close();
  const consumer = new PlatformaticConsumer({
    clientId: 'bench',
    groupId: `bench-pk-${Date.now()}`,
    bootstrapBrokers: [bootstrap],
  });
  const consumeMs = await timed(async () => {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      maxBytes: 8 * 1024 * 1024,
    });
    let n = 0;
    for await (const message of stream) {
      if (message !== undefined && ++n >= RECORDS) break;
    }
    await stream.close();
  });
  await consumer.close(true);
  return { name: '@platformatic/kafka', produceMs, consumeMs };
}

const PYTHON = `
import sys, time
from confluent_kafka import Producer, Consumer, TopicPartition
bootstrap, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
value = b"a" * ${SIZE}
p = Producer({"bootstrap.servers": bootstrap, "acks": "all", "linger.ms": 5, "queue.buffering.max.messages": 1000000})
t0 = time.perf_counter()
for i in range(n):
    while True:
        try:
            p.produce(topic, value); break
        except BufferError:
            p.poll(0.01)
p.flush()
produce = (time.perf_counter() - t0) * 1000
c = Consumer({"bootstrap.servers": bootstrap, "group.id": "bench-rdkafka", "enable.auto.commit": False})
c.assign([TopicPartition(topic, 0, 0)])
t0 = time.perf_counter(); got = 0
while got < n:
    got += len(c.consume(10000, 1.0))
consume = (time.perf_counter() - t0) * 1000
c.close()
print(f"{produce} {consume}")
`;

function librdkafka(bootstrap: string, topic: string): Result | null {
  const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, bootstrap, topic, String(RECORDS)], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (r.status !== 0) {
    console.log(`librdkafka run skipped: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  const [produceMs, consumeMs] = r.stdout.trim().split(' ').map(Number) as [number, number];
  return { name: 'librdkafka (confluent-kafka-python)', produceMs, consumeMs };
}

async function main(): Promise<void> {
  const broker = await startBrokerProcess();
  const admin = new Admin({ bootstrapServers: broker.bootstrap });
  await admin.connect();
  const runs: [string, (b: string, t: string) => Promise<Result | null> | Result | null][] = [
    ['kafkajs', kafkaJs],
    ['rivulet', ours],
    ['platformatic', platformatic],
    ['rdkafka', librdkafka],
  ];
  const results: Result[] = [];
  try {
    for (const [topic, run] of runs) {
      if (ONLY !== undefined && topic !== 'kafkajs' && !ONLY.includes(topic)) continue;
      await admin.createTopics([{ name: topic, numPartitions: PARTITIONS }]);
      const r = await run(broker.bootstrap, topic);
      if (r !== null) results.push(r);
    }
  } finally {
    admin.close();
    broker.child.kill('SIGTERM');
    await new Promise((r) => broker.child.once('exit', r));
    rmSync(broker.dir, { recursive: true, force: true });
  }
  const base = results.find((r) => r.name === 'kafkajs')!;
  const rate = (ms: number) => RECORDS / (ms / 1000);
  console.log(
    `${RECORDS} records of ${SIZE} B, acks=all, ${PARTITIONS} partition, one broker process`,
  );
  console.log('client'.padEnd(38) + 'produce rec/s  ratio   consume rec/s  ratio');
  for (const r of results) {
    console.log(
      r.name.padEnd(38) +
        `${rate(r.produceMs).toFixed(0).padStart(13)}  ${(base.produceMs / r.produceMs).toFixed(2).padStart(5)}x` +
        `  ${rate(r.consumeMs).toFixed(0).padStart(13)}  ${(base.consumeMs / r.consumeMs).toFixed(2).padStart(5)}x`,
    );
  }
}

await main();
