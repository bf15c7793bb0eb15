// Snappy as Kafka clients exchange it. Two shapes exist on the wire:
// - the xerial snappy-java framing, which the Java client writes: magic 82 'SNAPPY' 00, int32
//   version, int32 compatible version, then blocks of int32 length + raw snappy block;
// - a single raw snappy block, which librdkafka writes.
// snappy-java's reader falls back to a raw block when the magic is absent, and librdkafka,
// kafka-python, KafkaJS and franz-go read both, so readers here accept both. We write the
// xerial framing: it is what the reference client writes, so every client reads it.
import { snappyCodec } from './native-codecs.js';
import { RecordDecodeError } from './record-decode-error.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** snappy-java's default block size. */
const XERIAL_BLOCK_BYTES = 32 * 1024;
// The napi binding is several times faster on this machine when it copies its output into a
// JS-owned buffer instead of handing over an external one (bench/protocol/records).
const ENC = { copyOutputData: true } as const;
const DEC = { asBuffer: true, copyOutputData: true } as const;

/** The uncompressed length a raw snappy block declares in its varint preamble. */
export function snappyBlockLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (i >= block.length)
      throw new RecordDecodeError('corrupt-compressed-data', 'snappy preamble cut short');
    const b = block[i]!;
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return value;
  }
  throw new RecordDecodeError('corrupt-compressed-data', 'snappy preamble too long');
}

export function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER_BYTES && data.subarray(0, 8).equals(XERIAL_MAGIC);
}

function header(): Buffer {
  const h = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(h, 0);
  h.writeInt32BE(1, 8);
  h.writeInt32BE(1, 12);
  return h;
}

function chunks(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_BYTES) {
    out.push(data.subarray(pos, pos + XERIAL_BLOCK_BYTES));
  }
  return out;
}

function frame(blocks: Buffer[]): Buffer {
  const parts: Buffer[] = [header()];
  for (const b of blocks) {
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(b.length, 0);
    parts.push(len, b);
  }
  return Buffer.concat(parts);
}

/** The raw snappy blocks of a xerial-framed buffer, bounds-checked. */
function xerialBlocks(data: Buffer): Buffer[] {
  const blocks: Buffer[] = [];
  let pos = XERIAL_HEADER_BYTES;
  while (pos < data.length) {
    if (data.length - pos < 4)
      throw new RecordDecodeError('corrupt-compressed-data', 'snappy block length cut short');
    const len = data.readInt32BE(pos);
    pos += 4;
    if (len < 0 || len > data.length - pos) {
      throw new RecordDecodeError('corrupt-compressed-data', `snappy block length ${len}`);
    }
    blocks.push(data.subarray(pos, pos + len));
    pos += len;
  }
  return blocks;
}

/** The exact decompressed size, from the block preambles (raw or xerial framed). */
export function snappyDecompressedSize(data: Buffer): number {
  if (!isXerialFramed(data)) return snappyBlockLength(data);
  let total = 0;
  for (const block of xerialBlocks(data)) total += snappyBlockLength(block);
  return total;
}

export function snappyCompressSync(data: Buffer): Buffer {
  return frame(chunks(data).map((c) => snappyCodec().compressSync(c, ENC)));
}

export async function snappyCompress(data: Buffer): Promise<Buffer> {
  return frame(await Promise.all(chunks(data).map((c) => snappyCodec().compress(c, ENC))));
}

export function snappyDecompressSync(data: Buffer): Buffer {
  if (!isXerialFramed(data)) return snappyCodec().uncompressSync(data, DEC) as Buffer;
  const blocks = xerialBlocks(data).map((b) => snappyCodec().uncompressSync(b, DEC) as Buffer);
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks);
}

export async function snappyDecompress(data: Buffer): Promise<Buffer> {
  if (!isXerialFramed(data)) return (await snappyCodec().uncompress(data, DEC)) as Buffer;
  const blocks = await Promise.all(xerialBlocks(data).map((b) => snappyCodec().uncompress(b, DEC)));
  return blocks.length === 1 ? (blocks[0] as Buffer) : Buffer.concat(blocks as Buffer[]);
}
