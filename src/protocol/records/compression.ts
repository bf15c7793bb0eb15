// Compression codecs of record batches (attributes bits 0-2): the records region of a batch is
// compressed as one blob. Formats are the ones Kafka's clients exchange:
// - gzip: a normal gzip stream (node:zlib);
// - snappy: xerial framing or a raw block (see snappy-xerial.ts);
// - lz4: the LZ4 frame format (magic 04 22 4d 18) with independent 64 KiB blocks, as Kafka's
//   Java client writes it; any valid frame is read (block or content checksums, content size).
//   Frames without checksums (what Kafka's clients write) are walked in JS (lz4-frame.ts),
//   which avoids the native frame decoder's cost on incompressible blocks;
// - zstd: a standard zstd frame; frames without a content size (streamed) are read too.
// Sync forms exist for all but zstd. The async forms run small inputs inline: measured on
// 16 KiB batches, the thread-pool hop costs more than the work (up to 5x slower for gzip
// decompression); see docs/decisions/0001-compression-codecs.md.
import { gunzip, gunzipSync, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import { lz4Codec, zstdCodec } from './native-codecs.js';
import { RecordDecodeError, asDecodeError } from './record-decode-error.js';
import { checkDecompressedBound } from './decompressed-size.js';
import { lz4DecompressFrames } from './lz4-frame.js';
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

/** Kafka's defaults for compression.gzip.level (zlib's 6) and compression.zstd.level. */
const DEFAULT_LEVEL = { [CompressionType.Gzip]: 6, [CompressionType.Zstd]: 3 } as const;
/** Inputs up to this size are handled inline by the async forms (see the file comment). */
export const DEFAULT_OFFLOAD_ABOVE_BYTES = 64 * 1024;
/**
 * Default cap on a decompressed records region. Kafka has none, but a batch is at most
 * message.max.bytes (1 MiB by default) compressed and real data rarely expands 100x, while a
 * crafted zstd batch can claim thousands of times its size.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 128 * 1024 * 1024;

export interface CompressOptions {
  /** gzip 1-9 (compression.gzip.level) or zstd 1-22 (compression.zstd.level); others ignore it. */
  level?: number;
  /** Async forms: use the thread pool only for inputs larger than this. */
  offloadAboveBytes?: number;
}

export interface DecompressOptions {
  /** Refuse input that could expand beyond this many bytes. */
  maxBytes?: number;
  /** Async form: use the thread pool only for inputs larger than this. */
  offloadAboveBytes?: number;
  /**
   * The result may be a view of memory that the next decompression with `scratch` reuses:
   * for callers that read it at once and keep nothing (the broker's produce check).
   */
  scratch?: boolean;
}

export function isCompressionType(n: number): n is CompressionType {
  return Number.isInteger(n) && n >= 0 && n <= 4;
}

/** Whether {@link compressSync}/{@link decompressSync} work for `codec`. */
export function hasSyncCodec(codec: CompressionType): boolean {
  return codec !== CompressionType.Zstd;
}

function inline(codec: number, data: Buffer, offloadAboveBytes: number | undefined): boolean {
  return (
    codec !== CompressionType.Zstd &&
    data.length <= (offloadAboveBytes ?? DEFAULT_OFFLOAD_ABOVE_BYTES)
  );
}

/** Compresses `data` with `codec`; inputs above `offloadAboveBytes` go to the thread pool. */
export async function compress(
  codec: CompressionType,
  data: Buffer,
  options: CompressOptions = {},
): Promise<Buffer> {
  if (inline(codec, data, options.offloadAboveBytes)) return compressSync(codec, data, options);
  switch (codec) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipAsync(data, { level: options.level ?? DEFAULT_LEVEL[codec] });
    case CompressionType.Snappy:
      return snappyCompress(data);
    case CompressionType.Lz4:
      return lz4Codec().compressFrame(data);
    case CompressionType.Zstd:
      return zstdCodec().compress(data, options.level ?? DEFAULT_LEVEL[codec]);
  }
}

/** Compresses on the calling thread. zstd has no sync form here: check {@link hasSyncCodec}. */
export function compressSync(
  codec: CompressionType,
  data: Buffer,
  options: Pick<CompressOptions, 'level'> = {},
): Buffer {
  switch (codec) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return gzipSync(data, { level: options.level ?? DEFAULT_LEVEL[codec] });
    case CompressionType.Snappy:
      return snappyCompressSync(data);
    case CompressionType.Lz4:
      return lz4Codec().compressFrameSync(data);
    case CompressionType.Zstd:
      throw new Error('zstd has no synchronous codec; use compress()');
  }
}

/**
 * Decompresses `data`; inputs above `offloadAboveBytes` go to the thread pool. Corrupt input,
 * input that could expand beyond `maxBytes`, or an unknown codec id gives a
 * {@link RecordDecodeError}; nothing else is thrown.
 */
export async function decompress(
  codec: number,
  data: Buffer,
  options: DecompressOptions = {},
): Promise<Buffer> {
  if (inline(codec, data, options.offloadAboveBytes)) return decompressSync(codec, data, options);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  try {
    checkDecompressedBound(codec, data, maxBytes);
    switch (codec) {
      case CompressionType.Gzip:
        return await gunzipAsync(data, { maxOutputLength: maxBytes });
      case CompressionType.Snappy:
        return await snappyDecompress(data);
      case CompressionType.Lz4:
        return await lz4Codec().decompressFrame(data);
      case CompressionType.Zstd:
        return await zstdCodec().decompress(data);
      default:
        return decompressSync(codec, data, options);
    }
  } catch (err) {
    throw decodeError(err);
  }
}

/** Decompresses on the calling thread; zstd gives 'unsupported-compression' (use the async form). */
export function decompressSync(
  codec: number,
  data: Buffer,
  options: Pick<DecompressOptions, 'maxBytes' | 'scratch'> = {},
): Buffer {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  try {
    checkDecompressedBound(codec, data, maxBytes);
    switch (codec) {
      case CompressionType.None:
        return data;
      case CompressionType.Gzip:
        return gunzipSync(data, { maxOutputLength: maxBytes });
      case CompressionType.Snappy:
        return snappyDecompressSync(data);
      case CompressionType.Lz4:
        return (
          lz4DecompressFrames(data, maxBytes, options.scratch) ??
          lz4Codec().decompressFrameSync(data)
        );
      case CompressionType.Zstd:
        throw new RecordDecodeError('unsupported-compression', 'zstd needs the async decoder');
      default:
        throw new RecordDecodeError('unsupported-compression', `compression type ${codec}`);
    }
  } catch (err) {
    throw decodeError(err);
  }
}

/** zlib reports passing maxOutputLength as ERR_BUFFER_TOO_LARGE. */
function decodeError(err: unknown): RecordDecodeError {
  const code = (err as { code?: unknown } | null)?.code;
  return asDecodeError(
    err,
    code === 'ERR_BUFFER_TOO_LARGE' ? 'decompressed-too-large' : 'corrupt-compressed-data',
  );
}
