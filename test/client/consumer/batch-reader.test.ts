import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFetchedRecords } from '../../../src/client/index.js';
import { ControlRecordType, encodeRecordBatch, endTxnMarker } from '../../../src/protocol/index.js';
import { crc32c } from '../../../src/util/crc32c.js';

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

const plain = {
  topic: 't',
  partition: 0,
  fetchOffset: 0n,
  readCommitted: false,
  abortedTransactions: null,
};

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

test('a batch that does not decode stops the read: records before it, then its offsets', async () => {
  const poison = await encodeRecordBatch([v('p1'), v('p2')], { baseOffset: 2n });
  poison.writeInt16BE(1, 21); // gzip, though the records are not compressed
  poison.writeUInt32BE(crc32c(poison.subarray(21)), 17);
  const bytes = Buffer.concat([
    await encodeRecordBatch([v('a'), v('b')], { baseOffset: 0n }),
    poison,
    await encodeRecordBatch([v('c')], { baseOffset: 4n }),
  ]);
  const read = await readFetchedRecords(bytes, { ...plain, fetchOffset: 1n });
  assert.deepEqual(
    read.records.map((r) => r.value!.toString()),
    ['b'],
  );
  assert.equal(read.nextOffset, 2n);
  assert.deepEqual([read.corrupt?.baseOffset, read.corrupt?.lastOffset], [2n, 3n]);
  assert.equal(read.corrupt?.error.problem, 'corrupt-compressed-data');
  // A batch length that cannot be right: reported at the position, its offsets unknown.
  const garbage = Buffer.concat([
    await encodeRecordBatch([v('a')], { baseOffset: 0n }),
    Buffer.from('000000000000000100000003ffffffff', 'hex'),
  ]);
  const cut = await readFetchedRecords(garbage, plain);
  assert.deepEqual([cut.records.length, cut.nextOffset, cut.corrupt?.lastOffset], [1, 1n, null]);
  assert.equal(cut.corrupt?.error.problem, 'invalid-length');
  assert.equal((await readFetchedRecords(bytes.subarray(0, 60), plain)).corrupt, null);
});
