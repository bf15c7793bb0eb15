// Reads the Kafka wire encodings from a Buffer. Every read checks the bytes that remain and
// every length prefix is bounded by them before anything is allocated, so any input either
// decodes or fails with ProtocolDecodeError — never a RangeError, a huge allocation or a hang.
// Methods taking `flexible` read the compact (KIP-482) form when it is true.
import { ProtocolDecodeError } from './codec-errors.js';
import type { TaggedField, WithUnknownTaggedFields } from './tagged-field.js';
import { uuidFromBytes } from './uuid.js';

/** Reads one tagged field's value; returns false if the tag is not known. */
export type TagReader = (tag: number, r: Reader) => boolean;

export class Reader {
  readonly buf: Buffer;
  /** Position of the next byte to read. */
  pos: number;
  /** Position after the last readable byte. */
  end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string): never {
    throw new ProtocolDecodeError(message, this.pos);
  }

  /** Fails unless `n` more bytes can be read. */
  need(n: number): void {
    if (n > this.end - this.pos) this.fail(`need ${n} bytes, ${this.end - this.pos} remain`);
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  /** A view (not a copy) of the next `n` bytes. */
  take(n: number): Buffer {
    this.need(n);
    const start = this.pos;
    this.pos += n;
    return this.buf.subarray(start, this.pos);
  }

  int8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    return this.int8() !== 0;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8);
    const hi = this.buf.readInt32BE(this.pos);
    // Values within ±2^53 (nearly all offsets, timestamps and ids) are built from one number,
    // which is cheaper than Buffer's readBigInt64BE.
    if (hi >= -0x200000 && hi < 0x200000) {
      const lo = this.buf.readUInt32BE(this.pos + 4);
      this.pos += 8;
      return BigInt(hi * 0x100000000 + lo);
    }
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8);
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned varint of at most 5 bytes (32 bits); longer encodings are rejected. */
  uvarint(): number {
    // Fast path: lengths, counts and tag sections are almost always below 128.
    const pos = this.pos;
    if (pos < this.end) {
      const b = this.buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.uvarintSlow();
  }

  private uvarintSlow(): number {
    const buf = this.buf;
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = buf[this.pos++]!;
      value |= (b & 0x7f) << shift;
      if (b < 0x80) return value;
    }
    if (this.pos >= this.end) this.fail('truncated varint');
    const last = buf[this.pos++]!;
    if (last > 0x0f) this.fail('varint longer than 32 bits');
    return value + last * 2 ** 28;
  }

  /** Zig-zag signed 32-bit varint (record fields). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  /** Zig-zag signed 64-bit varint of at most 10 bytes. */
  varlong(): bigint {
    let value = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varlong');
      const b = this.buf[this.pos++]!;
      if (i === 9 && b > 0x01) this.fail('varlong exceeds 64 bits');
      value |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) return (value >> 1n) ^ -(value & 1n);
    }
    return this.fail('varlong longer than 10 bytes');
  }

  uuid(): string {
    this.need(16);
    const s = uuidFromBytes(this.buf, this.pos);
    this.pos += 16;
    return s;
  }

  /** Length of a string/bytes/array: -1 for null, else bounded by the remaining bytes. */
  private length(flexible: boolean, wide: boolean): number {
    const n = flexible ? this.uvarint() - 1 : wide ? this.int32() : this.int16();
    if (n < -1) this.fail(`negative length ${n}`);
    if (n > this.end - this.pos)
      this.fail(`length ${n} exceeds the ${this.end - this.pos} bytes left`);
    return n;
  }

  nullableString(flexible: boolean): string | null {
    const n = this.length(flexible, false);
    if (n < 0) return null;
    // Kafka caps strings at an int16 length in every encoding.
    if (n > 0x7fff) this.fail(`string length ${n} exceeds 32767`);
    const start = this.pos;
    this.pos += n;
    return this.buf.toString('utf8', start, this.pos);
  }

  string(flexible: boolean): string {
    const s = this.nullableString(flexible);
    return s ?? this.fail('null in a non-nullable string');
  }

  nullableBytes(flexible: boolean): Buffer | null {
    const n = this.length(flexible, true);
    if (n < 0) return null;
    const start = this.pos;
    this.pos += n;
    return this.buf.subarray(start, this.pos);
  }

  bytes(flexible: boolean): Buffer {
    const b = this.nullableBytes(flexible);
    return b ?? this.fail('null in non-nullable bytes');
  }

  /**
   * An array whose elements `read` decodes. The count is bounded by the remaining bytes
   * (every element takes at least one byte), so a forged count fails before allocating.
   */
  nullableArray<T>(flexible: boolean, read: (r: Reader) => T): T[] | null {
    const n = this.length(flexible, true);
    if (n < 0) return null;
    const out = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = read(this);
    return out;
  }

  array<T>(flexible: boolean, read: (r: Reader) => T): T[] {
    const a = this.nullableArray(flexible, read);
    return a ?? this.fail('null in a non-nullable array');
  }

  /**
   * Reads a tagged-field section. Known tags are decoded by `known` within the field's own
   * byte range (reading outside it, or not all of it, is an error); the others are kept in
   * `target._unknownTaggedFields` as views of the input.
   */
  tags(target: WithUnknownTaggedFields, known?: TagReader): void {
    const count = this.uvarint();
    if (count > this.end - this.pos) this.fail(`tagged field count ${count} exceeds the input`);
    for (let i = 0; i < count; i++) {
      const tag = this.uvarint();
      const size = this.uvarint();
      this.need(size);
      const fieldEnd = this.pos + size;
      if (known !== undefined) {
        const outerEnd = this.end;
        this.end = fieldEnd;
        const handled = known(tag, this);
        this.end = outerEnd;
        if (handled) {
          if (this.pos !== fieldEnd)
            this.fail(`tagged field ${tag} has ${fieldEnd - this.pos} unread bytes`);
          continue;
        }
      }
      const field: TaggedField = { tag, data: this.buf.subarray(this.pos, fieldEnd) };
      (target._unknownTaggedFields ??= []).push(field);
      this.pos = fieldEnd;
    }
  }
}
