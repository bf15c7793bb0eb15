import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../../src/storage/index.js';
import { validateBatch, validateKeys } from '../../../src/broker/partition/index.js';
import {
  CompressionType,
  encodeRecordBatch,
  encodeRecordBatchSync,
} from '../../../src/protocol/records/index.js';

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
  assert.equal((await validateKeys(zstd))?.error, 'INVALID_RECORD');
  assert.equal(await validateKeys(batch({}, 'key')), null);
});

test('fuzz: mutated and garbage batches never throw, with or without a valid CRC', async () => {
  let seed = 12345;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const { crc32c } = await import('../../../src/util/crc32c.js');
  const base = batch();
  for (let i = 0; i < 400; i++) {
    const b = Buffer.from(base);
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) b[Math.floor(random() * b.length)] = Math.floor(random() * 256);
    // Every other case gets a CRC that matches the damage, so later checks are reached too.
    if (i % 2 === 0) b.writeUInt32BE(crc32c(b.subarray(21)), 17);
    if (i % 4 === 0) b.writeInt8(2, 16);
    const r = validateBatch(b, options({ cleanupPolicy: 'compact' }));
    if (r.error === null) await validateKeys(b);
    // Compressed regions of garbage: the attributes select a codec over random bytes.
    const g = Buffer.from(base);
    for (let k = 61; k < g.length; k++) g[k] = Math.floor(random() * 256);
    g.writeInt16BE(Math.floor(random() * 5), 21);
    g.writeUInt32BE(crc32c(g.subarray(21)), 17);
    if (validateBatch(g, options()).error === null) {
      const keys = await validateKeys(g);
      assert.ok(keys === null || keys.error !== null);
    }
  }
});
