// Checks the record batch of one partition of a produce request before it touches the log.
// Produce v3+ carries exactly one magic-2 batch per partition (Kafka's
// ProduceRequest.validateRecords); the rest follows Kafka's LogValidator from the batch header
// alone, because bytes stay bytes on the hot path. The records region is looked into only
// for compressed batches (it must decompress into exactly the records the header counts, or
// consumers would fail on it forever) and on compacted topics (every record needs a key);
// uncompressed batches elsewhere never leave the header path.
import type { ErrorName } from '../../protocol/errors.js';
import {
  BATCH_HEADER_BYTES,
  BatchHeader,
  CompressionType,
  checkBatchFrame,
  DEFAULT_OFFLOAD_ABOVE_BYTES,
  decompress,
  decompressSync,
  hasSyncCodec,
  isCompressionType,
  RecordDecodeError,
  scanRecords,
} from '../../protocol/records/index.js';
import type { LogConfig } from '../../storage/index.js';

export interface BatchValidationOptions {
  config: LogConfig;
  nowMs: number;
  /** message.timestamp.before.max.ms */
  timestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms */
  timestampAfterMaxMs: number;
  /** The produce request's version (zstd needs v7+). */
  apiVersion: number;
}

export type BatchValidation =
  { error: null; header: BatchHeader } | { error: ErrorName; message: string };

function fail(error: ErrorName, message: string): BatchValidation {
  return { error, message };
}

/** The synchronous checks: frame, CRC, sizes, header fields, timestamps. */
export function validateBatch(
  records: Buffer | null,
  options: BatchValidationOptions,
  /** The view of `records`' header the caller already made (parsed once per produce). */
  header?: BatchHeader | null,
): BatchValidation {
  if (records === null || records.length === 0) {
    return fail('INVALID_RECORD', 'a produce request needs one record batch per partition');
  }
  const size = checkBatchFrame(records, 0, records.length, true);
  if (size === 'unsupported-magic') {
    return fail('INVALID_RECORD', 'produce v3+ only carries record batches with magic 2');
  }
  if (size === 'corrupt-crc') return fail('CORRUPT_MESSAGE', 'the batch fails its CRC-32C check');
  if (typeof size === 'string') return fail('CORRUPT_MESSAGE', `malformed batch: ${size}`);
  if (size !== records.length) {
    return fail('INVALID_RECORD', 'produce v3+ carries exactly one record batch per partition');
  }
  if (size > options.config.maxMessageBytes) {
    const limit = options.config.maxMessageBytes;
    return fail('MESSAGE_TOO_LARGE', `the batch is ${size} bytes; max.message.bytes is ${limit}`);
  }
  if (size > options.config.segmentBytes) {
    return fail('RECORD_LIST_TOO_LARGE', `the batch is larger than segment.bytes`);
  }
  const h = header?.buf === records ? header : new BatchHeader(records, 0);
  return checkHeader(h, options) ?? { error: null, header: h };
}

function checkHeader(h: BatchHeader, options: BatchValidationOptions): BatchValidation | null {
  if (!isCompressionType(h.compression)) {
    return fail('CORRUPT_MESSAGE', `unknown compression codec ${h.compression}`);
  }
  if (h.compression === CompressionType.Zstd && options.apiVersion < 7) {
    return fail('UNSUPPORTED_COMPRESSION_TYPE', 'zstd needs produce v7 or later');
  }
  if (h.recordCount <= 0 || h.recordCount !== h.lastOffsetDelta + 1) {
    const what = `${h.recordCount} records with last offset delta ${h.lastOffsetDelta}`;
    return fail('INVALID_RECORD', `inconsistent batch: ${what}`);
  }
  if (h.isControl) return fail('INVALID_RECORD', 'clients may not produce control batches');
  if (h.hasProducerId && (h.baseSequence < 0 || h.producerEpoch < 0)) {
    return fail('INVALID_RECORD', 'an idempotent batch needs a sequence number and an epoch');
  }
  if (h.isTransactional && !h.hasProducerId) {
    return fail('INVALID_RECORD', 'a transactional batch needs a producer id');
  }
  return options.config.messageTimestampType === 'CreateTime' ? checkTimestamps(h, options) : null;
}

