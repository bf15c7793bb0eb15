// The sparse time index of a segment: entries (largest timestamp so far, offset of the batch
// that carried it), added with the offset index entries, and only when the timestamp grows, so
// both columns increase and lookups are binary searches. On disk: 12 bytes per entry, int64
// timestamp + int32 relative offset, big-endian (Kafka's `.timeindex` format).
import assert from 'node:assert/strict';

export const TIME_INDEX_ENTRY_BYTES = 12;

export class TimeIndex {
  private timestamps: Float64Array = new Float64Array(16);
  private relOffsets: Int32Array = new Int32Array(16);
  private count = 0;

  constructor(
    readonly baseOffset: number,
    readonly maxEntries: number,
  ) {}

  get entries(): number {
    return this.count;
  }
  get isFull(): boolean {
    return this.count >= this.maxEntries;
  }
  get lastTimestamp(): number {
    return this.count === 0 ? -1 : this.timestamps[this.count - 1]!;
  }
  get lastOffset(): number {
    return this.count === 0 ? -1 : this.baseOffset + this.relOffsets[this.count - 1]!;
  }

  /** Adds an entry if `timestamp` is newer than the last one; returns whether it did. */
  maybeAppend(timestamp: number, offset: number): boolean {
    if (timestamp <= this.lastTimestamp) return false;
    assert.ok(offset > this.lastOffset, 'time index offsets must grow');
    if (this.count === this.timestamps.length) {
      const t = new Float64Array(this.count * 2);
      t.set(this.timestamps);
      this.timestamps = t;
      const r = new Int32Array(this.count * 2);
      r.set(this.relOffsets);
      this.relOffsets = r;
    }
    this.timestamps[this.count] = timestamp;
    this.relOffsets[this.count] = offset - this.baseOffset;
    this.count++;
    return true;
  }

  /** Offset of the largest entry whose timestamp is <= `timestamp`, or the base offset. */
  lookup(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! <= timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.relOffsets[found]!;
  }

  /** Drops entries for offsets >= `offset` (the log was truncated there). */
  truncateToOffset(offset: number): void {
    while (this.count > 0 && this.baseOffset + this.relOffsets[this.count - 1]! >= offset)
      this.count--;
  }

  encode(from = 0): Buffer {
    const out = Buffer.allocUnsafe((this.count - from) * TIME_INDEX_ENTRY_BYTES);
    for (let i = from; i < this.count; i++) {
      const p = (i - from) * TIME_INDEX_ENTRY_BYTES;
      out.writeBigInt64BE(BigInt(this.timestamps[i]!), p);
      out.writeInt32BE(this.relOffsets[i]!, p + 8);
    }
    return out;
  }

  /** Parses a time index file; null when it is malformed or names offsets past `lastOffset`. */
  static decode(
    buf: Buffer,
    options: { baseOffset: number; maxEntries: number; lastOffset: number },
  ): TimeIndex | null {
    if (buf.length % TIME_INDEX_ENTRY_BYTES !== 0) return null;
    const index = new TimeIndex(options.baseOffset, options.maxEntries);
    for (let p = 0; p < buf.length; p += TIME_INDEX_ENTRY_BYTES) {
      const ts = Number(buf.readBigInt64BE(p));
      const offset = options.baseOffset + buf.readInt32BE(p + 8);
      if (offset < options.baseOffset || offset > options.lastOffset) return null;
      if (ts <= index.lastTimestamp || offset <= index.lastOffset) return null;
      index.maybeAppend(ts, offset);
    }
    return index;
  }
}
