// Legacy message sets (magic 0 and 1), read only. Kafka 4 no longer writes them (KIP-724), but
// an old topic can still hold them, so a client may meet them in a Fetch response.
//
// A message: offset int64 | size int32 | crc uint32 (CRC-32/IEEE of magic..end) | magic int8 |
// attributes int8 (bits 0-2 compression, bit 3 LogAppendTime in v1) | timestamp int64 (v1
// only) | key bytes (int32 length, -1 null) | value bytes. A compressed message is a wrapper
// whose value is a compressed message set of inner messages. For magic 1 the inner offsets are
// relative (0..n-1) and the wrapper carries the absolute offset of the last inner message; for
// magic 0 the inner offsets are absolute. Inner messages are never compressed again.
import { crc32 } from 'node:zlib';
import { CompressionType, decompress, decompressSync } from './compression.js';
import { fixLegacyLz4HeaderChecksum } from './legacy-lz4.js';
import { RecordDecodeError } from './record-decode-error.js';
import { RecordCursor } from './varint.js';

export interface LegacyRecord {
  offset: bigint;
  magic: 0 | 1;
  attributes: number;
  /** Milliseconds since the epoch; -1 for magic 0, which has no timestamps. */
  timestamp: number;
  timestampType: 'create-time' | 'log-append-time';
  key: Buffer | null;
  value: Buffer | null;
}

/** offset + size, the log overhead of a legacy message. */
const LEGACY_OVERHEAD_BYTES = 12;
/** crc + magic + attributes + key length + value length (magic 0). */
const MIN_MESSAGE_BYTES = 14;

interface RawMessage extends LegacyRecord {
  compression: number;
}

/** Reads the complete message in `buf[pos, end)`. */
function readMessage(buf: Buffer, pos: number, end: number, verifyCrc: boolean): RawMessage {
  const offset = buf.readBigInt64BE(pos);
  const cur = new RecordCursor(buf, pos + LEGACY_OVERHEAD_BYTES, end);
  const crc = cur.readInt32() >>> 0;
  if (verifyCrc && crc32(buf.subarray(cur.pos, end)) !== crc) {
    throw new RecordDecodeError('corrupt-crc', `legacy message at offset ${offset}`);
  }
  const magic = cur.readInt8();
  if (magic !== 0 && magic !== 1)
    throw new RecordDecodeError('unsupported-magic', `magic ${magic}`);
  const attributes = cur.readInt8();
  let timestamp = -1;
  if (magic === 1) {
    cur.need(8);
    timestamp = Number(buf.readBigInt64BE(cur.pos));
    cur.pos += 8;
  }
  const key = cur.readBytes(cur.readInt32());
  const value = cur.readBytes(cur.readInt32());
  if (cur.pos !== end) throw new RecordDecodeError('invalid-length', 'message size does not match');
  const timestampType = magic === 1 && attributes & 0x08 ? 'log-append-time' : 'create-time';
  return {
    offset,
    magic,
    attributes,
    timestamp,
    timestampType,
    key,
    value,
    compression: attributes & 0x07,
  };
}

/** Complete messages of a message set; a trailing partial message ends the list. */
function splitMessages(buf: Buffer, verifyCrc: boolean): RawMessage[] {
  const out: RawMessage[] = [];
  let pos = 0;
  while (buf.length - pos >= LEGACY_OVERHEAD_BYTES) {
    const size = buf.readInt32BE(pos + 8);
    if (size < MIN_MESSAGE_BYTES)
      throw new RecordDecodeError('invalid-length', `message size ${size}`);
    const end = pos + LEGACY_OVERHEAD_BYTES + size;
    if (end > buf.length) break;
    out.push(readMessage(buf, pos, end, verifyCrc));
    pos = end;
  }
  return out;
}

/** The compressed payload of a wrapper, repaired where old brokers wrote it wrongly. */
function payload(wrapper: RawMessage): Buffer {
  const value = wrapper.value ?? Buffer.alloc(0);
  const oldLz4 = wrapper.magic === 0 && wrapper.compression === CompressionType.Lz4;
  return oldLz4 ? fixLegacyLz4HeaderChecksum(value) : value;
}

/** The records of a decompressed wrapper, with absolute offsets and inherited timestamps. */
function unwrap(wrapper: RawMessage, inner: Buffer, verifyCrc: boolean): LegacyRecord[] {
  const messages = splitMessages(inner, verifyCrc);
  if (messages.length === 0) return [];
  const last = messages[messages.length - 1]!.offset;
  return messages.map((m) => {
    if (m.compression !== 0) {
      throw new RecordDecodeError('unsupported-compression', 'nested compressed message');
    }
    const offset = wrapper.magic === 1 ? wrapper.offset - last + m.offset : m.offset;
    const logAppend = wrapper.timestampType === 'log-append-time';
    return toRecord({
      ...m,
      offset,
      ...(logAppend ? { timestamp: wrapper.timestamp, timestampType: 'log-append-time' } : {}),
    });
  });
}

function toRecord(m: RawMessage): LegacyRecord {
  const { offset, magic, attributes, timestamp, timestampType, key, value } = m;
  return { offset, magic, attributes, timestamp, timestampType, key, value };
}

export interface LegacyDecodeOptions {
  /** Check each message's CRC-32 (default true). */
  verifyCrc?: boolean;
}

/**
 * Decodes a magic 0/1 message set, decompressing wrappers off the event loop. A trailing
 * partial message is ignored, as in Fetch responses. Throws only {@link RecordDecodeError}.
 */
export async function decodeLegacyMessageSet(
  buf: Buffer,
  options: LegacyDecodeOptions = {},
): Promise<LegacyRecord[]> {
  const verifyCrc = options.verifyCrc ?? true;
  const out: LegacyRecord[] = [];
  for (const m of splitMessages(buf, verifyCrc)) {
    if (m.compression === 0) out.push(toRecord(m));
    else out.push(...unwrap(m, await decompress(m.compression, payload(m)), verifyCrc));
  }
  return out;
}

/** Like {@link decodeLegacyMessageSet}, on the calling thread. */
export function decodeLegacyMessageSetSync(
  buf: Buffer,
  options: LegacyDecodeOptions = {},
): LegacyRecord[] {
  const verifyCrc = options.verifyCrc ?? true;
  const out: LegacyRecord[] = [];
  for (const m of splitMessages(buf, verifyCrc)) {
    if (m.compression === 0) out.push(toRecord(m));
    else out.push(...unwrap(m, decompressSync(m.compression, payload(m)), verifyCrc));
  }
  return out;
}

/** Writing magic 0/1 is not supported: Kafka 4 dropped it, and every client reads magic 2. */
export function encodeLegacyMessageSet(): never {
  throw new Error(
    'Writing magic 0/1 message sets is not supported (Kafka 4 removed them, KIP-724); ' +
      'write magic-2 record batches with encodeRecordBatch instead.',
  );
}
