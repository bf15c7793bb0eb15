import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, gzipSync } from 'node:zlib';
import {
  decodeLegacyMessageSet,
  decodeLegacyMessageSetSync,
  encodeLegacyMessageSet,
} from '../../../src/protocol/records/legacy-message-set.js';
import { compressSync, CompressionType } from '../../../src/protocol/records/compression.js';
import { RecordDecodeError } from '../../../src/protocol/records/record-decode-error.js';

interface Msg {
  offset: bigint;
  magic: 0 | 1;
  attributes?: number;
  timestamp?: number;
  key?: Buffer | null;
  value?: Buffer | null;
}

function bytesField(b: Buffer | null | undefined): Buffer {
  const len = Buffer.alloc(4);
  len.writeInt32BE(b == null ? -1 : b.length, 0);
  return b == null ? len : Buffer.concat([len, b]);
}

/** A legacy message built by hand from the format description. */
function message(m: Msg): Buffer {
  const head = Buffer.alloc(m.magic === 1 ? 10 : 2);
  head.writeInt8(m.magic, 0);
  head.writeInt8(m.attributes ?? 0, 1);
  if (m.magic === 1) head.writeBigInt64BE(BigInt(m.timestamp ?? -1), 2);
  const body = Buffer.concat([head, bytesField(m.key), bytesField(m.value)]);
  const prefix = Buffer.alloc(16);
  prefix.writeBigInt64BE(m.offset, 0);
  prefix.writeInt32BE(body.length + 4, 8);
  prefix.writeUInt32BE(crc32(body), 12);
  return Buffer.concat([prefix, body]);
}

test('magic 0 and 1 messages decode with keys, nulls and timestamps', async () => {
  const set = Buffer.concat([
    message({ offset: 5n, magic: 0, key: Buffer.from('k'), value: Buffer.from('v0') }),
    message({ offset: 6n, magic: 1, timestamp: 1234, key: null, value: Buffer.from('v1') }),
    message({ offset: 7n, magic: 1, timestamp: 1235, key: Buffer.from('t'), value: null }),
  ]);
  const records = await decodeLegacyMessageSet(set);
  assert.deepEqual(
    records.map((r) => [
      r.offset,
      r.magic,
      r.timestamp,
      r.key?.toString() ?? null,
      r.value?.toString() ?? null,
    ]),
    [
      [5n, 0, -1, 'k', 'v0'],
      [6n, 1, 1234, null, 'v1'],
      [7n, 1, 1235, 't', null],
    ],
  );
  // A trailing partial message is dropped, as in a Fetch response.
  assert.equal(decodeLegacyMessageSetSync(set.subarray(0, set.length - 3)).length, 2);
});

test('compressed wrappers: magic 1 relative offsets, magic 0 absolute offsets', async () => {
  const inner1 = Buffer.concat(
    [0, 1, 2].map((i) =>
      message({ offset: BigInt(i), magic: 1, timestamp: 100 + i, value: Buffer.from(`m${i}`) }),
    ),
  );
  for (const codec of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4]) {
    const wrapper = message({
      offset: 22n,
      magic: 1,
      attributes: codec,
      timestamp: 102,
      value: compressSync(codec, inner1),
    });
    const records = await decodeLegacyMessageSet(wrapper);
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.value!.toString()]),
      [
        [20n, 100, 'm0'],
        [21n, 101, 'm1'],
        [22n, 102, 'm2'],
      ],
      `codec ${codec}`,
    );
  }
  // LogAppendTime on the wrapper overrides the inner timestamps.
  const appended = message({
    offset: 2n,
    magic: 1,
    attributes: 1 | 0x08,
    timestamp: 999,
    value: gzipSync(inner1),
  });
  assert.deepEqual(
    decodeLegacyMessageSetSync(appended).map((r) => [r.timestamp, r.timestampType]),
    [
      [999, 'log-append-time'],
      [999, 'log-append-time'],
      [999, 'log-append-time'],
    ],
  );
  const inner0 = Buffer.concat([
    message({ offset: 40n, magic: 0, value: Buffer.from('a') }),
    message({ offset: 41n, magic: 0, value: Buffer.from('b') }),
  ]);
  const wrapper0 = message({ offset: 41n, magic: 0, attributes: 1, value: gzipSync(inner0) });
  assert.deepEqual(
    decodeLegacyMessageSetSync(wrapper0).map((r) => r.offset),
    [40n, 41n],
  );
});

test('magic-0 lz4 wrappers with the old wrong header checksum are accepted', async () => {
  const inner = message({ offset: 0n, magic: 0, value: Buffer.from('old lz4') });
  const frame = compressSync(CompressionType.Lz4, inner);
  frame[6]! ^= 0xff; // the header checksum byte of a frame with a 2-byte descriptor
  const old = message({ offset: 0n, magic: 0, attributes: CompressionType.Lz4, value: frame });
  assert.equal((await decodeLegacyMessageSet(old))[0]!.value!.toString(), 'old lz4');
  // Only magic 0 gets this leniency.
  const newer = message({ offset: 0n, magic: 1, attributes: CompressionType.Lz4, value: frame });
  await assert.rejects(decodeLegacyMessageSet(newer), RecordDecodeError);
});

test('corrupt legacy input gives typed errors, never other exceptions', async () => {
  const good = message({
    offset: 1n,
    magic: 1,
    timestamp: 5,
    key: Buffer.from('key'),
    value: Buffer.from('value'),
  });
  const bad = Buffer.from(good);
  bad[bad.length - 1]! ^= 1;
  assert.throws(() => decodeLegacyMessageSetSync(bad), /corrupt-crc/);
  let seed = 99;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const gz = message({
    offset: 3n,
    magic: 1,
    attributes: 1,
    timestamp: 5,
    value: gzipSync(Buffer.concat([good, good])),
  });
  for (let i = 0; i < 1500; i++) {
    const buf = Buffer.from(i % 2 ? good : gz);
    for (let f = 0; f < 3; f++) buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
    const cut = buf.subarray(0, Math.floor(random() * (buf.length + 1)));
    for (const verifyCrc of [true, false]) {
      try {
        await decodeLegacyMessageSet(cut, { verifyCrc });
        decodeLegacyMessageSetSync(cut, { verifyCrc });
      } catch (e) {
        assert.ok(e instanceof RecordDecodeError, String(e));
      }
    }
  }
});

test('writing legacy message sets is refused with a clear error', () => {
  assert.throws(() => encodeLegacyMessageSet(), /not supported.*magic-2/);
});
