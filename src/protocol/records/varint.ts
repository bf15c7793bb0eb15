// Zig-zag signed varints and varlongs, the integer encoding inside record batches
// (Kafka's "Record", https://kafka.apache.org/documentation/#record): zig-zag maps small
// negative and positive numbers to small unsigned ones, then 7 bits per byte, least
// significant group first.
//
// Varlongs are JS numbers: record timestamps and their deltas are safe integers (2^53 ms is
// ~285,000 years), and staying off bigint keeps per-record decoding cheap. A varlong whose
// value does not fit a safe integer is reported as invalid.
import { RecordDecodeError } from './record-decode-error.js';

/** Bytes needed for `n` (a 32-bit signed integer) as a zig-zag varint. */
export function sizeOfVarint(n: number): number {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  let size = 1;
  while (v >= 0x80) {
    v >>>= 7;
    size++;
  }
  return size;
}

/** Bytes needed for `n` (a safe integer) as a zig-zag varlong. */
export function sizeOfVarlong(n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return sizeOfVarint(n);
  let v = zigzag64(n);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

/** Zig-zag of a safe integer, in bigint: 2|n| - 1 would lose its low bit in a double. */
function zigzag64(n: number): bigint {
  const b = BigInt(n);
  return b >= 0n ? b << 1n : (-b << 1n) - 1n;
}

/** Writes `n` (32-bit signed) as a zig-zag varint at `pos`; returns the position after it. */
export function writeVarint(buf: Buffer, pos: number, n: number): number {
  let v = ((n << 1) ^ (n >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

/** Writes `n` (a safe integer) as a zig-zag varlong at `pos`; returns the position after it. */
export function writeVarlong(buf: Buffer, pos: number, n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return writeVarint(buf, pos, n);
  // Beyond 31 bits, rare in practice (deltas are small): exactness over speed.
  let v = zigzag64(n);
  while (v >= 0x80n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/**
 * A read position over `buf[pos, end)` for the record layer. Every read checks the bound and
 * throws {@link RecordDecodeError} instead of reading past `end`.
 */
export class RecordCursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    public end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  /** A zig-zag varint of at most 5 bytes, as a 32-bit signed integer. */
  readVarint(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let raw = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= end) throw new RecordDecodeError('truncated', 'varint runs past the end');
      const b = buf[pos++]!;
      raw |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new RecordDecodeError('invalid-varint', 'varint longer than 5 bytes');
  }

  /** A zig-zag varlong of at most 10 bytes, as a safe integer. */
  readVarlong(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let raw = 0;
    let mul = 1;
    // Seven groups (49 bits) are exact in a double; longer encodings take the bigint path.
    for (let i = 0; i < 7; i++) {
      if (pos >= end) throw new RecordDecodeError('truncated', 'varlong runs past the end');
      const b = buf[pos++]!;
      raw += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
      mul *= 128;
    }
    return this.readLongVarlong();
  }

  private readLongVarlong(): number {
    const { buf, end } = this;
    let pos = this.pos;
    let raw = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= end) throw new RecordDecodeError('truncated', 'varlong runs past the end');
      const b = buf[pos++]!;
      raw |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        const value = Number((raw >> 1n) ^ -(raw & 1n));
        if (!Number.isSafeInteger(value)) {
          throw new RecordDecodeError('invalid-varint', 'varlong beyond the safe integer range');
        }
        this.pos = pos;
        return value;
      }
    }
    throw new RecordDecodeError('invalid-varint', 'varlong longer than 10 bytes');
  }

  readInt8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  readInt16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  readInt32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** `length` bytes as a view (no copy); `length` -1 means null. */
  readBytes(length: number): Buffer | null {
    if (length === -1) return null;
    if (length < -1) throw new RecordDecodeError('invalid-length', `negative length ${length}`);
    this.need(length);
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  need(bytes: number): void {
    if (bytes > this.end - this.pos) {
      throw new RecordDecodeError('truncated', `needs ${bytes} bytes, ${this.remaining} left`);
    }
  }
}
