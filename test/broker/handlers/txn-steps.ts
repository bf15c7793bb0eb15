// Steps of a transactional client against an in-process broker, and what a read_committed
// consumer would keep of a partition.
import assert from 'node:assert/strict';
import {
  ErrorCode,
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../../../src/protocol/index.js';
import type { InProcessBroker } from './in-process-broker.js';
import { fetchBody, produceBody } from './data-helpers.js';
import { call } from './frame-call.js';

export interface Producer {
  id: string;
  pid: bigint;
  epoch: number;
}

export const initBody = (id: string | null, timeoutMs = 30000, pid = -1n, epoch = -1) => ({
  transactionalId: id,
  transactionTimeoutMs: timeoutMs,
  producerId: pid,
  producerEpoch: epoch,
  enable2Pc: false,
  keepPreparedTxn: false,
});

export async function init(b: InProcessBroker, id: string): Promise<Producer> {
  const res = await call(b, 22, 4, initBody(id));
  assert.equal(res.errorCode, ErrorCode.NONE);
  return { id, pid: res.producerId, epoch: res.producerEpoch };
}

export async function add(b: InProcessBroker, p: Producer, partitions: number[], version = 3) {
  const res = await call(b, 24, version, {
    transactions: [],
    v3AndBelowTransactionalId: p.id,
    v3AndBelowProducerId: p.pid,
    v3AndBelowProducerEpoch: p.epoch,
    v3AndBelowTopics: [{ name: 'a', partitions }],
  });
  const codes: number[] = res.resultsByTopicV3AndBelow.flatMap(
    (t: { resultsByPartition: { partitionErrorCode: number }[] }) =>
      t.resultsByPartition.map((r) => r.partitionErrorCode),
  );
  return codes;
}

export async function end(b: InProcessBroker, p: Producer, committed: boolean, version = 3) {
  const res = await call(b, 26, version, {
    transactionalId: p.id,
    producerId: p.pid,
    producerEpoch: p.epoch,
    committed,
  });
  return res.errorCode as number;
}

export const txnBatch = (values: string[], p: Producer, baseSequence: number) =>
  encodeRecordBatchSync(
    values.map((v) => ({ key: null, value: Buffer.from(v) })),
    {
      producerId: p.pid,
      producerEpoch: p.epoch,
      baseSequence,
      isTransactional: true,
      timestamp: Date.now(),
    },
  );

export async function produce(
  b: InProcessBroker,
  p: Producer,
  partition: number,
  values: string[],
  seq: number,
) {
  const res = await call(
    b,
    0,
    9,
    produceBody('a', [{ index: partition, records: txnBatch(values, p, seq) }]),
  );
  return res.responses[0].partitionResponses[0].errorCode as number;
}

/**
 * What a read_committed consumer keeps, as Kafka's clients do: records below the LSO, without
 * control batches, and without the records of an aborted transaction (from its first offset
 * in `aborted_transactions` to its producer's ABORT marker).
 */
export async function readCommitted(b: InProcessBroker, partition: number) {
  const res = await call(
    b,
    1,
    12,
    fetchBody('a', [{ partition, fetchOffset: 0 }], { isolationLevel: 1 }),
  );
  const p = res.responses[0].partitions[0];
  const aborted: { producerId: bigint; firstOffset: bigint }[] = [
    ...(p.abortedTransactions ?? []),
  ].sort((x, y) => (x.firstOffset < y.firstOffset ? -1 : 1));
  const skipping = new Set<bigint>();
  const values: string[] = [];
  for (const raw of p.records === null ? [] : splitRecordBatches(p.records)) {
    const batch = decodeRecordBatchSync(raw);
    // Each entry is taken once, when the fetch reaches its first offset (Kafka's clients poll
    // them off a queue ordered by first offset).
    while (aborted.length > 0 && aborted[0]!.firstOffset <= batch.baseOffset) {
      skipping.add(aborted.shift()!.producerId);
    }
    if (batch.isControl) {
      skipping.delete(batch.producerId);
      continue;
    }
    if (batch.isTransactional && skipping.has(batch.producerId)) continue;
    for (const r of batch.records) values.push(r.value?.toString() ?? '');
  }
  return { values, lso: p.lastStableOffset as bigint, hw: p.highWatermark as bigint };
}
