// A raw frame client for server tests: sends request frames, collects response frames.
import { connect, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame, isFrameProblem } from '../../../src/protocol/framing.js';

export interface RawClient {
  socket: Socket;
  frames: Buffer[];
  closed: Promise<void>;
  send(apiKey: number, correlationId: number, body?: Buffer): void;
  /** Resolves once `count` frames have arrived in total. */
  waitFrames(count: number): Promise<Buffer[]>;
}

export function requestFrame(
  apiKey: number,
  correlationId: number,
  body: Buffer = Buffer.alloc(0),
) {
  const header = Buffer.alloc(8);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(correlationId, 4);
  return encodeFrame([header, body]);
}

export async function rawClient(port: number): Promise<RawClient> {
  const socket = connect({ port, host: '127.0.0.1' });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => {});
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 30 });
  const frames: Buffer[] = [];
  let waiter: (() => void) | null = null;
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    for (let f = decoder.next(); f !== null && !isFrameProblem(f); f = decoder.next()) {
      frames.push(Buffer.from(f));
    }
    waiter?.();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    frames,
    closed,
    send: (apiKey, correlationId, body) => socket.write(requestFrame(apiKey, correlationId, body)),
    waitFrames: async (count) => {
      while (frames.length < count) {
        await Promise.race([
          new Promise<void>((resolve) => (waiter = resolve)),
          closed.then(() => {
            throw new Error(`closed after ${frames.length} of ${count} frames`);
          }),
        ]);
      }
      return frames;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
