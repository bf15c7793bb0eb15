// Encoding and decoding whole magic-2 record batches (Kafka's "Record Batch",
// https://kafka.apache.org/documentation/#recordbatch).
// The broker's hot path never decodes records (it uses BatchHeader); this is for clients,
// tests, compaction and anything else that needs the records themselves.
//
// Types: int64 header fields are bigint, as everywhere in the protocol layer; record
// timestamps are JS numbers (milliseconds since the epoch), see varint.ts.
import {
  BATCH_HEADER_BYTES,
  BatchAttribute,
  BatchField,
  checkBatchFrame,
  LOG_OVERHEAD_BYTES,
} from './batch-header.js';
import { crc32c } from '../../util/crc32c.js';
import {
  compress,
  compressSync,
  CompressionType,
  decompress,
  decompressSync,
} from './compression.js';
import { decodeRecords, encodeRecords, type DecodedRecord, type RecordInput } from './record.js';
import { RecordDecodeError } from './record-decode-error.js';

export type TimestampType = 'create-time' | 'log-append-time';

export interface RecordBatchOptions {
  /** The producer sends 0; the broker assigns the real one. */
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
  compression?: CompressionType;
  /** compression.gzip.level / compression.zstd.level; the codec's default when absent. */
  compressionLevel?: number;
  timestampType?: TimestampType;
  isTransactional?: boolean;
  isControl?: boolean;
  /** -1 (with epoch and sequence -1) when the producer is not idempotent. */
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  /**
   * Timestamp (ms) of records that carry none; defaults to the first record's, else the wall
   * clock. Pass it to keep encoding deterministic.
   */
  timestamp?: number;
}

export interface DecodedRecordBatch {
  baseOffset: bigint;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number;
  timestampType: TimestampType;
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizon: boolean;
  lastOffsetDelta: number;
  baseTimestamp: bigint;
  maxTimestamp: bigint;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  records: DecodedRecord[];
}

interface Prepared {
  options: RecordBatchOptions;
  records: readonly RecordInput[];
  baseTimestamp: number;
  maxTimestamp: number;
  lastOffsetDelta: number;
}

function prepare(records: readonly RecordInput[], options: RecordBatchOptions): Prepared {
  const fallback = options.timestamp ?? records[0]?.timestamp ?? Date.now();
  let maxTimestamp = -1;
  let lastOffsetDelta = -1;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    maxTimestamp = Math.max(maxTimestamp, r.timestamp ?? fallback);
    lastOffsetDelta = Math.max(lastOffsetDelta, r.offsetDelta ?? i);
  }
  // An empty batch (left behind by compaction) keeps lastOffsetDelta 0 and timestamps -1.
  const baseTimestamp = records.length === 0 ? -1 : (records[0]!.timestamp ?? fallback);
  const filled =
    options.timestamp === undefined && records.every((r) => r.timestamp !== undefined)
      ? records
      : records.map((r) => (r.timestamp === undefined ? { ...r, timestamp: fallback } : r));
  return {
    options,
    records: filled,
    baseTimestamp,
    maxTimestamp,
    lastOffsetDelta: Math.max(lastOffsetDelta, 0),
  };
}

function attributesOf(o: RecordBatchOptions): number {
  let a = o.compression ?? CompressionType.None;
  if (o.timestampType === 'log-append-time') a |= BatchAttribute.TimestampTypeLogAppend;
  if (o.isTransactional) a |= BatchAttribute.Transactional;
  if (o.isControl) a |= BatchAttribute.Control;
  return a;
}

