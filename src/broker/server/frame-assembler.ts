// Turns the bytes a connection reads into whole request frames, copying them out at once: the
// server reads every socket into one shared buffer that the next read overwrites. A frame that
// arrives within one read is copied straight to its own memory; one split across reads is
// gathered in a per-connection staging buffer first, which grows only with the bytes that have
// arrived (a client cannot make the broker reserve memory by announcing a large frame).
// Frames of APIs whose handlers keep nothing of them get recycled memory from the arena.
//
// Every byte it holds is charged to a FrameBudget (queued.max.request.bytes, see
// request-memory.ts): a frame that spans reads is admitted whole when its size is known, before
// its bytes are gathered; until it is, the connection should stop reading (`awaitingMemory`).
// Each frame carries the bytes charged for it, which the server releases once it is done with it.
import { FRAME_PREFIX_BYTES, type FrameProblem } from '../../protocol/framing.js';
import type { FrameArena, FrameSlab } from './frame-arena.js';

/** A request frame without its size prefix; `slab` is set when the memory is the arena's. */
export interface AssembledFrame {
  bytes: Buffer;
  slab: FrameSlab | null;
  /** Bytes charged to the budget for this frame; release them once it is done with. */
  chargedBytes: number;
  /** performance.now() of the read that completed the frame (0 when nobody measures). */
  readAtMs: number;
}

/** Where the assembler's memory is counted (the server's RequestMemory, for one connection). */
export interface FrameBudget {
  /** Reserves bytes for a frame about to be gathered, if the budget allows it now. */
  tryReserve(bytes: number): boolean;
  /** Counts bytes already in memory. */
  add(bytes: number): void;
  release(bytes: number): void;
}

/** Counts nothing and admits everything. */
const UNBOUNDED: FrameBudget = { tryReserve: () => true, add: () => {}, release: () => {} };

export interface FrameAssemblerOptions {
  /** Largest acceptable frame body (socket.request.max.bytes). */
  maxFrameBytes: number;
  arena: FrameArena;
  /** Whether a frame of this API may live in recycled memory (see RequestHandler). */
  recycles: (apiKey: number) => boolean;
  /** Default: unbounded and uncounted. */
  budget?: FrameBudget;
}

/** A staging buffer larger than this is dropped once its frame is out, not kept for the next. */
const STAGE_KEEP_BYTES = 256 * 1024;
const STAGE_MIN_BYTES = 16 * 1024;

export class FrameAssembler {
  private readonly ready: (AssembledFrame | FrameProblem)[] = [];
  private head = 0;
  private stage: Buffer = Buffer.alloc(0);
  private staged = 0;
  private problem: FrameProblem | null = null;
  private readyBytes = 0;
  private readonly budget: FrameBudget;
  /** Bytes charged for the staging buffer: its capacity, or the staged frame's whole size. */
  private stageCharged = 0;
  /** Size (with prefix) of the staged frame while it waits for admission, else 0. */
  private pendingBytes = 0;
  /** Inside push() (see releaseIdleStage). */
  private pushing = false;
  /** The time given with the bytes being pushed, stamped on the frames they complete. */
  private readAtMs = 0;

  constructor(private readonly options: FrameAssemblerOptions) {
    this.budget = options.budget ?? UNBOUNDED;
  }

  /**
   * A frame spanning reads waits for its memory to be admitted: read nothing more from this
   * connection until retryAdmission() succeeds.
   */
  get awaitingMemory(): boolean {
    return this.pendingBytes > 0;
  }

  /** In the middle of a frame whose memory is reserved, so reading on completes it. */
  get gatheringAdmittedFrame(): boolean {
    return this.staged > 0 && this.pendingBytes === 0;
  }

  /** Tries again to admit the staged frame; true once nothing waits for memory. */
  retryAdmission(): boolean {
    if (this.pendingBytes === 0) return true;
    if (!this.budget.tryReserve(this.pendingBytes - this.stageCharged)) return false;
    this.stageCharged = this.pendingBytes;
    this.pendingBytes = 0;
    return true;
  }

