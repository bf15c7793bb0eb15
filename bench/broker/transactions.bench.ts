// Transactional produce throughput: one producer over one connection, 100-byte records in
// batches of up to 100 records (acks=all), transactions of 1, 100 and 10,000 records
// (InitProducerId once, then per transaction AddPartitionsToTxn, the Produce requests and
// EndTxn commit), each against an idempotent non-transactional producer sending the same
// batches to the same broker in the same run; then 1-record transactions from 8 producers at
// once (different transactional ids run side by side in the coordinator and share fsyncs)
// against 8 idempotent producers. Each transaction persists its state three times (Ongoing,
// PrepareCommit fsynced; CompleteCommit not) and writes a COMMIT marker.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBroker } from '../../src/index.js';
import { encodeRecordBatchSync, type ProduceResponse } from '../../src/protocol/index.js';
import { ProtocolClient } from '../../test/support/protocol-client.js';
import { createTopic, fmt } from './support/servers.js';

const TOPIC = 'bench-txn';
const RECORD_BYTES = 100;
const MAX_BATCH_RECORDS = 100;
const ROUND_MS = 2000;
const SIZES = [1, 100, 10_000];
const CONCURRENT_PRODUCERS = 8;

interface Producer {
  conn: ProtocolClient;
  producerId: bigint;
  producerEpoch: number;
  sequence: number;
}

async function initProducer(port: number, transactionalId: string | null): Promise<Producer> {
  const conn = await ProtocolClient.connect(port);
  const res = await conn.request<{ errorCode: number; producerId: bigint; producerEpoch: number }>(
    22,
    4,
    {
      transactionalId,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
      enable2Pc: false,
      keepPreparedTxn: false,
    },
  );
  if (res.errorCode !== 0) throw new Error(`InitProducerId failed: ${res.errorCode}`);
  return { conn, producerId: res.producerId, producerEpoch: res.producerEpoch, sequence: 0 };
}

const value = Buffer.alloc(RECORD_BYTES, 0x61);

async function produce(p: Producer, count: number, transactional: boolean): Promise<void> {
  const records = Array.from({ length: count }, () => ({ value }));
  const batch = encodeRecordBatchSync(records, {
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    baseSequence: p.sequence,
    isTransactional: transactional,
    timestamp: Date.now(),
  });
  p.sequence += count;
  const res = await p.conn.request<ProduceResponse>(0, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30_000,
    topicData: [
      {
        name: TOPIC,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionData: [{ index: 0, records: batch }],
      },
    ],
  });
  const code = res.responses[0]!.partitionResponses[0]!.errorCode;
  if (code !== 0) throw new Error(`Produce failed: ${code}`);
}

async function sendRecords(p: Producer, count: number, transactional: boolean): Promise<void> {
  for (let sent = 0; sent < count; sent += MAX_BATCH_RECORDS) {
    await produce(p, Math.min(MAX_BATCH_RECORDS, count - sent), transactional);
  }
}

async function transaction(p: Producer, id: string, count: number): Promise<void> {
  const added = await p.conn.request<{
    resultsByTopicV3AndBelow: { resultsByPartition: { partitionErrorCode: number }[] }[];
  }>(24, 3, {
    transactions: [],
    v3AndBelowTransactionalId: id,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }],
  });
  const addCode = added.resultsByTopicV3AndBelow[0]!.resultsByPartition[0]!.partitionErrorCode;
  if (addCode !== 0) throw new Error(`AddPartitionsToTxn failed: ${addCode}`);
  await sendRecords(p, count, true);
  const ended = await p.conn.request<{ errorCode: number }>(26, 3, {
    transactionalId: id,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    committed: true,
  });
  if (ended.errorCode !== 0) throw new Error(`EndTxn failed: ${ended.errorCode}`);
}

/**
 * Records per second over at least ROUND_MS, with one loop per unit (each sending `count`
 * records per call), all at once.
 */
async function measure(count: number, units: (() => Promise<void>)[]): Promise<number> {
  const start = performance.now();
  let records = 0;
  await Promise.all(
    units.map(async (unit) => {
      do {
        await unit();
        records += count;
      } while (performance.now() - start < ROUND_MS);
    }),
  );
  return records / ((performance.now() - start) / 1000);
}

async function compare(port: number, size: number, producers: number): Promise<string> {
  const range = Array.from({ length: producers }, (_, i) => i);
  const plain = await Promise.all(range.map(() => initProducer(port, null)));
  const baseline = await measure(
    size,
    plain.map((p) => () => sendRecords(p, size, false)),
  );
  await Promise.all(plain.map((p) => p.conn.end()));
  const ids = range.map((i) => `bench-${size}-${producers}-${i}`);
  const txns = await Promise.all(ids.map((id) => initProducer(port, id)));
  const rate = await measure(
    size,
    txns.map((p, i) => () => transaction(p, ids[i]!, size)),
  );
  await Promise.all(txns.map((p) => p.conn.end()));
  const perTxn = `${fmt(rate / size, 1)} txn/s`;
  return `${String(size).padStart(6)} records/txn x ${producers}  idempotent ${fmt(baseline, 0).padStart(8)} rec/s  transactional ${fmt(rate, 0).padStart(8)} rec/s (${perTxn})  ${fmt(rate / baseline, 2)}x`;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'rivulet-bench-txn-'));
  const broker = await startBroker({ port: 0, config: { 'log.dir': dataDir } });
  try {
    const problem = await createTopic(broker.port, TOPIC, 1);
    if (problem !== null) throw new Error(problem);
    console.log(
      `${RECORD_BYTES} B records, batches of <= ${MAX_BATCH_RECORDS}, acks=all, ${ROUND_MS} ms per figure`,
    );
    for (const size of SIZES) console.log(await compare(broker.port, size, 1));
    console.log(await compare(broker.port, 1, CONCURRENT_PRODUCERS));
  } finally {
    await broker.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
