import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFetchedRecords } from '../../../src/client/index.js';
import { ControlRecordType, encodeRecordBatch, endTxnMarker } from '../../../src/protocol/index.js';

const v = (s: string) => ({ value: Buffer.from(s) });

async function log() {
  // offsets 0-1 plain, 2-3 txn of producer 7 (aborted at 4), 5-6 txn of producer 8 (committed at 7)
  return Buffer.concat([
    await encodeRecordBatch([v('a'), v('b')], { baseOffset: 0n }),
    await encodeRecordBatch([v('x1'), v('x2')], {
      baseOffset: 2n,
      producerId: 7n,
      producerEpoch: 0,
      baseSequence: 0,
      isTransactional: true,
    }),
    await encodeRecordBatch([endTxnMarker(ControlRecordType.Abort, 0)], {
      baseOffset: 4n,
      producerId: 7n,
      producerEpoch: 0,
      isTransactional: true,
      isControl: true,
    }),
    await encodeRecordBatch([v('c1'), v('c2')], {
      baseOffset: 5n,
      producerId: 8n,
      producerEpoch: 0,
      baseSequence: 0,
      isTransactional: true,
    }),
    await encodeRecordBatch([endTxnMarker(ControlRecordType.Commit, 0)], {
      baseOffset: 7n,
      producerId: 8n,
      producerEpoch: 0,
      isTransactional: true,
      isControl: true,
    }),
  ]);
}

const base = {
  topic: 't',
  partition: 0,
  fetchOffset: 0n,
  abortedTransactions: [{ producerId: 7n, firstOffset: 2n }],
};

test('read_committed drops aborted transactions and every control batch', async () => {
  const read = await readFetchedRecords(await log(), { ...base, readCommitted: true });
  assert.deepEqual(
    read.records.map((r) => r.value!.toString()),
    ['a', 'b', 'c1', 'c2'],
  );
  assert.equal(read.nextOffset, 8n);
});

test('read_uncommitted returns aborted records too, but no markers', async () => {
  const read = await readFetchedRecords(await log(), { ...base, readCommitted: false });
  assert.deepEqual(
    read.records.map((r) => r.offset),
    [0n, 1n, 2n, 3n, 5n, 6n],
  );
});

test('records before the fetch offset are trimmed; a partial trailing batch is ignored', async () => {
  const bytes = await log();
  const read = await readFetchedRecords(bytes.subarray(0, bytes.length - 5), {
    ...base,
    fetchOffset: 1n,
    readCommitted: false,
  });
  assert.deepEqual(
    read.records.map((r) => r.offset),
    [1n, 2n, 3n, 5n, 6n],
  );
  assert.equal(read.nextOffset, 7n);
});
