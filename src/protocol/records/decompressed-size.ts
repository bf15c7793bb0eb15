// Upper bounds on how many bytes a compressed records region can expand to, read from the
// codecs' own framing without decompressing. A few kilobytes of zstd can claim gigabytes, and
// the native decoders allocate whatever the input asks for, so decompress() checks the bound
// against a limit first. Each walk is bounded by the input length and rejects malformed
// framing with a RecordDecodeError.
import { RecordDecodeError } from './record-decode-error.js';
import { snappyDecompressedSize } from './snappy-xerial.js';

const corrupt = (detail: string) => new RecordDecodeError('corrupt-compressed-data', detail);

/** Largest regenerated size of one zstd block (RFC 8878 §3.1.1.2.3). */
const ZSTD_BLOCK_MAX_BYTES = 128 * 1024;
const ZSTD_MAGIC = 0xfd2fb528;
const LZ4_MAGIC = 0x184d2204;

/** Skippable frames (zstd and lz4 share the range 0x184D2A50-5F): magic, LE size, payload. */
function isSkippable(magic: number): boolean {
  return magic >>> 4 === 0x184d2a5;
}

function need(data: Buffer, pos: number, bytes: number): void {
  if (pos + bytes > data.length) throw corrupt('frame cut short');
}

/** Sum of block bounds over every frame in `data`. */
export function zstdDecompressedBound(data: Buffer): number {
  let pos = 0;
  let total = 0;
  while (pos < data.length) {
    need(data, pos, 4);
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if (isSkippable(magic)) {
      need(data, pos, 4);
      pos += 4 + data.readUInt32LE(pos);
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw corrupt('not a zstd frame');
    need(data, pos, 1);
    const fhd = data[pos++]!;
    const singleSegment = (fhd & 0x20) !== 0;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fhd >> 6]!;
    const didBytes = [0, 1, 2, 4][fhd & 0x03]!;
    pos += (singleSegment ? 0 : 1) + didBytes + fcsBytes;
    for (let last = false; !last;) {
      need(data, pos, 3);
      const header = data.readUIntLE(pos, 3);
      pos += 3;
      last = (header & 1) === 1;
      const type = (header >> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw corrupt('reserved zstd block type');
      total += type === 2 ? ZSTD_BLOCK_MAX_BYTES : size;
      pos += type === 1 ? 1 : size;
      need(data, pos, 0);
    }
    if (fhd & 0x04) pos += 4;
    need(data, pos, 0);
  }
  return total;
}

/** Sum of block bounds over every LZ4 frame in `data`. */
export function lz4DecompressedBound(data: Buffer): number {
  let pos = 0;
  let total = 0;
  while (pos < data.length) {
    need(data, pos, 4);
    const magic = data.readUInt32LE(pos);
    pos += 4;
    if (isSkippable(magic)) {
      need(data, pos, 4);
      pos += 4 + data.readUInt32LE(pos);
      continue;
    }
    if (magic !== LZ4_MAGIC) throw corrupt('not an LZ4 frame');
    need(data, pos, 2);
    const flg = data[pos]!;
    const blockMaxBytes = 1 << (8 + 2 * ((data[pos + 1]! >> 4) & 7));
    if (blockMaxBytes < 64 * 1024) throw corrupt('invalid LZ4 block size');
    pos += 2 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0) + 1;
    const blockChecksumBytes = flg & 0x10 ? 4 : 0;
    for (;;) {
      need(data, pos, 4);
      const word = data.readUInt32LE(pos);
      pos += 4;
      if (word === 0) break;
      const size = word & 0x7fffffff;
      if (size > blockMaxBytes) throw corrupt('LZ4 block larger than its frame allows');
      // An uncompressed block (high bit set) regenerates exactly its size.
      total += word & 0x80000000 ? size : blockMaxBytes;
      pos += size + blockChecksumBytes;
    }
    pos += flg & 0x04 ? 4 : 0;
    need(data, pos, 0);
  }
  return total;
}

/**
 * Checks, from the codec's framing alone, that `data` cannot expand beyond `maxBytes`
 * (codec ids as in CompressionType). gzip has no size in its framing; zlib enforces the limit
 * while inflating instead.
 */
export function checkDecompressedBound(codec: number, data: Buffer, maxBytes: number): void {
  let bound = 0;
  if (codec === 2) bound = snappyDecompressedSize(data);
  else if (codec === 3) bound = lz4DecompressedBound(data);
  else if (codec === 4) bound = zstdDecompressedBound(data);
  if (bound > maxBytes) {
    throw new RecordDecodeError(
      'decompressed-too-large',
      `compressed data may expand to ${bound} bytes, more than the ${maxBytes} allowed`,
    );
  }
}