  /** Lets go of a staging buffer kept for the next frame while none is being gathered. */
  releaseIdleStage(): void {
    if (this.pushing || this.staged > 0 || this.stageCharged === 0) return;
    this.budget.release(this.stageCharged);
    this.stageCharged = 0;
    this.stage = Buffer.alloc(0);
  }

  /**
   * Drops every byte held (the connection closed): frames not taken and the staging buffer.
   * Returns the frames' charges to the budget; the assembler is unusable afterwards.
   */
  dispose(): void {
    for (let f = this.next(); f !== null && !('kind' in f); f = this.next()) {
      this.budget.release(f.chargedBytes);
      if (f.slab !== null) this.options.arena.release(f.slab);
    }
    this.budget.release(this.stageCharged);
    this.stageCharged = 0;
    this.pendingBytes = 0;
    this.stage = Buffer.alloc(0);
    this.staged = 0;
    this.problem ??= { kind: 'negative-size', sizeBytes: -1, maxFrameBytes: 0 };
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.readyBytes + this.staged;
  }

  /** Bytes of the staging buffer held for frames split across reads. */
  get stagingCapacityBytes(): number {
    return this.stage.length;
  }

  /**
   * Copies out `length` bytes of `source`; `source` may be overwritten once this returns.
   * `readAtMs` is when they were read: the frames they complete carry it.
   */
  push(source: Uint8Array, length: number, readAtMs = 0): void {
    this.readAtMs = readAtMs;
    // Counting bytes may reach the limit, which calls releaseIdleStage() of every connection,
    // this one included: it must leave the buffer being filled alone.
    this.pushing = true;
    try {
      this.pushBytes(source, length);
    } finally {
      this.pushing = false;
    }
  }

  private pushBytes(source: Uint8Array, length: number): void {
    let offset = this.staged > 0 ? this.continueStaged(source, length) : 0;
    while (offset < length && this.problem === null) {
      const available = length - offset;
      if (available < FRAME_PREFIX_BYTES) {
        this.stageBytes(source, offset, length, FRAME_PREFIX_BYTES);
        return;
      }
      const size = readInt32(source, offset);
      if (!this.acceptSize(size)) return;
      if (available < FRAME_PREFIX_BYTES + size) {
        this.admit(FRAME_PREFIX_BYTES + size);
        this.stageBytes(source, offset, length, FRAME_PREFIX_BYTES + size);
        return;
      }
      const start = offset + FRAME_PREFIX_BYTES;
      this.emit(source, start, start + size);
      offset = start + size;
    }
  }

  /** The next frame, a problem once the stream is unusable (then always), or null. */
  next(): AssembledFrame | FrameProblem | null {
    if (this.head === this.ready.length) return this.problem;
    const item = this.ready[this.head++]!;
    if (this.head === this.ready.length) {
      this.ready.length = 0;
      this.head = 0;
    }
    if ('bytes' in item) this.readyBytes -= item.bytes.length;
    return item;
  }

  /** Completes the staged frame with the first bytes of `source`; returns the bytes used. */
  private continueStaged(source: Uint8Array, length: number): number {
    let offset = 0;
    if (this.staged < FRAME_PREFIX_BYTES) {
      const n = Math.min(FRAME_PREFIX_BYTES - this.staged, length);
      this.stageBytes(source, 0, n, FRAME_PREFIX_BYTES);
      offset = n;
      if (this.staged < FRAME_PREFIX_BYTES) return offset;
      if (!this.acceptSize(this.stage.readInt32BE(0))) return length;
      this.admit(FRAME_PREFIX_BYTES + this.stage.readInt32BE(0));
    }
    const total = FRAME_PREFIX_BYTES + this.stage.readInt32BE(0);
    const n = Math.min(total - this.staged, length - offset);
    this.stageBytes(source, offset, offset + n, total);
    offset += n;
    if (this.staged === total) this.emitStaged(total);
    return offset;
  }

