// Records the request frames a handler sees (copies: the server's frame is a view into socket
// memory), for byte fixtures. Wraps any RequestHandler, so it can sit in front of the stub or
// of the real handler registry.
import type { RequestContext, RequestHandler } from '../../../src/broker/server/index.js';

export interface RecordedRequest {
  apiKey: number;
  apiVersion: number;
  frame: Buffer;
}

export function recordingHandler(
  inner: RequestHandler,
  recorded: RecordedRequest[],
): RequestHandler {
  return (ctx: RequestContext, frame: Buffer) => {
    recorded.push({ apiKey: ctx.apiKey, apiVersion: ctx.apiVersion, frame: Buffer.from(frame) });
    return inner(ctx, frame);
  };
}
