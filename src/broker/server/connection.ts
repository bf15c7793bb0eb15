// One client connection: frames in, handler calls, responses out in request order.
// Reading stops (socket paused) whenever this connection has too many requests in flight,
// the server-wide request budget is spent, unsent responses exceed the high-water mark, or
// request memory (queued.max.request.bytes) is short; frames already read wait in the
// assembler, and nothing more is read, so memory per connection stays bounded. A request the
// quota stage throttled mutes the connection once its response is written: nothing is read
// or started for the throttle time (KIP-219). The connection's Session is made here, once.
import type { Socket } from 'node:net';
import { FRAME_PREFIX_BYTES, framePrefix } from '../../protocol/framing.js';
import type { Logger } from '../logger.js';
import type { FrameArena } from './frame-arena.js';
import { FrameAssembler, type AssembledFrame } from './frame-assembler.js';
import type { ServerLimits } from './limits.js';
import type { MemoryWaiter, RequestMemory } from './request-memory.js';
import { Session } from './session.js';
import { adoptWithSharedReads } from './shared-reads.js';
import {
  REQUEST_HEADER_PREFIX_BYTES,
  type RequestCompletion,
  type RequestContext,
  type RequestHandler,
  type ResponseParts,
} from './request-handler.js';

/** What a connection needs from its server. */
export interface ConnectionHost {
  handler: RequestHandler;
  limits: ServerLimits;
  logger: Logger;
  /** Recycled memory for the frames of APIs whose handlers keep nothing of them. */
  arena: FrameArena;
  /** The buffer every connection reads into (see shared-reads.ts). */
  readBuffer: Buffer;
  /** Bytes of request frames held across connections (queued.max.request.bytes). */
  memory: RequestMemory;
  /** A counter the server advances every idle-check interval (see checkIdle). */
  readonly tick: number;
  /** Takes one unit of the server-wide request budget, or queues `conn` to be woken later. */
  acquireRequestSlot(conn: Connection): boolean;
  releaseRequestSlot(): void;
  connectionClosed(conn: Connection): void;
}

interface InFlight {
  done: boolean;
  response: ResponseParts | null;
  ctx: RequestContext;
  /** performance.now() when the response was ready, for a measured request (else 0). */
  readyAtMs: number;
}

/** Requests whose responses went out in one write, told once the socket accepted it. */
function sentCallback(measured: InFlight[], writeStartMs: number): () => void {
  return () => {
    const sentAtMs = performance.now();
    for (const slot of measured) {
      (slot.ctx.completion as RequestCompletion).responseSent(
        slot.readyAtMs,
        writeStartMs,
        sentAtMs,
      );
    }
  };
}

/** Where a connection comes from, as its server knows it. */
export interface ConnectionMeta {
  id: number;
  listenerName: string;
  securityProtocol: string;
  clientHost: string;
  /** Known at accept (a TLS client's certificate); else the session's default. */
  principal?: string | undefined;
}

const neverRecycles = (): boolean => false;

/** Responses up to this size are copied together into one write (see flush). */
const COALESCED_RESPONSE_MAX_BYTES = 16 * 1024;

/** `responses` as size-prefixed frames, back to back in one buffer of `totalBytes`. */
function coalesce(responses: readonly Buffer[][], totalBytes: number): Buffer {
  const out = Buffer.allocUnsafe(totalBytes);
  let at = 0;
  for (const parts of responses) {
    const sizeAt = at;
    at += FRAME_PREFIX_BYTES;
    for (const part of parts) at += part.copy(out, at);
    out.writeInt32BE(at - sizeAt - FRAME_PREFIX_BYTES, sizeAt);
  }
  return out;
}

/** A response's own written-callback, then the measured request's completion. */
function afterBoth(
  written: (() => void) | undefined,
  measured: InFlight,
  writeStartMs: number,
): () => void {
  const told = sentCallback([measured], writeStartMs);
  return () => {
    written?.();
    told();
  };
}

