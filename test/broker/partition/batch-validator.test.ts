import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/storage/index.js';
import {
  validateBatch,
  validateRecords,
  type RecordsValidation,
} from '../../../src/broker/partition/index.js';
import {
  BatchHeader,
  CompressionType,
  encodeRecordBatch,
  encodeRecordBatchSync,
  encodeRecords,
  type RecordInput,
} from '../../../src/protocol/records/index.js';
import { crc32c } from '../../../src/util/crc32c.js';

const NOW = 1_700_000_000_000;
function options(config: Partial<LogConfig> = {}, apiVersion = 9) {
  return {
    config: { ...DEFAULT_LOG_CONFIG, ...config },
    nowMs: NOW,
    timestampBeforeMaxMs: 60_000,
    timestampAfterMaxMs: 60_000,
    apiVersion,
  };
}
/** validateRecords on a batch that passed validateBatch. */
const records = (b: Buffer, compacted: boolean): Promise<RecordsValidation> =>
  validateRecords(b, new BatchHeader(b, 0), { compacted });
const batch = (opts: Parameters<typeof encodeRecordBatchSync>[1] = {}, key: string | null = 'k') =>
  encodeRecordBatchSync(
    [{ key: key === null ? null : Buffer.from(key), value: Buffer.from('v') }],
    { timestamp: NOW, ...opts },
  );

test('a well-formed batch passes and exposes its header', () => {
  const r = validateBatch(batch(), options());
  assert.equal(r.error, null);
  assert.equal(r.error === null && r.header.recordCount, 1);
});

test('timestamps outside the accepted window are INVALID_TIMESTAMP, unless LogAppendTime', () => {
  assert.equal(
    validateBatch(batch({ timestamp: NOW - 120_000 }), options()).error,
    'INVALID_TIMESTAMP',
  );
  assert.equal(
    validateBatch(batch({ timestamp: NOW + 120_000 }), options()).error,
    'INVALID_TIMESTAMP',
  );
  const appendTime = options({ messageTimestampType: 'LogAppendTime' });
  assert.equal(validateBatch(batch({ timestamp: NOW - 120_000 }), appendTime).error, null);
});

test('transactional batches need a producer id; control batches and bad counts are refused', () => {
  const txn = batch({ producerId: 1n, producerEpoch: 0, baseSequence: 0, isTransactional: true });
  assert.equal(validateBatch(txn, options()).error, null);
  const anonymous = batch({ isTransactional: true });
  assert.equal(validateBatch(anonymous, options()).error, 'INVALID_RECORD');
  assert.equal(validateBatch(batch({ isControl: true }), options()).error, 'INVALID_RECORD');
  const noSequence = batch({ producerId: 1n, producerEpoch: 0, baseSequence: -1 });
  assert.equal(validateBatch(noSequence, options()).error, 'INVALID_RECORD');
  const bad = batch();
  bad.writeInt32BE(5, 57); // record count
  assert.equal(validateBatch(bad, options()).error, 'CORRUPT_MESSAGE'); // the CRC covers it
});

test('size limits: max.message.bytes and segment.bytes', () => {
  const b = batch();
  assert.equal(
    validateBatch(b, options({ maxMessageBytes: b.length - 1 })).error,
    'MESSAGE_TOO_LARGE',
  );
  assert.equal(
    validateBatch(b, options({ segmentBytes: b.length - 1 })).error,
    'RECORD_LIST_TOO_LARGE',
  );
  assert.equal(validateBatch(b.subarray(0, b.length - 1), options()).error, 'CORRUPT_MESSAGE');
});

test('zstd needs produce v7; compacted topics need keys, even compressed', async () => {
  const zstd = await encodeRecordBatch([{ key: null, value: Buffer.from('v') }], {
    compression: CompressionType.Zstd,
    timestamp: NOW,
  });
  assert.equal(validateBatch(zstd, options({}, 6)).error, 'UNSUPPORTED_COMPRESSION_TYPE');
  assert.equal(validateBatch(zstd, options({}, 7)).error, null);
  assert.equal((await records(zstd, true))?.error, 'INVALID_RECORD');
  assert.equal(await records(batch({}, 'key'), true), null);
});

