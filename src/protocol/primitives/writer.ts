// Writes the Kafka wire encodings. Small fields go into fixed-size scratch chunks; payloads
// above COPY_LIMIT_BYTES (record batches, large byte fields) are referenced, not copied, so a
// frame comes out as a list of Buffers for socket writev (`toBuffers()`), or as one Buffer.
// Methods taking `flexible` write the compact (KIP-482) form when it is true.
import { ProtocolEncodeError } from './codec-errors.js';
import type { TaggedField } from './tagged-field.js';
import { isUuid, uuidToBytes } from './uuid.js';

/** Payloads at most this size are copied into the scratch chunk; larger ones are referenced. */
const COPY_LIMIT_BYTES = 512;
/** Size of the first scratch chunk: small enough for Buffer's shared pool. */
const FIRST_CHUNK_BYTES = 1024;
/** Size of later scratch chunks. */
const CHUNK_BYTES = 16 * 1024;

/** A tagged field to write: its tag and a function that writes its value. */
export type TagWriter = readonly [tag: number, write: (w: Writer) => void];

/** Handle of an int32 reserved with reserveInt32(). */
export type Reservation = number;

export class Writer {
  private readonly chunks: Buffer[] = [];
  /** Bytes in `chunks`. */
  private flushed = 0;
  /** The scratch chunk; bytes [start, pos) are written but not yet in `chunks`. */
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  /** Reserved int32 slots: pairs of (scratch chunk, offset). */
  private readonly reserved: Array<Buffer | number> = [];