  /** Queues the frame completed in the staging buffer and settles the staging charge. */
  private emitStaged(total: number): void {
    this.staged = 0;
    const size = total - FRAME_PREFIX_BYTES;
    const handOver =
      (this.stage.length > STAGE_KEEP_BYTES || this.stage.length <= 2 * total) &&
      !this.inArena(this.stage, FRAME_PREFIX_BYTES, size);
    if (handOver) {
      // A frame outside the arena would get new memory and a copy: the staging buffer becomes
      // the frame instead, with its charge (unless it is much larger than the frame and small
      // enough to keep for the next one).
      const bytes = this.stage.subarray(FRAME_PREFIX_BYTES, total);
      this.ready.push({
        bytes,
        slab: null,
        chargedBytes: this.stageCharged,
        readAtMs: this.readAtMs,
      });
      this.readyBytes += size;
      this.stage = Buffer.alloc(0);
      this.stageCharged = 0;
      return;
    }
    this.emit(this.stage, FRAME_PREFIX_BYTES, total);
    if (this.stage.length > STAGE_KEEP_BYTES) this.stage = Buffer.alloc(0);
    // Keep charging only for the buffer kept for the next frame.
    this.budget.release(this.stageCharged - this.stage.length);
    this.stageCharged = this.stage.length;
  }

  /** Reserves the whole of a frame about to be gathered (`total` bytes with its prefix). */
  private admit(total: number): void {
    if (total <= this.stageCharged) return;
    if (this.budget.tryReserve(total - this.stageCharged)) this.stageCharged = total;
    else this.pendingBytes = total;
  }

  private acceptSize(size: number): boolean {
    if (size >= 0 && size <= this.options.maxFrameBytes) return true;
    const kind = size < 0 ? 'negative-size' : 'too-large';
    this.problem = { kind, sizeBytes: size, maxFrameBytes: this.options.maxFrameBytes };
    this.staged = 0;
    this.pendingBytes = 0;
    return false;
  }

  private inArena(source: Uint8Array, start: number, size: number): boolean {
    if (size <= 0 || size > this.options.arena.maxFrameBytes) return false;
    const apiKey = size >= 2 ? ((source[start]! << 24) >> 16) | source[start + 1]! : -1;
    return this.options.recycles(apiKey);
  }

  /** Appends source[start, end) to the staging buffer, growing it toward `total` bytes. */
  private stageBytes(source: Uint8Array, start: number, end: number, total: number): void {
    const needed = this.staged + end - start;
    let grownBytes = 0;
    if (needed > this.stage.length) {
      // A frame not admitted grows by what arrived only: every byte of it is beyond the budget.
      const capacity =
        this.pendingBytes > 0
          ? needed
          : Math.min(
              Math.max(total, FRAME_PREFIX_BYTES),
              Math.max(needed * 2, this.stage.length * 2, STAGE_MIN_BYTES),
            );
      const grown = Buffer.allocUnsafe(capacity);
      this.stage.copy(grown, 0, 0, this.staged);
      this.stage = grown;
      // Bytes read before admission, or a frame not yet admitted: they are here regardless.
      grownBytes = Math.max(0, capacity - this.stageCharged);
      this.stageCharged += grownBytes;
    }
    this.stage.set(source.subarray(start, end), this.staged);
    this.staged = needed;
    // Counted last: reaching the limit calls back into the connection (see releaseIdleStage).
    if (grownBytes > 0) this.budget.add(grownBytes);
  }

  /** Queues a copy of the frame body source[start, end). */
  private emit(source: Uint8Array, start: number, end: number): void {
    const size = end - start;
    const { bytes, slab } = this.inArena(source, start, size)
      ? this.options.arena.allocate(size)
      : { bytes: Buffer.allocUnsafe(size), slab: null };
    bytes.set(source.subarray(start, end));
    this.budget.add(size);
    this.ready.push({ bytes, slab, chargedBytes: size, readAtMs: this.readAtMs });
    this.readyBytes += size;
  }
}

function readInt32(bytes: Uint8Array, offset: number): number {
  return (
    (bytes[offset]! << 24) |
    (bytes[offset + 1]! << 16) |
    (bytes[offset + 2]! << 8) |
    bytes[offset + 3]!
  );
}
