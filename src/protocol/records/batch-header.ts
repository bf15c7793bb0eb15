// A cheap view of a record batch (magic 2) header: reads the fixed 61-byte header fields in
// place, without decoding records. This is what the broker's produce path, the log's recovery
// scan and fetch trimming use. Layout: Kafka's protocol guide, "Record Batch"
// (https://kafka.apache.org/documentation/#recordbatch).
import { crc32c } from '../../util/crc32c.js';

/** Bytes before the records of a magic-2 batch. */
export const BATCH_HEADER_BYTES = 61;
/** Bytes of baseOffset (int64) + batchLength (int32): the log overhead of every batch. */
export const LOG_OVERHEAD_BYTES = 12;
/** Offset of the magic byte within a batch. Readable in every message format (0, 1, 2). */
export const MAGIC_OFFSET = 16;

export const enum BatchField {
  BaseOffset = 0,
  BatchLength = 8,
  PartitionLeaderEpoch = 12,
  Magic = 16,
  Crc = 17,
  Attributes = 21,
  LastOffsetDelta = 23,
  BaseTimestamp = 27,
  MaxTimestamp = 35,
  ProducerId = 43,
  ProducerEpoch = 51,
  BaseSequence = 53,
  RecordCount = 57,
}

export const enum BatchAttribute {
  CompressionMask = 0x07,
  TimestampTypeLogAppend = 0x08,
  Transactional = 0x10,
  Control = 0x20,
  DeleteHorizon = 0x40,
}

/**
 * Reads header fields of the batch that starts at `pos` in `buf`. The caller makes sure the
 * whole batch (12 + batchLength bytes) is inside `buf` before calling anything but
 * `batchLength`/`totalSize` (see {@link checkBatchFrame}).
 */
export class BatchHeader {
  constructor(
    readonly buf: Buffer,
    readonly pos = 0,
  ) {}

  get baseOffset(): bigint {
    return this.buf.readBigInt64BE(this.pos + BatchField.BaseOffset);
  }
  /** Base offset as a JS number; offsets above 2^53 are not supported by storage. */
  get baseOffsetNumber(): number {
    return this.int64Number(BatchField.BaseOffset);
  }
  /** baseTimestamp as a JS number (exact for any millisecond timestamp). */
  get baseTimestampNumber(): number {
    return this.int64Number(BatchField.BaseTimestamp);
  }
  /** maxTimestamp as a JS number. */
  get maxTimestampNumber(): number {
    return this.int64Number(BatchField.MaxTimestamp);
  }
  /** Whether producerId is set (>= 0): an idempotent or transactional batch. */
  get hasProducerId(): boolean {
    return this.buf.readInt32BE(this.pos + BatchField.ProducerId) >= 0;
  }
  /** An int64 field read without allocating a BigInt; exact up to 2^53 in magnitude. */
  private int64Number(field: number): number {
    const at = this.pos + field;
    return this.buf.readInt32BE(at) * 2 ** 32 + this.buf.readUInt32BE(at + 4);
  }
  get batchLength(): number {
    return this.buf.readInt32BE(this.pos + BatchField.BatchLength);
  }
  /** Size of the whole batch on the wire and on disk. */
  get totalSize(): number {
    return LOG_OVERHEAD_BYTES + this.batchLength;
  }
  get partitionLeaderEpoch(): number {
    return this.buf.readInt32BE(this.pos + BatchField.PartitionLeaderEpoch);
  }
  get magic(): number {
    return this.buf.readInt8(this.pos + BatchField.Magic);
  }
  get crc(): number {
    return this.buf.readUInt32BE(this.pos + BatchField.Crc);
  }
  get attributes(): number {
    return this.buf.readInt16BE(this.pos + BatchField.Attributes);
  }
  get compression(): number {
    return this.attributes & BatchAttribute.CompressionMask;
  }
  get isLogAppendTime(): boolean {
    return (this.attributes & BatchAttribute.TimestampTypeLogAppend) !== 0;
  }
  get isTransactional(): boolean {
    return (this.attributes & BatchAttribute.Transactional) !== 0;
  }
  get isControl(): boolean {
    return (this.attributes & BatchAttribute.Control) !== 0;
  }
  get lastOffsetDelta(): number {
    return this.buf.readInt32BE(this.pos + BatchField.LastOffsetDelta);
  }
  get lastOffset(): bigint {
    return this.baseOffset + BigInt(this.lastOffsetDelta);
  }
  get lastOffsetNumber(): number {
    return this.baseOffsetNumber + this.lastOffsetDelta;
  }
  get baseTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.pos + BatchField.BaseTimestamp);
  }
  get maxTimestamp(): bigint {
    return this.buf.readBigInt64BE(this.pos + BatchField.MaxTimestamp);
  }
  get producerId(): bigint {
    return this.buf.readBigInt64BE(this.pos + BatchField.ProducerId);
  }
  get producerEpoch(): number {
    return this.buf.readInt16BE(this.pos + BatchField.ProducerEpoch);
  }
  get baseSequence(): number {
    return this.buf.readInt32BE(this.pos + BatchField.BaseSequence);
  }
  get recordCount(): number {
    return this.buf.readInt32BE(this.pos + BatchField.RecordCount);
  }

  /** CRC-32C over attributes..end, as stored in the `crc` field. */
  computeCrc(): number {
    return crc32c(this.buf.subarray(this.pos + BatchField.Attributes, this.pos + this.totalSize));
  }
  isCrcValid(): boolean {
    return this.computeCrc() === this.crc;
  }

  setBaseOffset(offset: bigint): void {
    this.buf.writeBigInt64BE(offset, this.pos + BatchField.BaseOffset);
  }
  setPartitionLeaderEpoch(epoch: number): void {
    this.buf.writeInt32BE(epoch, this.pos + BatchField.PartitionLeaderEpoch);
  }
  /** Rewrites the stored CRC after a change to a CRC-covered field (attributes, timestamps). */
  updateCrc(): void {
    this.buf.writeUInt32BE(this.computeCrc(), this.pos + BatchField.Crc);
  }
}

/** Why a byte range is not a well-formed magic-2 batch frame. */
export type BatchFrameProblem =
  'truncated-header' | 'invalid-length' | 'truncated-batch' | 'unsupported-magic' | 'corrupt-crc';

/**
 * Checks the frame of the batch at `pos` within `buf[pos, end)`: enough bytes for the header,
 * a batchLength that covers the header and fits, magic 2, and (if `verifyCrc`) the CRC-32C.
 * Returns the batch's total size, or the problem found.
 */
export function checkBatchFrame(
  buf: Buffer,
  pos: number,
  end: number,
  verifyCrc = true,
): number | BatchFrameProblem {
  if (end - pos < LOG_OVERHEAD_BYTES + 5) return 'truncated-header';
  const batchLength = buf.readInt32BE(pos + BatchField.BatchLength);
  if (batchLength < BATCH_HEADER_BYTES - LOG_OVERHEAD_BYTES) return 'invalid-length';
  const total = LOG_OVERHEAD_BYTES + batchLength;
  if (end - pos < total) return 'truncated-batch';
  if (buf.readInt8(pos + BatchField.Magic) !== 2) return 'unsupported-magic';
  if (verifyCrc) {
    const crc = crc32c(buf.subarray(pos + BatchField.Attributes, pos + total));
    if (crc !== buf.readUInt32BE(pos + BatchField.Crc)) return 'corrupt-crc';
  }
  return total;
}