  constructor(firstChunkBytes = FIRST_CHUNK_BYTES) {
    this.buf = Buffer.allocUnsafe(firstChunkBytes);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.flushed + this.pos - this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, n));
    this.start = this.pos = 0;
  }

  private flush(): void {
    if (this.pos === this.start) return;
    this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.flushed += this.pos - this.start;
    this.start = this.pos;
  }

  /** The frame as a list of Buffers (scratch views and referenced payloads), for writev. */
  toBuffers(): Buffer[] {
    this.flush();
    return this.chunks;
  }

  /** The frame as one Buffer (copies unless it is a single chunk). */
  toBuffer(): Buffer {
    const chunks = this.toBuffers();
    if (chunks.length === 1) return chunks[0]!;
    return Buffer.concat(chunks, this.flushed);
  }

  /** Appends bytes: copied if small, else referenced (the caller must not change them). */
  raw(b: Uint8Array): void {
    if (b.length <= COPY_LIMIT_BYTES) {
      this.ensure(b.length);
      this.buf.set(b, this.pos);
      this.pos += b.length;
      return;
    }
    this.flush();
    this.chunks.push(Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));
    this.flushed += b.length;
  }

  /** Appends everything another writer wrote. */
  append(other: Writer): void {
    this.flush();
    for (const chunk of other.toBuffers()) this.chunks.push(chunk);
    this.flushed += other.length;
  }

  /** Reserves an int32 (e.g. a size prefix) to be filled later with patchInt32(). */
  reserveInt32(): Reservation {
    this.ensure(4);
    this.reserved.push(this.buf, this.pos);
    this.pos += 4;
    return this.reserved.length - 2;
  }

  patchInt32(at: Reservation, value: number): void {
    const buf = this.reserved[at] as Buffer;
    buf.writeInt32BE(value, this.reserved[at + 1] as number);
  }

  // Fixed-width integers are range-checked here (a typed error instead of Buffer's
  // RangeError) and then stored byte by byte, which is cheaper than Buffer's write methods.

  int8(v: number): void {
    if ((v << 24) >> 24 !== v) throw outOfRange('int8', v);
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  bool(v: boolean): void {
    this.int8(v ? 1 : 0);
  }

  int16(v: number): void {
    if ((v << 16) >> 16 !== v) throw outOfRange('int16', v);
    this.put16(v);
  }

  uint16(v: number): void {
    if ((v & 0xffff) !== v) throw outOfRange('uint16', v);
    this.put16(v);
  }

  private put16(v: number): void {
    this.ensure(2);
    const buf = this.buf;
    buf[this.pos] = v >>> 8;
    buf[this.pos + 1] = v;
    this.pos += 2;
  }

  int32(v: number): void {
    if ((v | 0) !== v) throw outOfRange('int32', v);
    this.put32(v);
  }

  uint32(v: number): void {
    if (v >>> 0 !== v) throw outOfRange('uint32', v);
    this.put32(v);
  }

  private put32(v: number): void {
    this.ensure(4);
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = v >>> 24;
    buf[pos + 1] = v >>> 16;
    buf[pos + 2] = v >>> 8;
    buf[pos + 3] = v;
    this.pos = pos + 4;
  }

  int64(v: bigint): void {
    if (typeof v !== 'bigint') throw outOfRange('int64', v);
    // Offsets, timestamps and ids are nearly always safe integers: split them with number
    // arithmetic, which is several times cheaper than Buffer's BigInt path.
    const n = Number(v);
    if (Number.isSafeInteger(n)) {
      const hi = Math.floor(n / 0x100000000);
      this.put32(hi | 0);
      this.put32((n - hi * 0x100000000) | 0);
      return;
    }
    if (v < INT64_MIN || v > INT64_MAX) throw outOfRange('int64', v);
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    if (typeof v !== 'number') throw outOfRange('float64', v);
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** Unsigned varint of a value in [0, 2^32). */
  uvarint(v: number): void {
    if (!(v >= 0 && v <= 0xffffffff && Number.isInteger(v))) {
      throw new ProtocolEncodeError(`unsigned varint out of range: ${v}`);
    }
    this.ensure(5);
    const buf = this.buf;
    while (v >= 0x80) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[this.pos++] = v;
  }

  /** Zig-zag signed 32-bit varint. */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** Zig-zag signed 64-bit varint. */
  varlong(v: bigint): void {
    let u = BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.pos++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
  }

  uuid(v: string): void {
    if (!isUuid(v)) throw new ProtocolEncodeError(`not a canonical UUID string: ${v}`);
    this.ensure(16);
    uuidToBytes(v, this.buf, this.pos);
    this.pos += 16;
  }

  /** Length prefix of a string/bytes/array; -1 is null. */
  private lengthPrefix(n: number, flexible: boolean, wide: boolean): void {
    // Kafka caps strings at an int16 length in the compact encoding too.
    if (!wide && n > 0x7fff) throw new ProtocolEncodeError(`string of ${n} bytes exceeds 32767`);
    if (flexible) this.uvarint(n + 1);
    else if (wide) this.int32(n);
    else this.int16(n);
  }

  nullableString(v: string | null, flexible: boolean): void {
    if (v === null) return this.lengthPrefix(-1, flexible, false);
    const n = Buffer.byteLength(v, 'utf8');
    this.lengthPrefix(n, flexible, false);
    this.ensure(n);
    this.pos += this.buf.write(v, this.pos, 'utf8');
  }

  string(v: string, flexible: boolean): void {
    if (v === null) throw new ProtocolEncodeError('null in a non-nullable string');
    this.nullableString(v, flexible);
  }

  nullableBytes(v: Uint8Array | null, flexible: boolean): void {
    if (v === null) return this.lengthPrefix(-1, flexible, true);
    this.lengthPrefix(v.length, flexible, true);
    this.raw(v);
  }

  bytes(v: Uint8Array, flexible: boolean): void {
    if (v === null) throw new ProtocolEncodeError('null in non-nullable bytes');
    this.nullableBytes(v, flexible);
  }

  nullableArray<T>(v: readonly T[] | null, flexible: boolean, write: (w: Writer, e: T) => void) {
    if (v === null) return this.lengthPrefix(-1, flexible, true);
    this.lengthPrefix(v.length, flexible, true);
    for (let i = 0; i < v.length; i++) write(this, v[i]!);
  }

  array<T>(v: readonly T[], flexible: boolean, write: (w: Writer, e: T) => void): void {
    if (v === null) throw new ProtocolEncodeError('null in a non-nullable array');
    this.nullableArray(v, flexible, write);
  }

  /**
   * Writes a tagged-field section: the known fields to write (already filtered to non-default
   * values) merged with unknown ones kept from decoding, in ascending tag order.
   */
  tags(known: readonly TagWriter[] | undefined, unknown: readonly TaggedField[] | undefined): void {
    const nKnown = known?.length ?? 0;
    const nUnknown = unknown?.length ?? 0;
    this.uvarint(nKnown + nUnknown);
    if (nKnown + nUnknown === 0) return;
    const all: Array<TagWriter | TaggedField> = [...(known ?? []), ...(unknown ?? [])];
    all.sort((a, b) => tagOf(a) - tagOf(b));
    let previous = -1;
    for (const field of all) {
      const tag = tagOf(field);
      if (tag <= previous) throw new ProtocolEncodeError(`duplicate tagged field ${tag}`);
      previous = tag;
      this.uvarint(tag);
      if ('data' in field) {
        this.uvarint(field.data.length);
        this.raw(field.data);
      } else {
        const value = new Writer(64);
        field[1](value);
        this.uvarint(value.length);
        this.append(value);
      }
    }
  }
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function outOfRange(type: string, v: unknown): ProtocolEncodeError {
  return new ProtocolEncodeError(`${String(v)} is not a valid ${type}`);
}

function tagOf(f: TagWriter | TaggedField): number {
  return 'data' in f ? f.tag : f[0];
}
