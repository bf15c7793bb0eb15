// Large buffers reused once their bytes are no longer needed: fetch reads, released when the
// response has been written. A fresh multi-megabyte buffer each time costs a page fault per
// 4 KiB on first touch, and that much short-lived external memory makes V8 run a full
// mark-compact every fetch or two. Reusing a few buffers avoids both.
//
// Not for small, frequent buffers: reusing 128 KiB produce frames this way was measured to
// make V8 run more full collections, not fewer (the young generation, no longer emptied by
// external-memory scavenges, grows to its maximum and leaves the old generation too little
// headroom).
//
// Ownership is by ArrayBuffer: `acquire` lends a Buffer that owns its ArrayBuffer, and
// `release` takes that Buffer or any view of it. Only lent memory is taken back, at most once;
// a buffer that is never released (its response was dropped) is simply garbage collected.

export interface BufferPoolOptions {
  /** Free bytes kept for reuse at most; buffers released beyond it are dropped. */
  maxPooledBytes: number;
  /** Smallest buffer handed out; larger reads are rounded up to a size class (within 25%). */
  minBufferBytes?: number;
  /** Larger reads get a buffer of their own that is never pooled. */
  maxBufferBytes?: number;
}

/** Marks memory this pool has lent: a property on the ArrayBuffer, no weak collection. */
const LENT = Symbol('lent by a BufferPool');
type PoolMemory = ArrayBuffer & { [LENT]?: BufferPool | null };

export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooledBytes = 0;
  private readonly maxPooledBytes: number;
  private readonly minBufferBytes: number;
  private readonly maxBufferBytes: number;

  constructor(options: BufferPoolOptions) {
    this.maxPooledBytes = options.maxPooledBytes;
    this.minBufferBytes = options.minBufferBytes ?? 64 * 1024;
    this.maxBufferBytes = options.maxBufferBytes ?? 16 * 1024 * 1024;
  }

  /** Free bytes held for reuse. */
  get freeBytes(): number {
    return this.pooledBytes;
  }

  /** A buffer of exactly `bytes` bytes (its memory may be larger and is not zeroed). */
  acquire(bytes: number): Buffer {
    if (bytes > this.maxBufferBytes) return Buffer.allocUnsafeSlow(bytes);
    const size = sizeClass(Math.max(bytes, this.minBufferBytes));
    const reused = this.free.get(size)?.pop();
    if (reused !== undefined) this.pooledBytes -= size;
    const memory: PoolMemory = reused ?? Buffer.allocUnsafeSlow(size).buffer;
    memory[LENT] = this;
    return Buffer.from(memory, 0, bytes);
  }

  /** Takes back the memory of `buf` (a buffer from `acquire`, or a view of one); else ignores it. */
  release(buf: Uint8Array): void {
    const memory = buf.buffer as PoolMemory;
    if (memory[LENT] !== this) return;
    memory[LENT] = null;
    const size = memory.byteLength;
    if (this.pooledBytes + size > this.maxPooledBytes) return;
    let list = this.free.get(size);
    if (list === undefined) this.free.set(size, (list = []));
    list.push(memory);
    this.pooledBytes += size;
  }
}

/** `bytes` rounded up to the next of 1, 1.25, 1.5 or 1.75 times a power of two. */
export function sizeClass(bytes: number): number {
  const power = 2 ** Math.floor(Math.log2(bytes));
  const step = power / 4;
  return Math.ceil(bytes / step) * step;
}
