// Kafka before 0.10 wrote LZ4 frames inside magic-0 messages with a wrong header checksum: it
// hashed the frame's magic number along with the descriptor (KAFKA-3160). Readers of magic 0
// must accept that, and the frame decoder checks the header strictly, so the checksum is
// recomputed before decoding. The header is a few bytes, so a small XXH32 here is enough.

const P1 = 0x9e3779b1;
const P2 = 0x85ebca77;
const P3 = 0xc2b2ae3d;
const P4 = 0x27d4eb2f;
const P5 = 0x165667b1;

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number) => Math.imul(a, b) >>> 0;

/** XXH32 with seed 0 of short input (the lanes path is unused below 16 bytes). */
export function xxh32Short(data: Buffer): number {
  let h = (P5 + data.length) >>> 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    h = mul(rotl((h + mul(data.readUInt32LE(i), P3)) >>> 0, 17), P4);
  }
  for (; i < data.length; i++) h = mul(rotl((h + mul(data[i]!, P5)) >>> 0, 11), P1);
  h = mul(h ^ (h >>> 15), P2);
  h = mul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A copy of `frame` whose header checksum is correct; other input is returned as is. */
export function fixLegacyLz4HeaderChecksum(frame: Buffer): Buffer {
  if (frame.length < 7 || frame.readUInt32LE(0) !== 0x184d2204) return frame;
  const flg = frame[4]!;
  const descriptorEnd = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0);
  if (frame.length <= descriptorEnd) return frame;
  const fixed = Buffer.from(frame);
  fixed[descriptorEnd] = (xxh32Short(frame.subarray(4, descriptorEnd)) >>> 8) & 0xff;
  return fixed;
}
