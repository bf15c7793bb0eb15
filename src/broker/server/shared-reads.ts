// Reading accepted connections into one shared buffer. By default Node gives every socket read
// a fresh ArrayBuffer of up to 64 KiB; under a produce load that is hundreds of megabytes of
// short-lived external memory per second, which V8 answers with frequent full collections.
// net.Socket's `onread` option reads into memory the caller supplies instead, but Node accepts
// it only when it builds the socket, which a server does without it. So the accepted socket's
// handle is moved into a socket built with the option. Every read is handed to the callback
// before the next read starts (reads run one at a time on the event loop), so one buffer
// serves all connections as long as each callback copies what it keeps.
//
// TLS connections get the same after their handshake: the TLS layer's handle (Node's TLSWrap,
// which decrypts in C++) moves into a socket built with `onread`. Otherwise Node allocates a
// buffer and runs a readable-stream 'data' event for every TLS record, and clients such as
// librdkafka write a record per message: a Node TLS server fed 1 KiB records spent 2.8-3.1 ms of
// CPU per MB through 'data' events and 1.4-1.5 ms/MB this way.
import { Socket } from 'node:net';
import { CLIENT_RENEG_LIMIT, CLIENT_RENEG_WINDOW, type TLSSocket } from 'node:tls';

/** Bytes of one read of one connection, valid only until the callback returns. */
export type SharedReadCallback = (length: number, bytes: Buffer) => void;

interface HandleOwner {
  _handle?: unknown;
}

/**
 * A socket for `accepted`'s connection that reads into `buffer` and passes each read to
 * `onRead`; `accepted` is released. Null when the runtime does not expose the handle (then
 * read `accepted` with 'data' events). `accepted` must come from a server created with
 * `pauseOnConnect`, so no byte has been read into other memory.
 */
export function adoptWithSharedReads(
  accepted: Socket,
  buffer: Buffer,
  options: { allowHalfOpen: boolean; onRead: SharedReadCallback },
): Socket | null {
  if ((accepted as { encrypted?: boolean }).encrypted === true) {
    return adoptTls(accepted as TLSSocket, buffer, options);
  }
  const owner = accepted as unknown as HandleOwner;
  const handle = owner._handle as { useUserBuffer?: unknown } | null | undefined;
  if (handle === null || typeof handle !== 'object' || typeof handle.useUserBuffer !== 'function') {
    return null;
  }
  // Without its handle the accepted socket closes nothing; destroying it settles the server's
  // count of connections, which server.close() waits on.
  owner._handle = null;
  accepted.destroy();
  const onread = {
    buffer,
    callback: (length: number, bytes: Uint8Array) => {
      options.onRead(length, bytes as Buffer);
    },
  };
  return new Socket({
    handle,
    allowHalfOpen: options.allowHalfOpen,
    readable: true,
    writable: true,
    onread,
  } as ConstructorParameters<typeof Socket>[0]);
}

/** Node's TLS handle: what adoptTls uses of it. */
interface TlsHandle {
  useUserBuffer?: unknown;
  lastHandshakeTime?: number;
  handshakes?: number;
  onhandshakestart?: (now: number) => void;
  onhandshakedone?: () => void;
}

/**
 * adoptWithSharedReads for a TLS socket whose handshake is done: its TLS handle moves to a socket
 * that reads decrypted bytes into `buffer`. Plaintext the TLS socket had already buffered is
 * passed to `onRead` on the next tick (after the caller has the new socket).
 */
function adoptTls(
  accepted: TLSSocket,
  buffer: Buffer,
  options: { allowHalfOpen: boolean; onRead: SharedReadCallback },
): Socket | null {
  const owner = accepted as unknown as HandleOwner & { ssl?: unknown };
  const handle = owner._handle as TlsHandle | null | undefined;
  if (handle === null || typeof handle !== 'object' || typeof handle.useUserBuffer !== 'function') {
    return null;
  }
  const pending: Buffer[] = [];
  for (let chunk: unknown = accepted.read(); chunk !== null; chunk = accepted.read()) {
    pending.push(chunk as Buffer);
  }
  // The TLS socket gives up its handle; with `ssl` cleared, closing it leaves the session alone.
  owner._handle = null;
  owner.ssl = null;
  accepted.destroy();
  const socket = new Socket({
    handle,
    allowHalfOpen: options.allowHalfOpen,
    readable: true,
    writable: true,
    onread: {
      buffer,
      callback: (length: number, bytes: Uint8Array) => options.onRead(length, bytes as Buffer),
    },
  } as ConstructorParameters<typeof Socket>[0]);
  // The handle calls these on a renegotiation; Node's own versions expect a TLS socket. As
  // Node's do, they refuse more than CLIENT_RENEG_LIMIT renegotiations per CLIENT_RENEG_WINDOW.
  handle.onhandshakestart = (now: number) => {
    if (now - (handle.lastHandshakeTime ?? 0) >= CLIENT_RENEG_WINDOW * 1000) handle.handshakes = 0;
    handle.lastHandshakeTime = now;
    handle.handshakes = (handle.handshakes ?? 0) + 1;
    if (handle.handshakes > CLIENT_RENEG_LIMIT) socket.destroy();
  };
  handle.onhandshakedone = () => {};
  if (pending.length > 0) {
    process.nextTick(() => {
      for (const chunk of pending) if (!socket.destroyed) options.onRead(chunk.length, chunk);
    });
  }
  return socket;
}