export class Connection implements MemoryWaiter {
  readonly id: number;
  readonly clientHost: string;
  readonly session: Session;
  private readonly socket: Socket;
  private readonly assembler: FrameAssembler;
  private readonly inFlight: InFlight[] = [];
  private heldFrame: AssembledFrame | null = null;
  private paused = false;
  /** Throttled by the quota stage: nothing is read or started until the timer fires. */
  private muteTimer: NodeJS.Timeout | null = null;
  /** Registered with host.memory as waiting for admission or for the limit to clear. */
  private memoryWait = false;
  private flushScheduled = false;
  private closing = false;
  /** The client has finished sending; answer what it sent, then close. */
  private readEnded = false;
  private closed = false;
  /** host.tick when bytes last moved either way (connections.max.idle.ms). */
  private activeTick: number;
  /** The handler measures request times: stamp frames with the time they were read. */
  private readonly measuring: boolean;

  /** Takes over `accepted`, a socket of a server created with `pauseOnConnect`. */
  constructor(
    accepted: Socket,
    private readonly host: ConnectionHost,
    meta: ConnectionMeta,
  ) {
    this.id = meta.id;
    this.clientHost = meta.clientHost;
    this.activeTick = host.tick;
    const handler = host.handler;
    this.measuring = handler.measuresTime === true;
    const memory = host.memory;
    this.assembler = new FrameAssembler({
      maxFrameBytes: host.limits.maxRequestBytes,
      arena: host.arena,
      recycles: handler.recyclesFrame?.bind(handler) ?? neverRecycles,
      budget: {
        tryReserve: (bytes) => memory.tryReserve(bytes, this),
        add: (bytes) => memory.add(bytes),
        release: (bytes) => memory.release(bytes),
      },
    });
    // A socket whose handle cannot read into the shared buffer is read the ordinary way.
    const socket = adoptWithSharedReads(accepted, host.readBuffer, {
      allowHalfOpen: true,
      onRead: (length, bytes) => this.onBytes(bytes, length),
    });
    if (socket === null) {
      accepted.on('data', (chunk: Buffer) => this.onBytes(chunk, chunk.length));
      accepted.resume();
    }
    this.socket = socket ?? accepted;
    this.session = new Session({
      connectionId: meta.id,
      listenerName: meta.listenerName,
      securityProtocol: meta.securityProtocol,
      clientHost: meta.clientHost,
      clientPort: this.socket.remotePort ?? 0,
    });
    if (meta.principal !== undefined) this.session.principal = meta.principal;
    this.socket.setNoDelay(true);
    this.socket.on('drain', () => this.pump());
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (err) => host.logger.debug(`connection ${this.id}: ${err.message}`));
    this.socket.on('close', () => this.onClose());
    // A connection accepted while request memory is at its limit reads nothing until it is not.
    if (host.memory.exhausted) this.memoryExhausted();
  }

  get requestsInFlight(): number {
    return this.inFlight.length;
  }

  /** Stops reading; closes once the requests already started have been answered. */
  shutdown(): void {
    if (this.closing) return;
    this.closing = true;
    this.dropHeldFrame();
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

  /** Request memory was released while this connection waited for it. */
  memoryAvailable(): void {
    this.pump();
  }

  /**
   * Request memory reached its limit: stop reading, unless in the middle of a frame whose
   * memory is reserved (completing it is what eventually frees memory).
   */
  memoryExhausted(): void {
    if (this.closing || this.closed || this.assembler.gatheringAdmittedFrame) return;
    // A buffer kept for the next split frame is memory nobody uses now.
    this.assembler.releaseIdleStage();
    this.memoryWait = true;
    this.host.memory.stop(this);
    this.pause();
  }

  private onEnd(): void {
    this.readEnded = true;
    this.pump();
  }

  /** Bytes read from the socket; `bytes` is reused by the next read, so they are copied now. */
  private onBytes(bytes: Buffer, length: number): void {
    if (this.closing) return;
    this.activeTick = this.host.tick;
    try {
      this.assembler.push(bytes, length, this.measuring ? performance.now() : 0);
      this.pump();
    } catch (err) {
      // A bug must cost this connection, not the broker (this runs inside the socket's read).
      this.fail(`internal error reading a request: ${(err as Error).stack ?? String(err)}`);
    }
  }

  /**
   * Closes the connection when nothing has moved for connections.max.idle.ms and no request is
   * in flight; the server calls this every idle-check interval (`intervalMs`).
   */
  checkIdle(intervalMs: number): void {
    // A throttled client's silence is the broker's doing, not idleness.
    if (this.inFlight.length > 0 || this.muteTimer !== null || this.closing || this.closed) {
      this.activeTick = this.host.tick;
      return;
    }
    // The last activity was somewhere in its tick: count only the ticks wholly after it.
    const idleMs = (this.host.tick - this.activeTick - 1) * intervalMs;
    if (idleMs < this.host.limits.idleTimeoutMs) return;
    this.host.logger.debug(
      `connection ${this.id}: idle for ${this.host.limits.idleTimeoutMs} ms, closing`,
    );
    this.socket.destroy();
  }

  private pump(): void {
    while (!this.closing && !this.socket.destroyed) {
      if (this.muteTimer !== null) return this.pause();
      if (this.inFlight.length >= this.host.limits.maxInFlightPerConnection) return this.pause();
      if (this.socket.writableNeedDrain) return this.pause();
      const frame = this.heldFrame ?? this.assembler.next();
      this.heldFrame = null;
      if (frame === null) return this.readEnded ? this.endIfDone() : this.readMore();
      if ('kind' in frame) {
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

  /** Resumes reading unless request memory is short; then waits for the server to wake it. */
  private readMore(): void {
    const memory = this.host.memory;
    if (this.assembler.awaitingMemory && !this.assembler.retryAdmission()) {
      this.memoryWait = true;
      return this.pause();
    }
    if (memory.exhausted && !this.assembler.gatheringAdmittedFrame) {
      this.memoryWait = true;
      memory.stop(this);
      return this.pause();
    }
    if (this.memoryWait) {
      this.memoryWait = false;
      memory.forget(this);
    }
    this.resume();
  }

  /** Returns a frame's memory once nothing uses it. */
  private releaseFrame(frame: AssembledFrame): void {
    if (frame.slab !== null) this.host.arena.release(frame.slab);
    this.host.memory.release(frame.chargedBytes);
  }

  private dropHeldFrame(): void {
    if (this.heldFrame === null) return;
    this.releaseFrame(this.heldFrame);
    this.heldFrame = null;
  }

  private start(assembled: AssembledFrame): void {
    const frame = assembled.bytes;
    if (this.session.saslRawTokens !== null) return this.startRawToken(assembled);
    if (frame.length < REQUEST_HEADER_PREFIX_BYTES) {
      this.host.releaseRequestSlot();
      this.releaseFrame(assembled);
      return this.fail(`request of ${frame.length} bytes is too short for a header`);
    }
    const ctx: RequestContext = {
      apiKey: frame.readInt16BE(0),
      apiVersion: frame.readInt16BE(2),
      correlationId: frame.readInt32BE(4),
      session: this.session,
      throttleTimeMs: 0,
      receivedAtMs: assembled.readAtMs,
      completion: null,
    };
    const slot: InFlight = { done: false, response: null, ctx, readyAtMs: 0 };
    this.inFlight.push(slot);
    let result: Promise<ResponseParts | null>;
    try {
      result = this.host.handler(ctx, frame);
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (response) => {
        this.releaseFrame(assembled);
        slot.done = true;
        slot.response = response;
        if (ctx.completion) slot.readyAtMs = performance.now();
        this.scheduleFlush();
      },
      (err: unknown) => {
        this.releaseFrame(assembled);
        const why = err instanceof Error ? err.message : String(err);
        this.fail(`api ${ctx.apiKey} v${ctx.apiVersion} correlation ${ctx.correlationId}: ${why}`);
      },
    );
  }

  /** A bare SASL token after a v0 SaslHandshake (see Session.saslRawTokens). */
  private startRawToken(assembled: AssembledFrame): void {
    const ctx: RequestContext = {
      apiKey: -1,
      apiVersion: 0,
      correlationId: -1,
      session: this.session,
      throttleTimeMs: 0,
      receivedAtMs: 0,
      completion: null,
    };
    const slot: InFlight = { done: false, response: null, ctx, readyAtMs: 0 };
    this.inFlight.push(slot);
    this.session.saslRawTokens!(assembled.bytes).then(
      (answer) => {
        this.releaseFrame(assembled);
        if (answer === null) return this.fail('SASL authentication failed');
        slot.done = true;
        slot.response = [answer];
        this.scheduleFlush();
      },
      (err: unknown) => {
        this.releaseFrame(assembled);
        this.fail(`SASL token: ${err instanceof Error ? err.message : String(err)}`);
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

  /**
   * Writes every response at the head of the queue that is ready. Small responses are copied
   * into one buffer (one write instead of a vectored write of many small parts); large ones and
   * those waiting for a written-callback go out as their parts, all in one corked batch.
   */
  private flush(): void {
    if (this.closed) return;
    const small: Buffer[][] = [];
    let smallBytes = 0;
    let corked = false;
    // Measured requests (see RequestCompletion): those in the pending coalesced write, and
    // when this flush started writing (read once, for the first measured response).
    let smallMeasured: InFlight[] | null = null;
    let writeStartMs = 0;
    while (this.inFlight.length > 0 && this.inFlight[0]!.done) {
      const slot = this.inFlight.shift()!;
      const { response, ctx } = slot;
      this.host.releaseRequestSlot();
      // Muted once the response is on its way (or at once for a request without one).
      if (ctx.throttleTimeMs > 0) this.mute(ctx.throttleTimeMs);
      const measured = ctx.completion ? slot : null;
      if (measured !== null && writeStartMs === 0) writeStartMs = performance.now();
      if (response === null) {
        measured?.ctx.completion!.responseSent(slot.readyAtMs, writeStartMs, writeStartMs);
        continue;
      }
      let sizeBytes = 0;
      for (const part of response) sizeBytes += part.length;
      const written = response.afterWrite;
      if (written === undefined && sizeBytes <= COALESCED_RESPONSE_MAX_BYTES) {
        small.push(response);
        smallBytes += FRAME_PREFIX_BYTES + sizeBytes;
        if (measured !== null) (smallMeasured ??= []).push(measured);
        continue;
      }
      if (!corked) this.socket.cork();
      corked = true;
      if (small.length > 0) {
        this.writeCoalesced(small, smallBytes, smallMeasured, writeStartMs);
        small.length = 0;
        smallBytes = 0;
        smallMeasured = null;
      }
      this.socket.write(framePrefix(sizeBytes));
      // The last part's callback runs once every part is in the kernel (or the socket died).
      const sent = measured === null ? written : afterBoth(written, measured, writeStartMs);
      const last = response.length - 1;
      for (let i = 0; i < last; i++) this.socket.write(response[i]);
      if (last >= 0) this.socket.write(response[last], sent);
      else sent?.();
    }
    if (small.length > 0) this.writeCoalesced(small, smallBytes, smallMeasured, writeStartMs);
    if (corked) this.socket.uncork();
    // A failed SASL authentication is answered, then the connection closes (as in Kafka).
    if (this.session.closeAfterResponse && !this.closing) {
      this.host.logger.debug(`connection ${this.id}: closing after failed authentication`);
      return this.shutdown();
    }
    if (corked || small.length > 0) this.activeTick = this.host.tick;
    if (this.closing) this.endIfDone();
    else this.pump();
  }

  /** Small responses copied into one write; the measured ones are told when it is sent. */
  private writeCoalesced(
    small: readonly Buffer[][],
    smallBytes: number,
    measured: InFlight[] | null,
    writeStartMs: number,
  ): void {
    const bytes = coalesce(small, smallBytes);
    if (measured === null) this.socket.write(bytes);
    else this.socket.write(bytes, sentCallback(measured, writeStartMs));
  }

  /** Reads and starts nothing for `throttleTimeMs` (a later throttle replaces an earlier one). */
  private mute(throttleTimeMs: number): void {
    if (this.muteTimer !== null) clearTimeout(this.muteTimer);
    this.host.logger.debug(`connection ${this.id}: throttled, muted for ${throttleTimeMs} ms`);
    this.pause();
    this.muteTimer = setTimeout(this.unmute, throttleTimeMs);
  }

  private readonly unmute = (): void => {
    this.muteTimer = null;
    if (this.closed) return;
    this.host.logger.debug(`connection ${this.id}: unmuted`);
    this.pump();
  };

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
    if (this.muteTimer !== null) clearTimeout(this.muteTimer);
    this.muteTimer = null;
    // Requests still running will finish, but their slots are returned now.
    for (let i = 0; i < this.inFlight.length; i++) this.host.releaseRequestSlot();
    this.inFlight.length = 0;
    // Frames not started and the staging buffer go now; running handlers release their own.
    this.dropHeldFrame();
    this.assembler.dispose();
    this.host.memory.forget(this);
    this.host.connectionClosed(this);
  }
}
