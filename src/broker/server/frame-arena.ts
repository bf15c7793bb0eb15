// Recycled memory for request frames. A produce request is mostly record bytes that go to the
// log and are not needed once the request is answered; giving each one fresh memory makes the
// garbage collector account for hundreds of megabytes of short-lived external memory per
// second, and V8 answers that with a full mark-compact every few tens of milliseconds. Frames
// from the arena are carved out of a few large slabs instead, and a slab is reused once every
// frame in it has been released.

/** One slab; frames are bump-allocated from `pos`, and `frames` count those not yet released. */
export class FrameSlab {
  pos = 0;
  frames = 0;

  constructor(readonly bytes: Buffer) {}
}

export interface FrameArenaOptions {
  /** Bytes of one slab (default 4 MiB). */
  slabBytes?: number;
  /** Free slabs kept for reuse; more are left to the garbage collector (default 4). */
  maxFreeSlabs?: number;
}

export class FrameArena {
  readonly slabBytes: number;
  private readonly maxFreeSlabs: number;
  private current: FrameSlab | null = null;
  private readonly free: FrameSlab[] = [];

  constructor(options: FrameArenaOptions = {}) {
    this.slabBytes = options.slabBytes ?? 4 * 1024 * 1024;
    this.maxFreeSlabs = options.maxFreeSlabs ?? 4;
  }

  /** Largest frame served from a slab; larger ones should get memory of their own. */
  get maxFrameBytes(): number {
    return this.slabBytes >>> 2;
  }

  /** Slabs held for reuse (for tests and memory figures). */
  get freeSlabs(): number {
    return this.free.length;
  }

  /** Lets go of the free slabs, and of the current one if no frame uses it. */
  trim(): void {
    this.free.length = 0;
    if (this.current !== null && this.current.frames === 0) this.current = null;
  }

  /** `size` bytes (at most maxFrameBytes) in `slab`; hand the slab back with release(). */
  allocate(size: number): { bytes: Buffer; slab: FrameSlab } {
    let slab = this.current;
    if (slab === null || slab.pos + size > slab.bytes.length) {
      if (slab !== null) this.retire(slab);
      slab = this.free.pop() ?? new FrameSlab(Buffer.allocUnsafeSlow(this.slabBytes));
      slab.pos = 0;
      this.current = slab;
    }
    const bytes = slab.bytes.subarray(slab.pos, slab.pos + size);
    slab.pos += size;
    slab.frames++;
    return { bytes, slab };
  }

  /** The frame allocated in `slab` is no longer used by anyone. */
  release(slab: FrameSlab): void {
    slab.frames--;
    if (slab.frames > 0) return;
    // An empty current slab starts over, so a steady load keeps using the same memory.
    if (slab === this.current) slab.pos = 0;
    else this.keep(slab);
  }

  private retire(slab: FrameSlab): void {
    this.current = null;
    if (slab.frames === 0) this.keep(slab);
  }

  private keep(slab: FrameSlab): void {
    if (this.free.length < this.maxFreeSlabs) this.free.push(slab);
  }
}
