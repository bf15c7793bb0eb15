// The records inside a magic-2 batch (Kafka's "Record",
// https://kafka.apache.org/documentation/#record): each one is a zig-zag varint length, an
// unused attributes byte, timestamp and offset deltas against the batch's base values, key,
// value and headers. Keys, values and header values may be null (-1 length); a null value is
// a tombstone on compacted topics.
import { RecordDecodeError } from './record-decode-error.js';
import { RecordCursor, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

/** One record to write. Missing key/value are null; `offsetDelta` defaults to its index. */
export interface RecordInput {
  key?: Buffer | null;
  value?: Buffer | null;
  headers?: readonly RecordHeader[];
  /** Milliseconds since the epoch (CreateTime); defaults to the batch's base timestamp. */
  timestamp?: number;
  offsetDelta?: number;
}

/** One record as read from a batch. Absolute offset and timestamp are derived by the batch. */
export interface DecodedRecord {
  attributes: number;
  timestampDelta: number;
  offsetDelta: number;
  offset: bigint;
  /** Milliseconds since the epoch: the batch's base timestamp plus the delta. */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

function sizeOfBytes(b: Buffer | null | undefined): number {
  return b == null ? 1 : sizeOfVarint(b.length) + b.length;
}

/** Encoded size of a record's body (everything after its length varint). */
function bodySize(r: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta);
  size += sizeOfBytes(r.key) + sizeOfBytes(r.value);
  const headers = r.headers ?? [];
  size += sizeOfVarint(headers.length);
  for (const h of headers) {
    const keyBytes = Buffer.byteLength(h.key);
    size += sizeOfVarint(keyBytes) + keyBytes + sizeOfBytes(h.value);
  }
  return size;
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null | undefined): number {
  if (b == null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  return pos + b.copy(buf, pos);
}

/**
 * Encodes `records` as the (uncompressed) records region of a batch, with timestamps relative
 * to `baseTimestamp`. `headroomBytes` leaves room before the records (for a batch header, so
 * an uncompressed batch needs no second copy); those bytes are not initialised.
 */
export function encodeRecords(
  records: readonly RecordInput[],
  baseTimestamp: number,
  options: { headroomBytes?: number } = {},
): Buffer {
  const headroom = options.headroomBytes ?? 0;
  const sizes = new Array<number>(records.length);
  let total = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const size = bodySize(r, (r.timestamp ?? baseTimestamp) - baseTimestamp, r.offsetDelta ?? i);
    sizes[i] = size;
    total += sizeOfVarint(size) + size;
  }
  const buf = Buffer.allocUnsafe(headroom + total);
  let pos = headroom;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    pos = writeVarint(buf, pos, sizes[i]!);
    buf[pos++] = 0;
    pos = writeVarlong(buf, pos, (r.timestamp ?? baseTimestamp) - baseTimestamp);
    pos = writeVarint(buf, pos, r.offsetDelta ?? i);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    const headers = r.headers ?? [];
    pos = writeVarint(buf, pos, headers.length);
    for (const h of headers) {
      const keyBytes = Buffer.byteLength(h.key);
      pos = writeVarint(buf, pos, keyBytes);
      pos += buf.write(h.key, pos);
      pos = writeBytes(buf, pos, h.value);
    }
  }
  return buf;
}

export interface RecordBase {
  baseOffset: bigint;
  baseTimestamp: number;
}

/**
 * Decodes `count` records from `buf[pos, end)`. Each record must end exactly where its length
 * says, and the region must hold exactly `count` records.
 */
export function decodeRecords(
  buf: Buffer,
  count: number,
  base: RecordBase & { pos?: number; end?: number },
): DecodedRecord[] {
  const end = base.end ?? buf.length;
  const cur = new RecordCursor(buf, base.pos ?? 0, end);
  // Every record takes at least 7 bytes, so a corrupt count cannot make us allocate much.
  if (count < 0 || count > cur.remaining / 7) {
    throw new RecordDecodeError('record-count-mismatch', `${count} records cannot fit`);
  }
  const out = new Array<DecodedRecord>(count);
  for (let i = 0; i < count; i++) out[i] = decodeRecord(cur, base);
  if (cur.pos !== end) {
    throw new RecordDecodeError(
      'record-count-mismatch',
      `${end - cur.pos} bytes after the last record`,
    );
  }
  return out;
}

function decodeRecord(cur: RecordCursor, base: RecordBase): DecodedRecord {
  const length = cur.readVarint();
  if (length < 0) throw new RecordDecodeError('invalid-length', `record length ${length}`);
  cur.need(length);
  const recordEnd = cur.pos + length;
  // Narrow the cursor to this record so no field can read into the next one; restored below
  // (a throw abandons the cursor anyway).
  const outerEnd = cur.end;
  cur.end = recordEnd;
  const inner = cur;
  const attributes = inner.readInt8();
  const timestampDelta = inner.readVarlong();
  const offsetDelta = inner.readVarint();
  const key = inner.readBytes(inner.readVarint());
  const value = inner.readBytes(inner.readVarint());
  const headerCount = inner.readVarint();
  // A header takes at least 2 bytes: a bound before allocating.
  if (headerCount < 0 || headerCount > inner.remaining / 2) {
    throw new RecordDecodeError('invalid-length', `header count ${headerCount}`);
  }
  const headers = new Array<RecordHeader>(headerCount);
  for (let h = 0; h < headerCount; h++) {
    const keyLength = inner.readVarint();
    if (keyLength < 0) throw new RecordDecodeError('invalid-length', 'null header key');
    inner.need(keyLength);
    // Decoding the key straight from the batch skips a Buffer view per header.
    const hkey = inner.buf.toString('utf8', inner.pos, (inner.pos += keyLength));
    headers[h] = { key: hkey, value: inner.readBytes(inner.readVarint()) };
  }
  if (inner.pos !== recordEnd) {
    throw new RecordDecodeError('invalid-length', 'record length does not match its fields');
  }
  cur.end = outerEnd;
  cur.pos = recordEnd;
  return {
    attributes,
    timestampDelta,
    offsetDelta,
    offset: base.baseOffset + BigInt(offsetDelta),
    timestamp: base.baseTimestamp + timestampDelta,
    key,
    value,
    headers,
  };
}
