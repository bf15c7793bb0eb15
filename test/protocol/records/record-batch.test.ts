import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchHeader, checkBatchFrame } from '../../../src/protocol/records/batch-header.js';
import {
  decodeRecordBatch,
  decodeRecordBatches,
  decodeRecordBatchSync,
  encodeRecordBatch,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../../../src/protocol/records/record-batch.js';
import { CompressionType } from '../../../src/protocol/records/compression.js';
import type { RecordInput } from '../../../src/protocol/records/record.js';
import { RecordDecodeError } from '../../../src/protocol/records/record-decode-error.js';

const T0 = 1_700_000_000_000;

function sampleRecords(): RecordInput[] {
  return [
    { key: Buffer.from('k1'), value: Buffer.from('{"id":1}'), timestamp: T0 },
    { key: null, value: Buffer.from('no key'), timestamp: T0 + 5 },
    { key: Buffer.from('tomb'), value: null, timestamp: T0 + 3 },
    {
      key: Buffer.from(''),
      value: Buffer.alloc(300, 'x'),
      timestamp: T0 - 10,
      headers: [
        { key: 'trace-id', value: Buffer.from('abc') },
        { key: 'ünïcode', value: null },
        { key: '', value: Buffer.alloc(0) },
      ],
    },
  ];
}

const CODECS = Object.values(CompressionType);

for (const codec of CODECS) {
  test(`batch round-trips with compression ${codec}`, async () => {
    const records = sampleRecords();
    const buf = await encodeRecordBatch(records, {
      compression: codec,
      baseOffset: 42n,
      producerId: 7n,
      producerEpoch: 3,
      baseSequence: 11,
      partitionLeaderEpoch: 5,
    });
    assert.equal(checkBatchFrame(buf, 0, buf.length, true), buf.length);
    const batch = await decodeRecordBatch(buf);
    assert.equal(batch.compression, codec);
    assert.equal(batch.baseOffset, 42n);
    assert.equal(batch.recordCount, 4);
    assert.equal(batch.lastOffsetDelta, 3);
    assert.equal(batch.baseTimestamp, BigInt(T0));
    assert.equal(batch.maxTimestamp, BigInt(T0 + 5));
    assert.equal(batch.producerId, 7n);
    assert.equal(batch.producerEpoch, 3);
    assert.equal(batch.baseSequence, 11);
    assert.equal(batch.partitionLeaderEpoch, 5);
    assert.equal(batch.isTransactional, false);
    assert.equal(batch.isControl, false);
    assert.equal(batch.timestampType, 'create-time');
    batch.records.forEach((r, i) => {
      const want = records[i]!;
      assert.equal(r.offset, 42n + BigInt(i));
      assert.equal(r.offsetDelta, i);
      assert.equal(r.timestamp, want.timestamp);
      assert.deepEqual(r.key, want.key ?? null);
      assert.deepEqual(r.value, want.value ?? null);
      assert.deepEqual(r.headers, want.headers ?? []);
    });
    // The in-place header view agrees with the decoded fields.
    const h = new BatchHeader(buf);
    assert.equal(h.totalSize, buf.length);
    assert.equal(h.compression, codec);
    assert.equal(h.recordCount, batch.recordCount);
    assert.equal(h.lastOffsetDelta, batch.lastOffsetDelta);
    assert.equal(h.baseTimestamp, batch.baseTimestamp);
    assert.equal(h.maxTimestamp, batch.maxTimestamp);
    assert.equal(h.producerId, batch.producerId);
    assert.equal(h.crc, batch.crc);
    assert.equal(h.isCrcValid(), true);
    if (codec !== CompressionType.Zstd) {
      const syncBuf = encodeRecordBatchSync(records, { compression: codec, baseOffset: 42n });
      assert.deepEqual(
        decodeRecordBatchSync(syncBuf).records,
        (await decodeRecordBatch(syncBuf)).records,
      );
    }
  });
}

test('transactional, LogAppendTime and empty batches', async () => {
  const buf = encodeRecordBatchSync([{ value: Buffer.from('v'), timestamp: T0 }], {
    isTransactional: true,
    timestampType: 'log-append-time',
    producerId: 1000n,
    producerEpoch: 0,
    baseSequence: 0,
  });
  // The broker stamps LogAppendTime into maxTimestamp; readers give it to every record.
  const h = new BatchHeader(buf);
  buf.writeBigInt64BE(BigInt(T0 + 999), 35);
  h.updateCrc();
  const b = decodeRecordBatchSync(buf);
  assert.equal(b.isTransactional, true);
  assert.equal(b.timestampType, 'log-append-time');
  assert.equal(b.records[0]!.timestamp, T0 + 999);

  const empty = decodeRecordBatchSync(encodeRecordBatchSync([]));
  assert.equal(empty.recordCount, 0);
  assert.equal(empty.baseTimestamp, -1n);
  assert.equal(empty.maxTimestamp, -1n);
  assert.deepEqual(empty.records, []);
});

test('records without a timestamp take the batch timestamp', () => {
  const b = decodeRecordBatchSync(
    encodeRecordBatchSync([{ value: Buffer.from('a') }, { value: Buffer.from('b') }], {
      timestamp: T0,
    }),
  );
  assert.deepEqual(
    b.records.map((r) => r.timestamp),
    [T0, T0],
  );
});

test('flipping any byte in the CRC-covered region fails the CRC check', () => {
  const buf = encodeRecordBatchSync(sampleRecords().slice(0, 2), { timestamp: T0 });
  for (let i = 21; i < buf.length; i++) {
    const bad = Buffer.from(buf);
    bad[i]! ^= 0x01;
    assert.equal(checkBatchFrame(bad, 0, bad.length, true), 'corrupt-crc', `byte ${i}`);
    assert.throws(
      () => decodeRecordBatchSync(bad),
      (e) => e instanceof RecordDecodeError,
    );
  }
  // Base offset, length and leader epoch are outside it, so the broker can patch them.
  const patched = Buffer.from(buf);
  patched.writeInt32BE(9, 12);
  assert.equal(checkBatchFrame(patched, 0, patched.length, true), patched.length);
});

test('splitting concatenated batches stops at a trailing partial batch', async () => {
  const a = encodeRecordBatchSync([{ value: Buffer.from('a') }], { baseOffset: 0n, timestamp: T0 });
  const b = encodeRecordBatchSync([{ value: Buffer.from('bb') }], {
    baseOffset: 1n,
    timestamp: T0,
  });
  const all = Buffer.concat([a, b]);
  for (let cut = 0; cut <= all.length; cut++) {
    const frames = [...splitRecordBatches(all.subarray(0, cut))];
    const expected = cut < a.length ? 0 : cut < all.length ? 1 : 2;
    assert.equal(frames.length, expected, `cut at ${cut}`);
  }
  const batches = await decodeRecordBatches(Buffer.concat([all, b.subarray(0, 30)]));
  assert.deepEqual(
    batches.map((x) => x.baseOffset),
    [0n, 1n],
  );
  const junk = Buffer.from(a);
  junk.writeInt32BE(3, 8);
  assert.throws(() => [...splitRecordBatches(junk)], RecordDecodeError);
});

test('decoding reports truncation and wrong magic as typed errors', () => {
  const buf = encodeRecordBatchSync([{ value: Buffer.from('a') }], { timestamp: T0 });
  assert.throws(() => decodeRecordBatchSync(buf.subarray(0, buf.length - 1)), /truncated/);
  const magic1 = Buffer.from(buf);
  magic1[16] = 1;
  assert.throws(() => decodeRecordBatchSync(magic1), /unsupported-magic/);
});
