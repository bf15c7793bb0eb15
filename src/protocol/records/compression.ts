// Compression codecs of record batches (attributes bits 0-2): the records region of a batch is
// compressed as one blob. Formats are the ones Kafka's clients exchange:
// - gzip: a normal gzip stream (node:zlib);
// - snappy: xerial framing or a raw block (see snappy-xerial.ts);
// - lz4: the LZ4 frame format (magic 04 22 4d 18) with independent 64 KiB blocks, as Kafka's
//   Java client writes it; any valid frame is read (block or content checksums, content size);
// - zstd: a standard zstd frame; frames without a content size (streamed) are read too.
// Every codec has an async form that runs off the event loop; sync forms exist where the
// library has them (all but zstd), because small batches pay more for the thread hop than
// for the work (see docs/decisions/0001-compression-codecs.md).
import { gunzip, gunzipSync, gzip, gzipSync, constants as zlib } from 'node:zlib';
import { promisify } from 'node:util';
import { compressFrame, compressFrameSync, decompressFrame, decompressFrameSync } from 'lz4-napi';
import { compress as zstdCompress, decompress as zstdDecompress } from '@mongodb-js/zstd';
import { RecordDecodeError, asDecodeError } from './record-decode-error.js';
import { lz4DecompressedBound, zstdDecompressedBound } from './decompressed-size.js';
import {
  snappyDecompressedSize,
  snappyCompress,
  snappyCompressSync,
  snappyDecompress,
  snappyDecompressSync,
} from './snappy-xerial.js';

/** Kafka's compression type ids (batch attributes bits 0-2, `compression.type`). */
export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
/** Kafka's default gzip level is zlib's default (6); librdkafka's is too. */
const GZIP_OPTIONS = { level: zlib.Z_DEFAULT_COMPRESSION };
/** Kafka's default zstd level (compression.zstd.level). */
const ZSTD_LEVEL = 3;
/**
 * Default cap on a decompressed records region. Kafka has no such limit, but a batch is at
 * most message.max.bytes (1 MiB by default) compressed, and real data rarely expands 100x;
 * a crafted zstd batch can claim thousands of times its size.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024;

export interface DecompressOptions {
  /** Refuse input that could expand beyond this many bytes. */
  maxBytes?: number;
}

/**
 * Checks, from the codec's framing alone, that `data` cannot expand beyond the limit. gzip
 * has no size in its framing; zlib enforces the limit while inflating instead.
 */
function checkBound(codec: number, data: Buffer, maxBytes: number): void {
  let bound = 0;
  if (codec === CompressionType.Snappy) bound = snappyDecompressedSize(data);
  else if (codec === CompressionType.Lz4) bound = lz4DecompressedBound(data);
  else if (codec === CompressionType.Zstd) bound = zstdDecompressedBound(data);
  if (bound > maxBytes) {
    throw new RecordDecodeError(
      'decompressed-too-large',
      `compressed data may expand to ${bound} bytes, more than the ${maxBytes} allowed`,
    );
  }
}

export function isCompressionType(n: number): n is CompressionType {
  return n >= 0 && n <= 4 && Number.isInteger(n);
}

/** Whether {@link compressSync}/{@link decompressSync} work for `codec`. */
export function hasSyncCodec(codec: CompressionType): boolean {
  return codec !== CompressionType.Zstd;
}

/** Compresses `data` with `codec` off the event loop. */
export async function compress(codec: CompressionType, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipAsync(data, GZIP_OPTIONS);
    case CompressionType.Snappy:
      return snappyCompress(data);
    case CompressionType.Lz4:
      return compressFrame(data);
    case CompressionType.Zstd:
      return zstdCompress(data, ZSTD_LEVEL);
  }
}

/** Compresses `data` on the calling thread. zstd has no sync form here: check {@link hasSyncCodec}. */
export function compressSync(codec: CompressionType, data: Buffer): Buffer {
  switch (codec) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipSync(data, GZIP_OPTIONS);
    case CompressionType.Snappy:
      return snappyCompressSync(data);
    case CompressionType.Lz4:
      return compressFrameSync(data);
    case CompressionType.Zstd:
      throw new Error('zstd has no synchronous codec; use compress()');
  }
}

/**
 * Decompresses `data` off the event loop. Corrupt input, input that could expand beyond
 * `maxBytes`, or an unknown codec id gives a {@link RecordDecodeError}; nothing else is thrown.
 */
export async function decompress(
  codec: number,
  data: Buffer,
  options: DecompressOptions = {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  try {
    checkBound(codec, data, maxBytes);
    switch (codec) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return await gunzipAsync(data, { maxOutputLength: maxBytes });
      case CompressionType.Snappy:
        return await snappyDecompress(data);
      case CompressionType.Lz4:
        return await decompressFrame(data);
      case CompressionType.Zstd:
        return await zstdDecompress(data);
      default:
        throw new RecordDecodeError('unsupported-compression', `compression type ${codec}`);
    }
  } catch (err) {
    throw asDecodeError(err, tooLarge(err) ? 'decompressed-too-large' : 'corrupt-compressed-data');
  }
}

/** Decompresses on the calling thread; zstd gives 'unsupported-compression' (use the async form). */
export function decompressSync(
  codec: number,
  data: Buffer,
  options: DecompressOptions = {},
): Buffer {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  try {
    checkBound(codec, data, maxBytes);
    switch (codec) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return gunzipSync(data, { maxOutputLength: maxBytes });
      case CompressionType.Snappy:
        return snappyDecompressSync(data);
      case CompressionType.Lz4:
        return decompressFrameSync(data);
      case CompressionType.Zstd:
        throw new RecordDecodeError('unsupported-compression', 'zstd needs the async decoder');
      default:
        throw new RecordDecodeError('unsupported-compression', `compression type ${codec}`);
    }
  } catch (err) {
    throw asDecodeError(err, tooLarge(err) ? 'decompressed-too-large' : 'corrupt-compressed-data');
  }
}

/** zlib's error when inflating would pass maxOutputLength. */
function tooLarge(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}
