// A handler that answers every request with the same pre-encoded body and stores nothing.
// The server benchmark uses it to measure the network path alone.
import type { RequestHandler } from './request-handler.js';

export function nullHandler(body: Buffer = Buffer.alloc(0)): RequestHandler {
  const handler: RequestHandler = (ctx) => {
    // Response header v0 is just the correlation id.
    const header = Buffer.allocUnsafe(4);
    header.writeInt32BE(ctx.correlationId, 0);
    return Promise.resolve([header, body]);
  };
  // Nothing of a request is kept, so every frame may live in recycled memory.
  handler.recyclesFrame = () => true;
  return handler;
}