test('fuzz: mutated and garbage batches never throw, with or without a valid CRC', async () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const base = batch();
  for (let i = 0; i < 400; i++) {
    const b = Buffer.from(base);
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
    // Every other case gets a CRC that matches the damage, so later checks are reached too.
    if (i % 2 === 0) b.writeUInt32BE(crc32c(b.subarray(21)), 17);
    if (i % 4 === 0) b.writeInt8(2, 16);
    const r = validateBatch(b, options({ cleanupPolicy: 'compact' }));
    if (r.error === null) await records(b, true);
    // Compressed regions of garbage: the attributes select a codec over random bytes.
    const g = Buffer.from(base);
    for (let k = 61; k < g.length; k++) g[k] = Math.floor(random() * 256);
    g.writeInt16BE(Math.floor(random() * 5), 21);
    g.writeUInt32BE(crc32c(g.subarray(21)), 17);
    if (validateBatch(g, options()).error === null) {
      const checked = await records(g, false);
      assert.ok(checked === null || checked.error !== null);
    }
  }
});

/** A batch whose attributes name `codec` but whose records region is `region` as given. */
function withRegion(region: Buffer, count: number, codec: number): Buffer {
  const b = encodeRecordBatchSync([{ value: Buffer.from('v') }], { timestamp: NOW });
  const out = Buffer.concat([b.subarray(0, 61), region]);
  out.writeInt32BE(out.length - 12, 8); // batch length
  out.writeInt16BE(codec, 21); // attributes
  out.writeInt32BE(count - 1, 23); // last offset delta
  out.writeInt32BE(count, 57); // record count
  out.writeUInt32BE(crc32c(out.subarray(21)), 17);
  return out;
}

const values = (n: number): RecordInput[] =>
  Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from('v') }));

test('a gzip batch whose body is not gzip passes the header checks but not the records check', async () => {
  const poison = withRegion(encodeRecords(values(3), NOW), 3, CompressionType.Gzip);
  assert.equal(validateBatch(poison, options()).error, null);
  const r = await records(poison, false);
  assert.equal(r?.error, 'CORRUPT_MESSAGE');
  assert.match(r!.message, /decompress/);
  // The same body declared uncompressed is a good batch.
  assert.equal(await records(withRegion(encodeRecords(values(3), NOW), 3, 0), false), null);
});

test('compressed records must match the header: count, lengths, nothing after the last', async () => {
  for (const codec of [
    CompressionType.Gzip,
    CompressionType.Snappy,
    CompressionType.Lz4,
    CompressionType.Zstd,
  ]) {
    const good = await encodeRecordBatch(values(4), { compression: codec, timestamp: NOW });
    assert.equal(await records(good, false), null, `codec ${codec}`);
    const { compress } = await import('../../../src/protocol/records/index.js');
    const region = encodeRecords(values(4), NOW);
    const fewer = withRegion(await compress(codec, region), 5, codec);
    assert.match((await records(fewer, false))!.message, /ends after 4 of its 5/);
    assert.equal((await records(fewer, false))!.error, 'INVALID_RECORD');
    const more = withRegion(await compress(codec, region), 3, codec);
    assert.match((await records(more, false))!.message, /follow the last of 3/);
    const cut = withRegion(await compress(codec, region.subarray(0, region.length - 1)), 4, codec);
    assert.equal((await records(cut, false))!.error, 'INVALID_RECORD');
  }
});

test('KIP-467: keyless records on a compacted topic are named by batch index', async () => {
  const input = values(100);
  for (let i = 5; i < 100; i += 10) input[i] = { key: null, value: Buffer.from('v') };
  for (const codec of [CompressionType.None, CompressionType.Lz4]) {
    const b = await encodeRecordBatch(input, { compression: codec, timestamp: NOW });
    const r = await records(b, true);
    assert.equal(r?.error, 'INVALID_RECORD');
    assert.deepEqual(
      r!.recordErrors.map((e) => e.batchIndex),
      [5, 15, 25, 35, 45, 55, 65, 75, 85, 95],
    );
    assert.match(r!.message, /^10 of the batch's 100 records were refused/);
    // Off a compacted topic the same batch is fine.
    assert.equal(await records(b, false), null);
  }
});
