// One client connection: frames in, handler calls, responses out in request order.
// Reading stops (socket paused) whenever this connection has too many requests in flight,
// the server-wide request budget is spent, or unsent responses exceed the high-water mark;
// whatever arrived meanwhile waits in the frame decoder, so memory per connection stays bounded.
import type { Socket } from 'node:net';
import { FrameDecoder, framePrefix, isFrameProblem } from '../../protocol/framing.js';
import type { Logger } from '../logger.js';
import type { ServerLimits } from './limits.js';
import { takeWrittenCallback } from './written-callbacks.js';
import {
  REQUEST_HEADER_PREFIX_BYTES,
  type RequestContext,
  type RequestHandler,
} from './request-handler.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  handler: RequestHandler;
  limits: ServerLimits;
  logger: Logger;
  /** Takes one unit of the server-wide request budget, or queues `conn` to be woken later. */
  acquireRequestSlot(conn: Connection): boolean;
  releaseRequestSlot(): void;
  connectionClosed(conn: Connection): void;
}

interface InFlight {
  done: boolean;
  response: Buffer[] | null;
}

export class Connection {
  readonly id: number;
  readonly clientHost: string;
  private readonly decoder: FrameDecoder;
  private readonly inFlight: InFlight[] = [];
  private heldFrame: Buffer | null = null;
  private paused = false;
  private flushScheduled = false;
  private closing = false;
  /** The client has finished sending; answer what it sent, then close. */
  private readEnded = false;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly meta: { id: number; listenerName: string },
  ) {
    this.id = meta.id;
    this.clientHost = socket.remoteAddress ?? '';
    this.decoder = new FrameDecoder({ maxFrameBytes: host.limits.maxRequestBytes });
    socket.setNoDelay(true);
    socket.setTimeout(host.limits.idleTimeoutMs);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.pump());
    socket.on('end', () => this.onEnd());
    socket.on('timeout', () => this.onIdle());
    socket.on('error', (err) => host.logger.debug(`connection ${this.id}: ${err.message}`));
    socket.on('close', () => this.onClose());
  }

  get requestsInFlight(): number {
    return this.inFlight.length;
  }

  /** Stops reading; closes once the requests already started have been answered. */
  shutdown(): void {
    if (this.closing) return;
    this.closing = true;
    this.heldFrame = null;
    this.socket.pause();
    this.endIfDone();
  }

  /** Closes at once, dropping unanswered requests. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Called by the server when request budget frees up after this connection had to wait. */
  wake(): void {
    this.pump();
  }

  private onEnd(): void {
    this.readEnded = true;
    this.pump();
  }

  private onData(chunk: Buffer): void {
    if (this.closing) return;
    this.decoder.push(chunk);
    this.pump();
  }

  private pump(): void {
    while (!this.closing && !this.socket.destroyed) {
      if (this.inFlight.length >= this.host.limits.maxInFlightPerConnection) return this.pause();
      if (this.socket.writableNeedDrain) return this.pause();
      const frame = this.heldFrame ?? this.decoder.next();
      this.heldFrame = null;
      if (frame === null) return this.readEnded ? this.endIfDone() : this.resume();
      if (isFrameProblem(frame)) {
        const why = `request of ${frame.sizeBytes} bytes, limit ${frame.maxFrameBytes}`;
        return this.fail(`${why} (socket.request.max.bytes)`);
      }
      if (!this.host.acquireRequestSlot(this)) {
        this.heldFrame = frame;
        return this.pause();
      }
      this.start(frame);
    }
  }

  private start(frame: Buffer): void {
    if (frame.length < REQUEST_HEADER_PREFIX_BYTES) {
      this.host.releaseRequestSlot();
      return this.fail(`request of ${frame.length} bytes is too short for a header`);
    }
    const ctx: RequestContext = {
      apiKey: frame.readInt16BE(0),
      apiVersion: frame.readInt16BE(2),
      correlationId: frame.readInt32BE(4),
      connectionId: this.id,
      listenerName: this.meta.listenerName,
      clientHost: this.clientHost,
      clientPort: this.socket.remotePort ?? 0,
    };
    const slot: InFlight = { done: false, response: null };
    this.inFlight.push(slot);
    let result: Promise<Buffer[] | null>;
    try {
      result = this.host.handler(ctx, frame);
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (response) => {
        slot.done = true;
        slot.response = response;
        this.scheduleFlush();
      },
      (err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        this.fail(`api ${ctx.apiKey} v${ctx.apiVersion} correlation ${ctx.correlationId}: ${why}`);
      },
    );
  }

  /**
   * Responses that complete during one turn of the event loop (typically every request of one
   * socket read) are written together, so many small responses cost one writev, not one each.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(this.flushNow);
  }

  private readonly flushNow = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /** Writes every response at the head of the queue that is ready, in one corked batch. */
  private flush(): void {
    if (this.closed) return;
    let corked = false;
    while (this.inFlight.length > 0 && this.inFlight[0]!.done) {
      const { response } = this.inFlight.shift()!;
      this.host.releaseRequestSlot();
      if (response === null) continue;
      if (!corked) this.socket.cork();
      corked = true;
      let sizeBytes = 0;
      for (const part of response) sizeBytes += part.length;
      this.socket.write(framePrefix(sizeBytes));
      // The last part's callback runs once every part is in the kernel (or the socket died).
      const written = takeWrittenCallback(response);
      const last = response.length - 1;
      for (let i = 0; i < last; i++) this.socket.write(response[i]);
      if (last >= 0) this.socket.write(response[last], written);
      else written?.();
    }
    if (corked) this.socket.uncork();
    if (this.closing) this.endIfDone();
    else this.pump();
  }

  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.socket.resume();
  }

  private onIdle(): void {
    if (this.inFlight.length > 0 || this.closing) return;
    const ms = this.host.limits.idleTimeoutMs;
    this.host.logger.debug(`connection ${this.id}: idle for ${ms} ms, closing`);
    this.socket.destroy();
  }

  private endIfDone(): void {
    if (this.inFlight.length > 0 || this.closed || this.socket.writableEnded) return;
    this.socket.end(() => this.socket.destroy());
  }

  private fail(why: string): void {
    if (this.closed) return;
    this.host.logger.warn(`closing connection ${this.id} from ${this.clientHost}: ${why}`);
    this.socket.destroy();
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    // Requests still running will finish, but their slots are returned now.
    for (let i = 0; i < this.inFlight.length; i++) this.host.releaseRequestSlot();
    this.inFlight.length = 0;
    this.host.connectionClosed(this);
  }
}
