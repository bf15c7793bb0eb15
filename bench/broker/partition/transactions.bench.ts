// Transactional produce on the partition path: records per transaction 1, 100 and 10,000,
// each transaction = one-record transactional batches + a COMMIT marker (what the coordinator
// writes), as a ratio to the same number of one-record idempotent batches in the same run.
// Coordinator round trips (AddPartitionsToTxn, EndTxn, __transaction_state flushes) are not
// included: the coordinator is not wired to the client APIs yet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveBrokerConfig } from '../../../src/broker/config/index.js';
import { ReplicaManager } from '../../../src/broker/partition/index.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/index.js';
import { LogManager } from '../../../src/storage/index.js';

const RECORDS = 20_000;
const value = Buffer.alloc(100, 0x61);

const root = mkdtempSync(join(tmpdir(), 'rivulet-txn-bench-'));
const broker = resolveBrokerConfig(new Map([['log.dirs', root]])).config!;
const logs = await LogManager.open({ logDirs: [root] });
const replicas = new ReplicaManager({ logs, broker });
let topicNo = 0;

async function fresh(): Promise<string> {
  const topic = `t${topicNo++}`;
  await replicas.ensurePartition(
    { topic, partition: 0, topicId: '00000000-0000-0000-0000-000000000000', leaderEpoch: 0 },
    new Map(),
  );
  return topic;
}

function batch(seq: number, transactional: boolean): Buffer {
  return encodeRecordBatchSync([{ key: null, value }], {
    producerId: 1n,
    producerEpoch: 0,
    baseSequence: seq,
    isTransactional: transactional,
  });
}

/** Records per second; `perTxn` 0 means no transactions. */
async function run(perTxn: number): Promise<number> {
  const topic = await fresh();
  const input = Array.from({ length: RECORDS }, (_, i) => batch(i, perTxn > 0));
  const start = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) {
    const r = await replicas.append(topic, 0, { records: input[i]!, acks: 1, apiVersion: 9 });
    if (r.error !== null) throw new Error(r.message ?? r.error);
    if (perTxn > 0 && (i + 1) % perTxn === 0) {
      const m = { producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, commit: true };
      await replicas.writeTxnMarker(topic, 0, m);
    }
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return RECORDS / seconds;
}

try {
  await run(0); // warm-up
  for (const perTxn of [1, 100, 10_000]) {
    const baseline = await run(0);
    const txn = await run(perTxn);
    console.log(
      `${`transactional, ${perTxn} records/txn`.padEnd(36)} ${txn.toFixed(0).padStart(8)} rec/s` +
        `  non-transactional ${baseline.toFixed(0).padStart(8)} rec/s  ratio ${(txn / baseline).toFixed(2)}`,
    );
  }
} finally {
  await replicas.close();
  await logs.close();
  rmSync(root, { recursive: true, force: true });
}
