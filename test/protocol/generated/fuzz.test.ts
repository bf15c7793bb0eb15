// Decoders on hostile input: random bytes, truncations and mutations of valid encodings must
// either decode or fail with ProtocolDecodeError, never another exception or a hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SPEC_DIR } from '../../../scripts/generate-protocol.js';
import { loadSpecs } from '../../../scripts/protocol-spec.js';
import { decodeProduceRequest, messageByName } from '../../../src/protocol/generated/index.js';
import { ProtocolDecodeError, Reader, Writer } from '../../../src/protocol/primitives/index.js';
import { RandomValues, seededRandom } from './random-values.js';

const RANDOM_INPUTS = 12;
const MUTATIONS = 12;
const PREFIXES = 24;
const specs = loadSpecs(SPEC_DIR).filter((m) => m.struct !== undefined);

/** Decodes and returns 'ok' or 'decode-error'; anything else thrown fails the test. */
function attempt(decode: (r: Reader, v: number) => unknown, input: Buffer, version: number) {
  try {
    decode(new Reader(input), version);
    return 'ok';
  } catch (err) {
    if (err instanceof ProtocolDecodeError) return 'decode-error';
    throw err;
  }
}

test('random, truncated and mutated input never escapes ProtocolDecodeError', () => {
  const rnd = seededRandom(7);
  const int = (n: number): number => Math.floor(rnd() * n);
  let decoded = 0;
  for (const spec of specs) {
    const codec = messageByName(spec.name)!;
    const random = new RandomValues(rnd, spec);
    for (let version = codec.minVersion; version <= codec.maxVersion; version++) {
      const where = `${spec.name} v${version}`;
      for (let i = 0; i < RANDOM_INPUTS; i++) {
        const input = Buffer.from(Array.from({ length: int(48) }, () => int(256)));
        // Small counts and lengths make random input reach deeper into the message.
        if (rnd() < 0.5) input.fill(int(3), 0, Math.min(input.length, 4));
        attempt(codec.decode, input, version);
      }
      const w = new Writer();
      codec.encode(w, version, random.struct(spec.struct!, version, 0));
      const valid = w.toBuffer();
      for (let i = 0; i < Math.min(PREFIXES, valid.length); i++) {
        const cut = i < PREFIXES / 2 ? i : int(valid.length);
        assert.equal(
          attempt(codec.decode, valid.subarray(0, cut), version),
          'decode-error',
          `${where}: a ${cut}-byte prefix of ${valid.length} bytes decoded`,
        );
      }
      for (let i = 0; i < MUTATIONS && valid.length > 0; i++) {
        const input = Buffer.from(valid);
        for (let k = 1 + int(3); k > 0; k--) input[int(input.length)] = int(256);
        if (attempt(codec.decode, input, version) === 'ok') decoded++;
      }
    }
  }
  // Some mutations only change values, so a good share of them must still decode.
  assert.ok(decoded > 1000, `only ${decoded} mutated inputs decoded`);
});

test('a forged array count fails before allocating or looping', () => {
  // ProduceRequest v7: TransactionalId null, Acks, TimeoutMs, then 2^31 - 1 topics in 20 bytes.
  const frame = Buffer.alloc(20);
  frame.writeInt16BE(-1, 0);
  frame.writeInt16BE(1, 2);
  frame.writeInt32BE(1000, 4);
  frame.writeInt32BE(0x7fffffff, 8);
  // The count itself is refused against the bytes left (before any element is read or any
  // array allocated), so the error names it at the byte where it stands.
  assert.throws(
    () => decodeProduceRequest(new Reader(frame), 7),
    (err: unknown) =>
      err instanceof ProtocolDecodeError &&
      /length 2147483647 exceeds the 8 bytes left at byte 12/.test(err.message),
  );
});

test('a version outside the valid range is a decode error', () => {
  assert.throws(() => decodeProduceRequest(new Reader(Buffer.alloc(64)), 2), ProtocolDecodeError);
  assert.throws(() => decodeProduceRequest(new Reader(Buffer.alloc(64)), 14), ProtocolDecodeError);
});
