// The sparse offset index of a segment: entries (offset relative to the segment's base, file
// position), one every index.interval.bytes of batches. As in Kafka, an entry names the LAST
// offset of the batch that starts at the position, so "the largest entry <= target" is a safe
// place to start scanning for the batch holding the target. On disk: 8 bytes per entry, int32
// relative offset + int32 position, big-endian (Kafka's `.index` format). Kept in memory; the
// file is written when the segment is flushed, rolled or closed.
import assert from 'node:assert/strict';

export const OFFSET_INDEX_ENTRY_BYTES = 8;

export class OffsetIndex {
  private relOffsets: Int32Array = new Int32Array(16);
  private positions: Int32Array = new Int32Array(16);
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
  get lastOffset(): number {
    return this.count === 0 ? -1 : this.baseOffset + this.relOffsets[this.count - 1]!;
  }
  get lastPosition(): number {
    return this.count === 0 ? -1 : this.positions[this.count - 1]!;
  }

  append(offset: number, position: number): void {
    assert.ok(offset > this.lastOffset && position > this.lastPosition, 'index entries must grow');
    if (this.count === this.relOffsets.length) {
      this.relOffsets = grow(this.relOffsets);
      this.positions = grow(this.positions);
    }
    this.relOffsets[this.count] = offset - this.baseOffset;
    this.positions[this.count] = position;
    this.count++;
  }

  /** Position of the largest entry whose offset is <= `offset`, or 0 (binary search). */
  lookup(offset: number): number {
    const rel = offset - this.baseOffset;
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relOffsets[mid]! <= rel) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : this.positions[found]!;
  }

  /** Drops the entries at or after file position `position` (the log was truncated there). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.positions[this.count - 1]! >= position) this.count--;
  }

  /** Encodes entries [from, entries) in the on-disk format. */
  encode(from = 0): Buffer {
    const out = Buffer.allocUnsafe((this.count - from) * OFFSET_INDEX_ENTRY_BYTES);
    for (let i = from; i < this.count; i++) {
      out.writeInt32BE(this.relOffsets[i]!, (i - from) * 8);
      out.writeInt32BE(this.positions[i]!, (i - from) * 8 + 4);
    }
    return out;
  }

  /**
   * Parses an index file. Returns null when it cannot be right for a log of `logBytes` bytes:
   * a partial entry, entries that do not grow, or a position past the end of the log.
   */
  static decode(
    buf: Buffer,
    options: { baseOffset: number; maxEntries: number; logBytes: number },
  ): OffsetIndex | null {
    if (buf.length % OFFSET_INDEX_ENTRY_BYTES !== 0) return null;
    const index = new OffsetIndex(options.baseOffset, options.maxEntries);
    for (let p = 0; p < buf.length; p += OFFSET_INDEX_ENTRY_BYTES) {
      const rel = buf.readInt32BE(p);
      const position = buf.readInt32BE(p + 4);
      const offset = options.baseOffset + rel;
      if (rel < 0 || position >= options.logBytes) return null;
      if (offset <= index.lastOffset || position <= index.lastPosition) return null;
      index.append(offset, position);
    }
    return index;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
