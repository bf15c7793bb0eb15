// Confluent's wire format for schema-registry serdes: a zero magic byte, the schema id as a
// 4-byte big-endian integer, then the payload. Protobuf payloads start with the message
// indexes that locate the message type in its .proto file: a count and the indexes, each a
// zigzag varint, and the single byte 0 for the common case [0] (the file's first message).

export const MAGIC_BYTE = 0;

export class SerializationError extends Error {
  override name = 'SerializationError';
}

export function encodeWire(
  id: number,
  payload: Buffer,
  messageIndexes?: readonly number[],
): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(MAGIC_BYTE, 0);
  header.writeInt32BE(id, 1);
  if (messageIndexes === undefined) return Buffer.concat([header, payload]);
  return Buffer.concat([header, encodeMessageIndexes(messageIndexes), payload]);
}

export function decodeWire(buffer: Buffer): { id: number; payload: Buffer } {
  if (buffer.length < 5)
    throw new SerializationError(`a record of ${buffer.length} bytes is too short for a schema id`);
  if (buffer[0] !== MAGIC_BYTE) throw new SerializationError(`unknown magic byte ${buffer[0]}`);
  return { id: buffer.readInt32BE(1), payload: buffer.subarray(5) };
}

export function encodeMessageIndexes(indexes: readonly number[]): Buffer {
  if (indexes.length === 1 && indexes[0] === 0) return Buffer.from([0]);
  const bytes: number[] = [];
  for (const n of [indexes.length, ...indexes]) writeZigzag(bytes, n);
  return Buffer.from(bytes);
}

/** The message indexes at the start of a Protobuf payload, and the message bytes after them. */
export function decodeMessageIndexes(payload: Buffer): { indexes: number[]; message: Buffer } {
  let at = 0;
  const read = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= payload.length) throw new SerializationError('truncated message indexes');
      const b = payload[at++]!;
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new SerializationError('message index varint too long');
    }
    return (value >>> 1) ^ -(value & 1);
  };
  const count = read();
  if (count === 0) return { indexes: [0], message: payload.subarray(at) };
  if (count < 0 || count > 100) throw new SerializationError(`bad message index count ${count}`);
  const indexes = Array.from({ length: count }, read);
  return { indexes, message: payload.subarray(at) };
}

function writeZigzag(out: number[], n: number): void {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}
