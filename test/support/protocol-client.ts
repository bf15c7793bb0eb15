// The one raw Kafka protocol client of the tests and benchmarks: a socket that sends requests
// encoded with the generated codecs (or frames built by hand) and hands back the answers, for
// tests that need exact control over versions, pipelining and bytes.
// - request() encodes, sends and decodes; answers are matched by correlation id, so requests
//   may be pipelined, and one that gets no answer (Produce acks=0) simply stays pending.
// - send() and socket.write() put hand-made bytes on the wire; answers nobody asked for through
//   request() or sendFrame() are kept in `frames`, in arrival order, for waitFrames().
// Every wait is bounded: an answer that does not come fails with a message saying what was
// awaited, instead of hanging the test run.
import { connect, type Socket } from 'node:net';
import {
  FrameDecoder,
  Reader,
  Writer,
  apiByKey,
  createRequestHeader,
  encodeFrame,
  isFrameProblem,
  responseHeaderVersion,
  writeRequestHeader,
} from '../../src/protocol/index.js';
import { within } from './wait.js';

/** How long an answer may take before the wait fails; generous, it only catches hangs. */
export const ANSWER_TIMEOUT_MS = 60_000;

export interface ProtocolClientOptions {
  host?: string;
  clientId?: string;
  /** Bound of every wait for an answer (request, sendFrame, waitFrames). */
  answerTimeoutMs?: number;
}

interface Pending {
  resolve(frame: Buffer): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class ProtocolClient {
  readonly socket: Socket;
  /** Answers not claimed by request() or sendFrame(), in arrival order. */
  readonly frames: Buffer[] = [];
  /** Every answer received, claimed or not. */
  framesReceived = 0;
  /** Resolves when the socket has closed (either side). */
  readonly closed: Promise<void>;
  private readonly clientId: string;
  private readonly answerTimeoutMs: number;
  private readonly decoder = new FrameDecoder({ maxFrameBytes: 1 << 30 });
  private readonly pending = new Map<number, Pending>();
  private frameWaiter: (() => void) | null = null;
  private closedError: Error | null = null;
  private nextCorrelationId = 1;

  private constructor(socket: Socket, options: ProtocolClientOptions) {
    this.socket = socket;
    this.clientId = options.clientId ?? 'test';
    this.answerTimeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedError = new Error(`connection closed after ${this.framesReceived} answers`);
        for (const p of this.pending.values()) {
          clearTimeout(p.timer);
          p.reject(this.closedError);
        }
        this.pending.clear();
        this.frameWaiter?.();
        resolve();
      }),
    );
  }

  /** Connects to a broker on `port` (127.0.0.1 unless `host` is given). */
  static connect(port: number, options: ProtocolClientOptions = {}): Promise<ProtocolClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host: options.host ?? '127.0.0.1' });
      socket.once('connect', () => resolve(new ProtocolClient(socket, options)));
      socket.once('error', reject);
    });
  }

  /** Sends one request and resolves with the decoded response body (loosely typed for tests). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async request<T = any>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequest(apiKey, apiVersion, correlationId, body, this.clientId);
    const answer = this.sendFrame(apiKey, apiVersion, frame);
    return decodeResponse<T>(apiKey, apiVersion, await answer);
  }

  /**
   * Sends an encoded request (header included, no size prefix) and resolves with its answer
   * frame (correlation id first).
   */
  sendFrame(apiKey: number, apiVersion: number, frame: readonly Uint8Array[]): Promise<Buffer> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    const correlationId = correlationIdOf(frame);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(correlationId);
        const name = apiByKey(apiKey)?.name ?? `api key ${apiKey}`;
        reject(
          new Error(
            `no answer to ${name} v${apiVersion} (correlation id ${correlationId}) within ${this.answerTimeoutMs} ms`,
          ),
        );
      }, this.answerTimeoutMs);
      timer.unref();
      this.pending.set(correlationId, { resolve, reject, timer });
      this.socket.write(encodeFrame([...frame]));
    });
  }

  /** Sends a request that gets no answer (Produce with acks=0); an answer would go to `frames`. */
  sendOnly(apiKey: number, apiVersion: number, body: unknown): void {
    const frame = encodeRequest(apiKey, apiVersion, this.nextCorrelationId++, body, this.clientId);
    this.socket.write(encodeFrame(frame));
  }

  /** Resolves once the connection has closed; fails after the bound. */
  waitClosed(): Promise<void> {
    return within('the connection to close', this.closed, this.answerTimeoutMs);
  }

  /** Sends a version-0 request header and `body` as they are, for server tests. */
  send(apiKey: number, correlationId: number, body?: Buffer): void {
    this.socket.write(requestFrame(apiKey, correlationId, body));
  }

  /** Resolves once `count` unclaimed answers have arrived in total; fails after the bound. */
  async waitFrames(count: number): Promise<Buffer[]> {
    const deadline = Date.now() + this.answerTimeoutMs;
    while (this.frames.length < count) {
      if (this.closedError !== null)
        throw new Error(`closed after ${this.frames.length} of ${count} frames`);
      const leftMs = deadline - Date.now();
      if (leftMs <= 0)
        throw new Error(
          `waited ${this.answerTimeoutMs} ms for ${count} frames; ${this.frames.length} arrived`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, leftMs);
        this.frameWaiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.frameWaiter = null;
    }
    return this.frames;
  }

  /** Closes the socket at once. */
  close(): void {
    this.socket.destroy();
  }

  /** Ends the connection politely and resolves once it has closed. */
  end(): Promise<void> {
    this.socket.end();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    this.decoder.push(chunk);
    for (let f = this.decoder.next(); f !== null; f = this.decoder.next()) {
      if (isFrameProblem(f)) {
        this.socket.destroy();
        return;
      }
      const frame = Buffer.from(f);
      this.framesReceived++;
      const p = this.pending.get(frame.readInt32BE(0));
      if (p === undefined) {
        this.frames.push(frame);
        continue;
      }
      this.pending.delete(frame.readInt32BE(0));
      clearTimeout(p.timer);
      p.resolve(frame);
    }
    this.frameWaiter?.();
  }
}

/** A request frame (header and body, no size prefix) as buffers for a vectored write. */
export function encodeRequest(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: unknown,
  clientId = 'test',
): Buffer[] {
  const w = new Writer();
  writeRequestHeader(
    w,
    createRequestHeader({
      requestApiKey: apiKey,
      requestApiVersion: apiVersion,
      correlationId,
      clientId,
    }),
  );
  apiByKey(apiKey)!.encodeRequest!(w, apiVersion, body);
  return w.toBuffers();
}

/** Decodes a response frame's body after its header. */
export function decodeResponse<T>(apiKey: number, apiVersion: number, frame: Buffer): T {
  const r = new Reader(frame);
  r.skip(4); // correlation id
  if (responseHeaderVersion(apiKey, apiVersion) === 1) r.tags({});
  return apiByKey(apiKey)!.decodeResponse!(r, apiVersion) as T;
}

/** A size-prefixed frame with a bare header (api key, version 0, correlation id) and `body`. */
export function requestFrame(
  apiKey: number,
  correlationId: number,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(correlationId, 4);
  return encodeFrame([header, body]);
}

/** The correlation id of an encoded request (bytes 4-7 of its header), across its parts. */
function correlationIdOf(frame: readonly Uint8Array[]): number {
  const head = Buffer.alloc(8);
  let at = 0;
  for (const part of frame) {
    for (let i = 0; i < part.length && at < 8; i++) head[at++] = part[i]!;
    if (at === 8) break;
  }
  return head.readInt32BE(4);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
