// A TCP proxy that records every request frame clients send on their way to a broker, for
// byte fixtures. Start it first, then start the broker advertising the proxy's address
// (advertised.listeners), so that clients reconnect through the proxy after Metadata.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, isFrameProblem, peekRequestHeader } from '../../../src/protocol/index.js';

export interface RecordedRequest {
  apiKey: number;
  apiVersion: number;
  /** The request frame without its size prefix. */
  frame: Buffer;
}

export interface RecordingProxy {
  port: number;
  recorded: RecordedRequest[];
  /** Where connections go; set once the broker is listening. */
  target: { host: string; port: number };
  close(): Promise<void>;
}

export async function startRecordingProxy(): Promise<RecordingProxy> {
  const recorded: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const proxy: RecordingProxy = {
    port: 0,
    recorded,
    target: { host: '127.0.0.1', port: 0 },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(proxy.target);
    sockets.add(client).add(upstream);
    const decoder = new FrameDecoder({ maxFrameBytes: 1 << 30 });
    client.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let f = decoder.next(); f !== null && !isFrameProblem(f); f = decoder.next()) {
        const header = peekRequestHeader(f);
        if (header !== undefined) {
          recorded.push({
            apiKey: header.apiKey,
            apiVersion: header.apiVersion,
            frame: Buffer.from(f),
          });
        }
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as { port: number }).port;
  return proxy;
}