/** Fills the 61-byte header at the start of `buf` (whose tail holds the records) and its CRC. */
function writeHeader(buf: Buffer, p: Prepared): Buffer {
  const o = p.options;
  buf.writeBigInt64BE(o.baseOffset ?? 0n, BatchField.BaseOffset);
  buf.writeInt32BE(buf.length - LOG_OVERHEAD_BYTES, BatchField.BatchLength);
  buf.writeInt32BE(o.partitionLeaderEpoch ?? -1, BatchField.PartitionLeaderEpoch);
  buf.writeInt8(2, BatchField.Magic);
  buf.writeInt16BE(attributesOf(o), BatchField.Attributes);
  buf.writeInt32BE(p.lastOffsetDelta, BatchField.LastOffsetDelta);
  buf.writeBigInt64BE(BigInt(p.baseTimestamp), BatchField.BaseTimestamp);
  buf.writeBigInt64BE(BigInt(p.maxTimestamp), BatchField.MaxTimestamp);
  buf.writeBigInt64BE(o.producerId ?? -1n, BatchField.ProducerId);
  buf.writeInt16BE(o.producerEpoch ?? -1, BatchField.ProducerEpoch);
  buf.writeInt32BE(o.baseSequence ?? -1, BatchField.BaseSequence);
  buf.writeInt32BE(p.records.length, BatchField.RecordCount);
  buf.writeUInt32BE(crc32c(buf.subarray(BatchField.Attributes)), BatchField.Crc);
  return buf;
}

function withHeader(body: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(BATCH_HEADER_BYTES + body.length);
  body.copy(buf, BATCH_HEADER_BYTES);
  return buf;
}

/**
 * Encodes a magic-2 batch. Works for every codec; large record sets are compressed on the
 * thread pool (see compression.ts).
 */
export async function encodeRecordBatch(
  records: readonly RecordInput[],
  options: RecordBatchOptions = {},
): Promise<Buffer> {
  const p = prepare(records, options);
  const codec = options.compression ?? CompressionType.None;
  if (codec === CompressionType.None) return uncompressedBatch(p);
  const plain = encodeRecords(p.records, p.baseTimestamp);
  const body = await compress(codec, plain, { level: options.compressionLevel });
  return writeHeader(withHeader(body), p);
}

/** Encodes a magic-2 batch on the calling thread; throws for zstd (see hasSyncCodec). */
export function encodeRecordBatchSync(
  records: readonly RecordInput[],
  options: RecordBatchOptions = {},
): Buffer {
  const p = prepare(records, options);
  const codec = options.compression ?? CompressionType.None;
  if (codec === CompressionType.None) return uncompressedBatch(p);
  const plain = encodeRecords(p.records, p.baseTimestamp);
  return writeHeader(
    withHeader(compressSync(codec, plain, { level: options.compressionLevel })),
    p,
  );
}

/** Records written straight after room for the header: one allocation, no copy. */
function uncompressedBatch(p: Prepared): Buffer {
  const buf = encodeRecords(p.records, p.baseTimestamp, { headroomBytes: BATCH_HEADER_BYTES });
  return writeHeader(buf, p);
}

const FRAME_PROBLEMS = {
  'truncated-header': 'truncated',
  'truncated-batch': 'truncated',
  'invalid-length': 'invalid-length',
  'unsupported-magic': 'unsupported-magic',
  'corrupt-crc': 'corrupt-crc',
} as const;

/** Checks the frame and reads the header fields of the single batch at the start of `buf`. */
function readHeader(buf: Buffer, verifyCrc: boolean): Omit<DecodedRecordBatch, 'records'> {
  const size = checkBatchFrame(buf, 0, buf.length, verifyCrc);
  if (typeof size !== 'number') throw new RecordDecodeError(FRAME_PROBLEMS[size], size);
  const attributes = buf.readInt16BE(BatchField.Attributes);
  return {
    baseOffset: buf.readBigInt64BE(BatchField.BaseOffset),
    batchLength: buf.readInt32BE(BatchField.BatchLength),
    partitionLeaderEpoch: buf.readInt32BE(BatchField.PartitionLeaderEpoch),
    magic: 2,
    crc: buf.readUInt32BE(BatchField.Crc),
    attributes,
    compression: attributes & BatchAttribute.CompressionMask,
    timestampType:
      attributes & BatchAttribute.TimestampTypeLogAppend ? 'log-append-time' : 'create-time',
    isTransactional: (attributes & BatchAttribute.Transactional) !== 0,
    isControl: (attributes & BatchAttribute.Control) !== 0,
    hasDeleteHorizon: (attributes & BatchAttribute.DeleteHorizon) !== 0,
    lastOffsetDelta: buf.readInt32BE(BatchField.LastOffsetDelta),
    baseTimestamp: buf.readBigInt64BE(BatchField.BaseTimestamp),
    maxTimestamp: buf.readBigInt64BE(BatchField.MaxTimestamp),
    producerId: buf.readBigInt64BE(BatchField.ProducerId),
    producerEpoch: buf.readInt16BE(BatchField.ProducerEpoch),
    baseSequence: buf.readInt32BE(BatchField.BaseSequence),
    recordCount: buf.readInt32BE(BatchField.RecordCount),
  };
}

