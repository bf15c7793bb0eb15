// Kafka frames every request and response as an int32 byte count followed by that many bytes.
// FrameDecoder turns the arbitrary chunks a socket delivers into whole frames. It is pull-based
// (`next()`), so a connection that has reached its in-flight limit can simply stop asking for
// frames and pause the socket, leaving unread bytes here rather than in a growing queue.

/** Bytes of the int32 size prefix in front of every frame. */
export const FRAME_PREFIX_BYTES = 4;

/** Why a frame cannot be accepted; the caller closes the connection, as Kafka does. */
export interface FrameProblem {
  kind: 'negative-size' | 'too-large';
  /** The size the prefix announced. */
  sizeBytes: number;
  maxFrameBytes: number;
}

export interface FrameDecoderOptions {
  /** Largest acceptable frame body (Kafka: socket.request.max.bytes for requests). */
  maxFrameBytes: number;
}

export class FrameDecoder {
  readonly maxFrameBytes: number;
  // Chunks not yet fully consumed; `offset` is the read position inside chunks[0]. A list
  // avoids re-concatenating on every chunk when a large frame arrives in many pieces.
  private chunks: Buffer[] = [];
  private offset = 0;
  private buffered = 0;
  private problem: FrameProblem | null = null;

  constructor(options: FrameDecoderOptions) {
    this.maxFrameBytes = options.maxFrameBytes;
  }

  /** Bytes received but not yet returned as frames. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk received from the socket. Empty chunks are ignored. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /**
   * The next complete frame body (without its size prefix), null when more bytes are needed, or
   * a problem once the stream is unusable (every later call returns the same problem). A frame
   * that lies inside one chunk is a view of that chunk, not a copy.
   */
  next(): Buffer | FrameProblem | null {
    if (this.problem !== null) return this.problem;
    if (this.buffered < FRAME_PREFIX_BYTES) return null;
    const sizeBytes = this.peekSize();
    if (sizeBytes < 0 || sizeBytes > this.maxFrameBytes) {
      const kind = sizeBytes < 0 ? 'negative-size' : 'too-large';
      this.problem = { kind, sizeBytes, maxFrameBytes: this.maxFrameBytes };
      return this.problem;
    }
    if (this.buffered < FRAME_PREFIX_BYTES + sizeBytes) return null;
    this.skip(FRAME_PREFIX_BYTES);
    return this.take(sizeBytes);
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length - this.offset >= FRAME_PREFIX_BYTES) return first.readInt32BE(this.offset);
    const prefix = Buffer.allocUnsafe(FRAME_PREFIX_BYTES);
    this.copyOut(prefix, FRAME_PREFIX_BYTES);
    return prefix.readInt32BE(0);
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0];
    if (first !== undefined && first.length - this.offset >= bytes) {
      const frame = first.subarray(this.offset, this.offset + bytes);
      this.skip(bytes);
      return frame;
    }
    const frame = Buffer.allocUnsafe(bytes);
    this.copyOut(frame, bytes);
    this.skip(bytes);
    return frame;
  }

  /** Copies the next `bytes` unread bytes into `target` without consuming them. */
  private copyOut(target: Buffer, bytes: number): void {
    let written = 0;
    let offset = this.offset;
    for (const chunk of this.chunks) {
      if (written >= bytes) break;
      const n = Math.min(chunk.length - offset, bytes - written);
      chunk.copy(target, written, offset, offset + n);
      written += n;
      offset = 0;
    }
  }

  private skip(bytes: number): void {
    this.buffered -= bytes;
    let left = bytes;
    while (left > 0) {
      const first = this.chunks[0]!;
      const available = first.length - this.offset;
      if (available > left) {
        this.offset += left;
        return;
      }
      left -= available;
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

/** A 4-byte big-endian size prefix for a frame body of `sizeBytes`. */
export function framePrefix(sizeBytes: number): Buffer {
  const prefix = Buffer.allocUnsafe(FRAME_PREFIX_BYTES);
  prefix.writeInt32BE(sizeBytes, 0);
  return prefix;
}

/** The parts of a frame ready for a vectored write: the size prefix, then `parts` unchanged. */
export function frameParts(parts: readonly Uint8Array[]): Uint8Array[] {
  let sizeBytes = 0;
  for (const part of parts) sizeBytes += part.length;
  return [framePrefix(sizeBytes), ...parts];
}

/** One buffer holding the size prefix and a copy of `parts`. */
export function encodeFrame(parts: Uint8Array | readonly Uint8Array[]): Buffer {
  const list = parts instanceof Uint8Array ? [parts] : parts;
  return Buffer.concat(frameParts(list));
}

/** Whether `next()` returned a problem rather than a frame. */
export function isFrameProblem(value: Buffer | FrameProblem | null): value is FrameProblem {
  return value !== null && !(value instanceof Uint8Array);
}