function checkTimestamps(h: BatchHeader, options: BatchValidationOptions): BatchValidation | null {
  const first = h.baseTimestampNumber;
  const max = h.maxTimestampNumber;
  const { nowMs, timestampBeforeMaxMs, timestampAfterMaxMs } = options;
  // Records without a timestamp (-1) are not checked, as in Kafka.
  if (first >= 0 && nowMs - first > timestampBeforeMaxMs) {
    return fail(
      'INVALID_TIMESTAMP',
      `timestamp ${first} is older than message.timestamp.before.max.ms`,
    );
  }
  if (max >= 0 && max - nowMs > timestampAfterMaxMs) {
    return fail(
      'INVALID_TIMESTAMP',
      `timestamp ${max} is later than message.timestamp.after.max.ms`,
    );
  }
  return null;
}

/** One refused record of a batch (KIP-467): its index in the batch and why. */
export interface RecordError {
  batchIndex: number;
  message: string;
}

export type RecordsValidation = {
  error: ErrorName;
  message: string;
  /** The records at fault, when the batch is refused because of some of its records. */
  recordErrors: RecordError[];
} | null;

/**
 * Whether compressed batches are decompressed and walked on produce. Always on; the produce
 * benchmark turns it off to measure what the check costs in the same run.
 */
export const compressedBatchChecks = { enabled: true };

/** Whether a batch needs {@link validateRecords} (asynchronous) after {@link validateBatch}. */
export function needsRecordValidation(h: BatchHeader, compacted: boolean): boolean {
  return compacted || (h.compression !== CompressionType.None && compressedBatchChecks.enabled);
}

const KEYLESS = 'a compacted topic needs a key on every record';
/** Kafka's response names every refused record; its message quotes the first three. */
const QUOTED_RECORD_ERRORS = 3;

/**
 * The checks that look inside the records region, as Kafka's LogValidator does for compressed
 * batches and compacted topics: the region decompresses, holds exactly the header's record
 * count of well-formed records and nothing after them, and on compacted topics every record has
 * a key. Records are walked, not decoded. A region that does not decompress is CORRUPT_MESSAGE;
 * records that do not match the header are INVALID_RECORD (Kafka's InvalidRecordException);
 * keyless records are INVALID_RECORD with one record error each (KIP-467).
 */
export async function validateRecords(
  batch: Buffer,
  h: BatchHeader,
  options: { compacted: boolean },
): Promise<RecordsValidation> {
  let region = batch.subarray(BATCH_HEADER_BYTES);
  if (h.compression !== CompressionType.None) {
    try {
      // Small batches of the synchronous codecs are decompressed on the event loop (the
      // thread-pool hop costs more than the work) into scratch memory where the codec allows
      // (LZ4), and scanned with no await in between, so no other check can reuse that memory
      // meanwhile. Zstd and larger batches go to the thread pool.
      const codec = h.compression as CompressionType;
      const inline = hasSyncCodec(codec) && region.length <= DEFAULT_OFFLOAD_ABOVE_BYTES;
      region = inline
        ? decompressSync(h.compression, region, { scratch: true })
        : await decompress(h.compression, region);
    } catch (err) {
      if (!(err instanceof RecordDecodeError)) throw err;
      return recordsFailure('CORRUPT_MESSAGE', `the records do not decompress: ${err.message}`);
    }
  }
  const scan = scanRecords(region, h.recordCount, { findKeyless: options.compacted });
  if (scan.problem !== null) return recordsFailure('INVALID_RECORD', scan.problem);
  if (scan.keyless.length === 0) return null;
  const recordErrors = scan.keyless.map((batchIndex) => ({ batchIndex, message: KEYLESS }));
  const quoted = recordErrors
    .slice(0, QUOTED_RECORD_ERRORS)
    .map((e) => `record ${e.batchIndex}: ${e.message}`)
    .join('; ');
  const message = `${recordErrors.length} of the batch's ${h.recordCount} records were refused (${quoted}${recordErrors.length > QUOTED_RECORD_ERRORS ? '; ...' : ''})`;
  return { error: 'INVALID_RECORD', message, recordErrors };
}

function recordsFailure(error: ErrorName, message: string): RecordsValidation {
  return { error, message, recordErrors: [] };
}