function finish(h: Omit<DecodedRecordBatch, 'records'>, body: Buffer): DecodedRecordBatch {
  const records = decodeRecords(body, h.recordCount, {
    baseOffset: h.baseOffset,
    baseTimestamp: Number(h.baseTimestamp),
  });
  // With LogAppendTime every record's timestamp is the broker's, stored as maxTimestamp.
  if (h.timestampType === 'log-append-time') {
    const t = Number(h.maxTimestamp);
    for (const r of records) r.timestamp = t;
  }
  return { ...h, records };
}

export interface DecodeOptions {
  /** Check the CRC-32C (default true). */
  verifyCrc?: boolean;
  /** Cap on the decompressed records region (default DEFAULT_MAX_DECOMPRESSED_BYTES). */
  maxDecompressedBytes?: number;
}

/**
 * Decodes the magic-2 batch at the start of `buf` (bytes after it are ignored), decompressing
 * off the event loop. Throws only {@link RecordDecodeError}.
 */
export async function decodeRecordBatch(
  buf: Buffer,
  options: DecodeOptions = {},
): Promise<DecodedRecordBatch> {
  const h = readHeader(buf, options.verifyCrc ?? true);
  const region = buf.subarray(BATCH_HEADER_BYTES, LOG_OVERHEAD_BYTES + h.batchLength);
  return finish(
    h,
    await decompress(h.compression, region, { maxBytes: options.maxDecompressedBytes }),
  );
}

/** Like {@link decodeRecordBatch} on the calling thread; zstd batches give 'unsupported-compression'. */
export function decodeRecordBatchSync(
  buf: Buffer,
  options: DecodeOptions = {},
): DecodedRecordBatch {
  const h = readHeader(buf, options.verifyCrc ?? true);
  const region = buf.subarray(BATCH_HEADER_BYTES, LOG_OVERHEAD_BYTES + h.batchLength);
  return finish(
    h,
    decompressSync(h.compression, region, { maxBytes: options.maxDecompressedBytes }),
  );
}

/**
 * Splits a concatenation of batches (a Fetch response's `records`, a segment file) into one
 * view per complete batch. A trailing partial batch is not an error — Fetch may cut the last
 * batch short — and ends the iteration; a length that cannot be right throws.
 */
export function* splitRecordBatches(buf: Buffer): Generator<Buffer> {
  let pos = 0;
  while (buf.length - pos >= LOG_OVERHEAD_BYTES) {
    const batchLength = buf.readInt32BE(pos + BatchField.BatchLength);
    // The smallest frame of any message format (a magic-0 message) is 14 bytes after the length.
    if (batchLength < 14)
      throw new RecordDecodeError('invalid-length', `batch length ${batchLength}`);
    const total = LOG_OVERHEAD_BYTES + batchLength;
    if (buf.length - pos < total) return;
    yield buf.subarray(pos, pos + total);
    pos += total;
  }
}

/** Decodes every complete magic-2 batch in `buf` (see {@link splitRecordBatches}). */
export async function decodeRecordBatches(
  buf: Buffer,
  options: DecodeOptions = {},
): Promise<DecodedRecordBatch[]> {
  const out: DecodedRecordBatch[] = [];
  for (const frame of splitRecordBatches(buf)) out.push(await decodeRecordBatch(frame, options));
  return out;
}
