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
import {
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
 * Decompresses `data` off the event loop. Corrupt input, or an unknown codec id, gives a
 * {@link RecordDecodeError}; nothing else is thrown.
 */
export async function decompress(codec: number, data: Buffer): Promise<Buffer> {
  try {
    switch (codec) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return await gunzipAsync(data);
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
    throw asDecodeError(err, 'corrupt-compressed-data');
  }
}

/** Decompresses on the calling thread; zstd gives 'unsupported-compression' (use the async form). */
export function decompressSync(codec: number, data: Buffer): Buffer {
  try {
    switch (codec) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return gunzipSync(data);
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
    throw asDecodeError(err, 'corrupt-compressed-data');
  }
}
