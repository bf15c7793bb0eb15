// Turns the bytes a connection reads into whole request frames, copying them out at once: the
// server reads every socket into one shared buffer that the next read overwrites. A frame that
// arrives within one read is copied straight to its own memory; one split across reads is
// gathered in a per-connection staging buffer first, which grows only with the bytes that have
// arrived (a client cannot make the broker reserve memory by announcing a large frame).
// Frames of APIs whose handlers keep nothing of them get recycled memory from the arena.
import { FRAME_PREFIX_BYTES, type FrameProblem } from '../../protocol/framing.js';
import type { FrameArena, FrameSlab } from './frame-arena.js';

/** A request frame without its size prefix; `slab` is set when the memory is the arena's. */
export interface AssembledFrame {
  bytes: Buffer;
  slab: FrameSlab | null;
}

export interface FrameAssemblerOptions {
  /** Largest acceptable frame body (socket.request.max.bytes). */
  maxFrameBytes: number;
  arena: FrameArena;
  /** Whether a frame of this API may live in recycled memory (see RequestHandler). */
  recycles: (apiKey: number) => boolean;
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

  constructor(private readonly options: FrameAssemblerOptions) {}

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.readyBytes + this.staged;
  }

  /** Bytes of the staging buffer held for frames split across reads. */
  get stagingCapacityBytes(): number {
    return this.stage.length;
  }

  /** Copies out `length` bytes of `source`; `source` may be overwritten once this returns. */
  push(source: Uint8Array, length: number): void {
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
    }
    const total = FRAME_PREFIX_BYTES + this.stage.readInt32BE(0);
    const n = Math.min(total - this.staged, length - offset);
    this.stageBytes(source, offset, offset + n, total);
    offset += n;
    if (this.staged === total) {
      this.emit(this.stage, FRAME_PREFIX_BYTES, total);
      this.staged = 0;
      if (this.stage.length > STAGE_KEEP_BYTES) this.stage = Buffer.alloc(0);
    }
    return offset;
  }

  private acceptSize(size: number): boolean {
    if (size >= 0 && size <= this.options.maxFrameBytes) return true;
    const kind = size < 0 ? 'negative-size' : 'too-large';
    this.problem = { kind, sizeBytes: size, maxFrameBytes: this.options.maxFrameBytes };
    this.staged = 0;
    return false;
  }

  /** Appends source[start, end) to the staging buffer, growing it toward `total` bytes. */
  private stageBytes(source: Uint8Array, start: number, end: number, total: number): void {
    const needed = this.staged + end - start;
    if (needed > this.stage.length) {
      const capacity = Math.min(
        Math.max(total, FRAME_PREFIX_BYTES),
        Math.max(needed * 2, this.stage.length * 2, STAGE_MIN_BYTES),
      );
      const grown = Buffer.allocUnsafe(capacity);
      this.stage.copy(grown, 0, 0, this.staged);
      this.stage = grown;
    }
    this.stage.set(source.subarray(start, end), this.staged);
    this.staged = needed;
  }

  /** Queues a copy of the frame body source[start, end). */
  private emit(source: Uint8Array, start: number, end: number): void {
    const size = end - start;
    const apiKey = size >= 2 ? ((source[start]! << 24) >> 16) | source[start + 1]! : -1;
    const { arena } = this.options;
    const frame: AssembledFrame =
      size <= arena.maxFrameBytes && size > 0 && this.options.recycles(apiKey)
        ? arena.allocate(size)
        : { bytes: Buffer.allocUnsafe(size), slab: null };
    frame.bytes.set(source.subarray(start, end));
    this.ready.push(frame);
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
