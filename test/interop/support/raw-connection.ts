// A minimal Kafka protocol connection over the generated codecs, for tests and benchmarks that
// need exact control over requests (versions, pipelining, raw frames). Responses arrive in
// request order, so pending requests are a FIFO queue.
import { connect, type Socket } from 'node:net';
import {
  FrameDecoder,
  Reader,
  Writer,
  apiByKey,
  encodeFrame,
  isFrameProblem,
  responseHeaderVersion,
  writeRequestHeader,
} from '../../../src/protocol/index.js';

interface Pending {
  apiKey: number;
  apiVersion: number;
  /** Request without a response (Produce acks=0) resolves at once and is not queued. */
  resolve(frame: Buffer): void;
  reject(err: Error): void;
}

export class RawConnection {
  private readonly decoder = new FrameDecoder({ maxFrameBytes: 1 << 30 });
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  private closedError: Error | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closedError = new Error('connection closed');
        for (const p of this.pending.splice(0)) p.reject(this.closedError);
        resolve();
      }),
    );
  }

  static open(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  /** Sends an encoded request (header included, no size prefix); resolves with the response. */
  sendFrame(apiKey: number, apiVersion: number, frame: Uint8Array[]): Promise<Buffer> {
    if (this.closedError !== null) return Promise.reject(this.closedError);
    return new Promise((resolve, reject) => {
      this.pending.push({ apiKey, apiVersion, resolve, reject });
      this.socket.write(encodeFrame(frame));
    });
  }

  /** Encodes `body` with the generated codec and returns the decoded response body. */
  async request<T = unknown>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    const frame = encodeRequest(apiKey, apiVersion, this.nextCorrelationId++, body);
    const response = await this.sendFrame(apiKey, apiVersion, frame);
    return decodeResponse<T>(apiKey, apiVersion, response);
  }

  close(): Promise<void> {
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
      this.pending.shift()?.resolve(Buffer.from(f));
    }
  }
}

/** A request frame (header and body, no size prefix) as buffers for a vectored write. */
export function encodeRequest(
  apiKey: number,
  apiVersion: number,
  correlationId: number,
  body: unknown,
): Buffer[] {
  const w = new Writer();
  writeRequestHeader(w, {
    requestApiKey: apiKey,
    requestApiVersion: apiVersion,
    correlationId,
    clientId: 'rivulet-test',
  });
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
