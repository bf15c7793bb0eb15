// Reading accepted connections into one shared buffer. By default Node gives every socket read
// a fresh ArrayBuffer of up to 64 KiB; under a produce load that is hundreds of megabytes of
// short-lived external memory per second, which V8 answers with frequent full collections.
// net.Socket's `onread` option reads into memory the caller supplies instead, but Node accepts
// it only when it builds the socket, which a server does without it. So the accepted socket's
// handle is moved into a socket built with the option. Every read is handed to the callback
// before the next read starts (reads run one at a time on the event loop), so one buffer
// serves all connections as long as each callback copies what it keeps.
import { Socket } from 'node:net';

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
  // A TLS socket's handle yields encrypted bytes: its plaintext comes through 'data' events.
  if ((accepted as { encrypted?: boolean }).encrypted === true) return null;
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
