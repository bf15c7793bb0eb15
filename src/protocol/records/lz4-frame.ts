// An LZ4 frame layer for the frames Kafka's clients write: the Java client and librdkafka
// both write independent blocks without block or content checksums (FLG 0x60). The native
// frame decoder took 50-100 µs on a 16 KiB frame of incompressible data (its block decoder a
// few µs), which made it the largest cost of checking lz4 batches on produce. Here the frame is
// walked in JS: stored (uncompressed) blocks are copied, independent compressed blocks go to
// the native block decoder, linked blocks (matches reaching into earlier blocks) are decoded
// in JS. The output goes to one buffer, reusable between calls. Frames with checksums, a
// dictionary or a wrong header checksum are left to the native frame decoder (null), which
// verifies them and reports the problem. Every read and write is bounds-checked: malformed
// input is a RecordDecodeError, never a read past the input.
import { RecordDecodeError } from './record-decode-error.js';
import { lz4DecompressedBound } from './decompressed-size.js';
import { xxh32Short } from './legacy-lz4.js';
import { lz4Codec } from './native-codecs.js';

const LZ4_MAGIC = 0x184d2204;
const FLG_DICT_ID = 0x01;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_CONTENT_SIZE = 0x08;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_BLOCK_INDEPENDENT = 0x20;
const MIN_MATCH = 4;

const corrupt = (detail: string) => new RecordDecodeError('corrupt-compressed-data', detail);

/** Whether every frame in `data` is one {@link lz4DecompressFrames} decodes (no checksums). */
function plainFrames(data: Buffer): boolean {
  let pos = 0;
  while (pos < data.length) {
    if (data.length - pos < 7 || data.readUInt32LE(pos) !== LZ4_MAGIC) return false;
    const flg = data[pos + 4]!;
    if ((flg & (FLG_DICT_ID | FLG_CONTENT_CHECKSUM | FLG_BLOCK_CHECKSUM)) !== 0) return false;
    // The header checksum: the second byte of XXH32 over the descriptor.
    const descriptorEnd = pos + 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0);
    if (descriptorEnd >= data.length) return false;
    const hc = (xxh32Short(data.subarray(pos + 4, descriptorEnd)) >>> 8) & 0xff;
    if (data[descriptorEnd] !== hc) return false;
    pos = descriptorEnd + 1;
    for (;;) {
      if (data.length - pos < 4) return false;
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      pos += word & 0x7fffffff;
    }
  }
  return true;
}

/** Reused output of scratch decodes: a fresh buffer per batch made most of the GC work. */
let scratch = Buffer.alloc(0);

/**
 * Decompresses the LZ4 frames in `data`, or returns null when a frame has checksums or a
 * dictionary (use the native decoder then). `maxBytes` bounds the output. With `useScratch`
 * the result is a view of a buffer that the next such call overwrites.
 */
export function lz4DecompressFrames(
  data: Buffer,
  maxBytes: number,
  useScratch = false,
): Buffer | null {
  if (!plainFrames(data)) return null;
  // Also checks the framing: every block lies within `data`.
  const bound = lz4DecompressedBound(data);
  if (bound > maxBytes) {
    throw new RecordDecodeError('decompressed-too-large', `may expand to ${bound} bytes`);
  }
  let out: Buffer;
  if (!useScratch) out = Buffer.allocUnsafe(bound);
  else {
    if (scratch.length < bound) scratch = Buffer.allocUnsafe(Math.max(bound, 64 * 1024));
    out = scratch.subarray(0, bound);
  }
  let op = 0;
  let pos = 0;
  while (pos < data.length) {
    const flg = data[pos + 4]!;
    const blockMaxBytes = 1 << (8 + 2 * ((data[pos + 5]! >> 4) & 7));
    pos += 7 + (flg & FLG_CONTENT_SIZE ? 8 : 0);
    for (;;) {
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const limit = Math.min(out.length, op + blockMaxBytes);
      if (word & 0x80000000) {
        op += data.copy(out, op, pos, pos + size);
      } else if (flg & FLG_BLOCK_INDEPENDENT) {
        op = nativeBlock(data.subarray(pos, pos + size), blockMaxBytes, { out, op, limit });
      } else {
        op = decodeBlock(data, { ip: pos, end: pos + size }, out, { op, limit });
      }
      pos += size;
    }
  }
  return out.subarray(0, op);
}

/**
 * An independent block through the native block decoder (as fast as the native frame decoder
 * is on compressible data, without its cost on incompressible data); appended at `out[op]`.
 */
function nativeBlock(
  block: Buffer,
  blockMaxBytes: number,
  at: { out: Buffer; op: number; limit: number },
): number {
  // The native decoder wants the block prefixed with a size at least its decompressed size.
  const input = Buffer.allocUnsafe(4 + block.length);
  input.writeUInt32LE(blockMaxBytes, 0);
  block.copy(input, 4);
  let decoded: Buffer;
  try {
    decoded = lz4Codec().uncompressSync(input);
  } catch (err) {
    throw corrupt(`an LZ4 block does not decode: ${err instanceof Error ? err.message : err}`);
  }
  if (decoded.length > at.limit - at.op) throw corrupt('an LZ4 block larger than its frame allows');
  return at.op + decoded.copy(at.out, at.op);
}

/**
 * One LZ4 block `src[ip, end)` appended at `out[op]`, at most up to `out[limit]` (the frame's
 * block size); returns the new output position.
 */
function decodeBlock(
  src: Buffer,
  input: { ip: number; end: number },
  out: Buffer,
  output: { op: number; limit: number },
): number {
  let ip = input.ip;
  const end = input.end;
  let op = output.op;
  const outEnd = output.limit;
  for (;;) {
    if (ip >= end) throw corrupt('an LZ4 block ends without its last literals');
    const token = src[ip++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b: number;
      do {
        if (ip >= end) throw corrupt('an LZ4 literal length cut short');
        b = src[ip++]!;
        literals += b;
      } while (b === 255);
    }
    if (literals > end - ip || literals > outEnd - op) {
      throw corrupt('LZ4 literals run past the block');
    }
    if (literals > 32) {
      src.copy(out, op, ip, ip + literals);
    } else {
      for (let i = 0; i < literals; i++) out[op + i] = src[ip + i]!;
    }
    ip += literals;
    op += literals;
    // The last sequence of a block has literals only.
    if (ip === end) return op;
    if (end - ip < 2) throw corrupt('an LZ4 match offset cut short');
    const offset = src[ip]! | (src[ip + 1]! << 8);
    ip += 2;
    if (offset === 0 || offset > op) throw corrupt('an LZ4 match before the start of the output');
    let length = token & 15;
    if (length === 15) {
      let b: number;
      do {
        if (ip >= end) throw corrupt('an LZ4 match length cut short');
        b = src[ip++]!;
        length += b;
      } while (b === 255);
    }
    length += MIN_MATCH;
    if (length > outEnd - op) throw corrupt('an LZ4 match runs past the block');
    let from = op - offset;
    if (offset >= length && length > 32) {
      out.copyWithin(op, from, from + length);
      op += length;
    } else {
      // Short matches (most of them) are cheaper byte by byte than through copyWithin; an
      // overlapping match must go byte by byte, as it repeats bytes it is writing.
      for (let i = 0; i < length; i++) out[op++] = out[from++]!;
    }
  }
}
