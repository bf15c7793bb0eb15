import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compress,
  compressSync,
  CompressionType,
  decompress,
  decompressSync,
  hasSyncCodec,
} from '../../../src/protocol/records/compression.js';
import { RecordDecodeError } from '../../../src/protocol/records/record-decode-error.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** Both decoders, checked to agree (zstd has only the async one). */
async function both(codec: CompressionType, data: Buffer): Promise<Buffer> {
  const out = await decompress(codec, data);
  // The thread-pool path, which the async form skips for small inputs.
  assert.deepEqual(await decompress(codec, data, { offloadAboveBytes: 0 }), out);
  if (hasSyncCodec(codec)) assert.deepEqual(decompressSync(codec, data), out);
  return out;
}

test('every codec round-trips, sync and async, including empty input', async () => {
  const inputs = [
    Buffer.alloc(0),
    Buffer.from('x'),
    Buffer.from(JSON.stringify({ user: 'ada', n: [1, 2, 3] }).repeat(2000)),
  ];
  for (const codec of Object.values(CompressionType)) {
    for (const input of inputs) {
      assert.deepEqual(await both(codec, await compress(codec, input)), input, `codec ${codec}`);
      const offloaded = await compress(codec, input, { offloadAboveBytes: 0, level: 1 });
      assert.deepEqual(await both(codec, offloaded), input);
      if (hasSyncCodec(codec))
        assert.deepEqual(await both(codec, compressSync(codec, input)), input);
    }
  }
  assert.throws(() => compressSync(CompressionType.Zstd, Buffer.from('a')), /no synchronous codec/);
});

test('snappy: raw blocks (librdkafka) and xerial framing (Java), written by hand', async () => {
  const text = Buffer.from('kafka snappy');
  // A raw block: varint uncompressed length, then one literal (tag (len-1) << 2).
  const raw = Buffer.concat([Buffer.from([text.length, (text.length - 1) << 2]), text]);
  assert.deepEqual(await both(CompressionType.Snappy, raw), text);
  // xerial: magic, version 1, compatible version 1, then int32-length-prefixed raw blocks.
  const len = Buffer.alloc(4);
  len.writeInt32BE(raw.length, 0);
  const xerial = Buffer.concat([hex('82534e4150505900 00000001 00000001'), len, raw, len, raw]);
  assert.deepEqual(await both(CompressionType.Snappy, xerial), Buffer.concat([text, text]));
  // Our writer uses the xerial framing.
  assert.equal(
    compressSync(CompressionType.Snappy, text).subarray(0, 8).toString('hex'),
    '82534e4150505900',
  );
  // A block length running past the end is a typed error.
  const cut = Buffer.from(xerial);
  cut.writeInt32BE(1000, 16);
  await assert.rejects(decompress(CompressionType.Snappy, cut), RecordDecodeError);
});

const LZ4_TEXT = Buffer.from('hello hello hello hello kafka lz4 frame test '.repeat(3));
// Frames written by the reference lz4 tool (lz4 1.9) with independent blocks.
const LZ4_FRAMES = {
  // FLG 0x64: content checksum, no block checksums.
  contentChecksum: `04224d186440a72f0000006e68656c6c6f200600ff056b61666b61206c7a34206672616d652074657374
    2700000239000f2d002a50746573742000000000a698fd21`,
  // FLG 0x60: no checksums at all.
  noChecksums: `04224d186040822f0000006e68656c6c6f200600ff056b61666b61206c7a34206672616d652074657374
    2700000239000f2d002a50746573742000000000`,
  // FLG 0x74: block checksums and content checksum.
  blockChecksums: `04224d187440bd2f0000006e68656c6c6f200600ff056b61666b61206c7a34206672616d6520746573
    742700000239000f2d002a507465737420507471b200000000a698fd21`,
  // FLG 0x6c: content size (8 bytes) and content checksum.
  contentSize: `04224d186c408700000000000000da2f0000006e68656c6c6f200600ff056b61666b61206c7a342066
    72616d6520746573742700000239000f2d002a50746573742000000000a698fd21`,
};

test('lz4: frames with and without content and block checksums and content size', async () => {
  for (const [name, frame] of Object.entries(LZ4_FRAMES)) {
    assert.deepEqual(await both(CompressionType.Lz4, hex(frame)), LZ4_TEXT, name);
  }
  assert.equal(compressSync(CompressionType.Lz4, LZ4_TEXT).readUInt32LE(0), 0x184d2204);
  // A damaged block under a block checksum is caught.
  const bad = hex(LZ4_FRAMES.blockChecksums);
  bad[20]! ^= 0xff;
  await assert.rejects(decompress(CompressionType.Lz4, bad), RecordDecodeError);
});

test('zstd: frames without a content size, with and without a checksum', async () => {
  const text = Buffer.from(
    'zstd frame without content size, written by a streaming writer, zstd zstd zstd',
  );
  // Written by the reference zstd tool from a pipe, so the size was unknown (FHD 0x04 / 0x00).
  const withChecksum =
    hex(`28b52ffd04584d0200f4037a737464206672616d6520776974686f757420636f6e74656e7420
    73697a652c207772697474656e206279206120737472 65616d696e6765722c207a737464020028cb4fdb0905bd794e66`);
  const noChecksum =
    hex(`28b52ffd00584d0200f4037a737464206672616d6520776974686f757420636f6e74656e7420
    73697a652c207772697474656e206279206120737472 65616d696e6765722c207a737464020028cb4fdb0905`);
  assert.deepEqual(await both(CompressionType.Zstd, withChecksum), text);
  assert.deepEqual(await both(CompressionType.Zstd, noChecksum), text);
});

test('input that could expand past the limit is refused before decompressing', async () => {
  const zeros = Buffer.alloc(4 * 1024 * 1024);
  for (const codec of [
    CompressionType.Gzip,
    CompressionType.Snappy,
    CompressionType.Lz4,
    CompressionType.Zstd,
  ]) {
    const packed = await compress(codec, zeros);
    for (const offloadAboveBytes of [0, undefined]) {
      await assert.rejects(
        decompress(codec, packed, { maxBytes: 1024 * 1024, offloadAboveBytes }),
        (e) => e instanceof RecordDecodeError && e.problem === 'decompressed-too-large',
        `codec ${codec}`,
      );
    }
    assert.equal(
      (await decompress(codec, packed, { maxBytes: 8 * 1024 * 1024 })).length,
      zeros.length,
    );
  }
});

test('garbage and unknown codecs give RecordDecodeError only', async () => {
  const junk = Buffer.from('definitely not compressed data, but long enough to parse');
  for (const codec of [1, 2, 3, 4, 5, 7]) {
    await assert.rejects(decompress(codec, junk), RecordDecodeError, `codec ${codec}`);
    if (codec !== 4) assert.throws(() => decompressSync(codec, junk), RecordDecodeError);
  }
});
