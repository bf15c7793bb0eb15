import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordDecodeError } from '../../../src/protocol/records/index.js';
import { lz4DecompressFrames } from '../../../src/protocol/records/lz4-frame.js';
import { lz4Codec } from '../../../src/protocol/records/native-codecs.js';
import { xxh32Short } from '../../../src/protocol/records/legacy-lz4.js';

let seed = 7;
const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
/** Text-like input: words from a small vocabulary, with runs and random bytes mixed in. */
function sample(bytes: number): Buffer {
  const words = ['kafka', 'record', 'batch', ' ', 'offset', '\n', 'aaaaaaaaaaaa', '{"k":1}'];
  const parts: Buffer[] = [];
  let n = 0;
  while (n < bytes) {
    const p =
      random() < 0.1
        ? Buffer.from([Math.floor(random() * 256)])
        : Buffer.from(words[Math.floor(random() * words.length)]!);
    parts.push(p);
    n += p.length;
  }
  return Buffer.concat(parts).subarray(0, bytes);
}

const MAX = 1 << 26;

/**
 * The same frame marked as having linked blocks (independent blocks are valid linked ones),
 * which sends its blocks through the JS block decoder instead of the native one.
 */
function linked(frame: Buffer): Buffer {
  const out = Buffer.from(frame);
  out[4]! &= ~0x20;
  out[6] = (xxh32Short(out.subarray(4, 6)) >>> 8) & 0xff;
  return out;
}

test('frames written by the native encoder decode to their input, across block boundaries', () => {
  for (const size of [0, 1, 15, 100, 4096, 16_384, 65_536, 65_537, 300_000]) {
    const input = sample(size);
    const frame = lz4Codec().compressFrameSync(input);
    assert.equal(frame[4]! & 0x14, 0, 'no checksums: the JS path is taken');
    for (const f of [frame, linked(frame)]) {
      const out = lz4DecompressFrames(f, MAX);
      assert.ok(out !== null);
      assert.ok(out.equals(input), `size ${size}`);
    }
    assert.ok(lz4DecompressFrames(frame, MAX, true)!.equals(input), `scratch, size ${size}`);
  }
  const incompressible = Buffer.from(Array.from({ length: 70_000 }, () => random() * 256));
  const frame = lz4Codec().compressFrameSync(incompressible);
  assert.ok(lz4DecompressFrames(frame, MAX)!.equals(incompressible));
  // Two frames back to back are one stream.
  const two = Buffer.concat([lz4Codec().compressFrameSync(Buffer.from('ab')), frame]);
  assert.ok(
    lz4DecompressFrames(two, MAX)!.equals(Buffer.concat([Buffer.from('ab'), incompressible])),
  );
});

test('frames with checksums are left to the native decoder; the output bound is enforced', () => {
  const frame = lz4Codec().compressFrameSync(sample(1000));
  const withChecksum = Buffer.from(frame);
  withChecksum[4]! |= 0x04;
  assert.equal(lz4DecompressFrames(withChecksum, MAX), null);
  assert.throws(
    () => lz4DecompressFrames(frame, 100),
    (e: unknown) => e instanceof RecordDecodeError && e.problem === 'decompressed-too-large',
  );
});

test("fuzz: damaged frames give a RecordDecodeError or the native decoder's output", () => {
  const independent = lz4Codec().compressFrameSync(sample(20_000));
  let agreed = 0;
  for (let i = 0; i < 2000; i++) {
    // Both block decoders: the native one (independent blocks) and the JS one (linked).
    const b = i % 4 < 2 ? Buffer.from(independent) : linked(independent);
    const flips = 1 + Math.floor(random() * 3);
    // Leave the frame header alone half the time, so block contents are what gets damaged.
    const from = i % 2 === 0 ? 11 : 0;
    for (let f = 0; f < flips; f++) {
      b[from + Math.floor(random() * (b.length - from))] = Math.floor(random() * 256);
    }
    const input = i % 5 === 0 ? b.subarray(0, Math.floor(random() * b.length)) : b;
    let ours: Buffer | null | RecordDecodeError;
    try {
      ours = lz4DecompressFrames(input, MAX);
    } catch (err) {
      assert.ok(err instanceof RecordDecodeError, String(err));
      ours = err;
    }
    if (!(ours instanceof Buffer)) continue;
    let native: Buffer | null = null;
    try {
      native = lz4Codec().decompressFrameSync(input);
    } catch {
      native = null;
    }
    if (native !== null) {
      assert.ok(ours.equals(native), `case ${i}`);
      agreed++;
    }
  }
  assert.ok(agreed > 0);
});
