// Checks the record batch of one partition of a produce request before it touches the log.
// Produce v3+ carries exactly one magic-2 batch per partition (Kafka's
// ProduceRequest.validateRecords); the rest follows Kafka's LogValidator from the batch header
// alone, because bytes stay bytes on the hot path. Records are decoded only for compacted
// topics, whose records must all have keys.
import type { ErrorName } from '../../protocol/errors.js';
import {
  BatchHeader,
  CompressionType,
  checkBatchFrame,
  decodeRecordBatch,
  isCompressionType,
  RecordDecodeError,
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
  const h = new BatchHeader(records, 0);
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

/** Compacted topics: every record needs a key (this decodes, and decompresses, the batch). */
export async function validateKeys(batch: Buffer): Promise<BatchValidation | null> {
  try {
    const decoded = await decodeRecordBatch(batch, { verifyCrc: false });
    if (decoded.records.length !== decoded.recordCount) {
      return fail('INVALID_RECORD', 'the batch holds fewer records than its header says');
    }
    for (const r of decoded.records) {
      if (r.key === null)
        return fail('INVALID_RECORD', 'a compacted topic needs a key on every record');
    }
    return null;
  } catch (err) {
    if (err instanceof RecordDecodeError) return fail('CORRUPT_MESSAGE', err.message);
    throw err;
  }
}
