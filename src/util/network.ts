// The seam between the broker and the network: listening and connecting go through a Network,
// so a simulated network (in-memory sockets, partitions, delays) can replace node:net later.
// The sockets are node:net Sockets; a simulated network would hand out Sockets over in-memory
// streams.
import { connect, createServer, type Socket } from 'node:net';

export interface ListenOptions {
  /** Interface to bind; undefined binds every interface. */
  host?: string | undefined;
  /** 0 asks for a free port. */
  port: number;
  /** Accepted sockets start paused (the broker reads into a shared buffer from byte one). */
  pauseOnConnect?: boolean;
  allowHalfOpen?: boolean;
  /** Write buffer of accepted sockets, in bytes. */
  highWaterMark?: number;
}

export interface NetworkListener {
  /** The port as bound (the chosen one when 0 was asked for). */
  readonly port: number;
  /** Errors of the listening socket after it was bound. */
  onError(fn: (err: Error) => void): void;
  /** Stops accepting; resolves once the listener is closed (open connections stay). */
  close(): Promise<void>;
}

export interface Network {
  /** Binds `options`; each accepted socket goes to `onConnection`. Rejects if it cannot bind. */
  listen(options: ListenOptions, onConnection: (socket: Socket) => void): Promise<NetworkListener>;
  /** Opens a connection (the socket emits 'connect' or 'error'). */
  connect(options: { host: string; port: number }): Socket;
}

/** The real network, over node:net. */
export const nodeNetwork: Network = {
  listen(options, onConnection) {
    const server = createServer({
      allowHalfOpen: options.allowHalfOpen ?? false,
      pauseOnConnect: options.pauseOnConnect ?? false,
      ...(options.highWaterMark !== undefined ? { highWaterMark: options.highWaterMark } : {}),
    });
    server.on('connection', onConnection);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: options.host, port: options.port }, () => {
        server.off('error', reject);
        const address = server.address();
        const port = typeof address === 'object' && address !== null ? address.port : 0;
        resolve({
          port,
          onError: (fn) => server.on('error', fn),
          close: () => new Promise<void>((done) => server.close(() => done())),
        });
      });
    });
  },
  connect: (options) => connect(options),
};
