// The contract between the network layer and the API handlers. The server owns sockets,
// framing, ordering and limits; a handler sees one request frame and returns its response.
import type { Session } from './session.js';

/**
 * What the server knows about a request before any API-specific decoding: the connection's
 * session (made once per connection) and the small per-request part.
 */
export interface RequestContext {
  /** Read from the first bytes of the request header (int16, int16, int32). */
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  session: Session;
  /**
   * Set by the quota stage: after sending this request's response the connection reads
   * nothing for this long (KIP-219). 0: not throttled.
   */
  throttleTimeMs: number;
  /**
   * performance.now() when the connection had read the whole frame (the start of Kafka's
   * RequestQueueTimeMs); 0 when the handler does not measure time (see `measuresTime`).
   */
  receivedAtMs?: number;
  /**
   * Set by a handler that measures time, before its promise settles: the connection tells it
   * when the response went out. Left null by handlers that do not measure.
   */
  completion?: RequestCompletion | null;
}

/** Told by the connection when a measured request's response has gone out. */
export interface RequestCompletion {
  /**
   * Times from performance.now(): the response was ready (the handler settled), the connection
   * started writing it, and the socket accepted its last byte (handed to the kernel). A
   * request without a response gets the three at once, when its turn to be written came.
   */
  responseSent(readyAtMs: number, writeStartMs: number, sentAtMs: number): void;
}

/**
 * Handles one request. `frame` is the whole request (header and body) without the size
 * prefix; it is a view into socket memory, valid until the returned promise settles. The
 * result is the response (header and body) as parts for a vectored write, without the size
 * prefix, or null to send nothing (Produce with acks=0). A rejected promise closes only this
 * connection and is logged: keep that for malformed input, as Kafka does; answer expected
 * failures with error codes.
 *
 * Handlers are started in the order requests arrive, but may run concurrently on one
 * connection (pipelining). Work whose order matters, such as appending to a partition, must
 * be queued before the handler's first `await`.
 *
 * `recyclesFrame(apiKey)` says that the handler of that API keeps no reference into its frame
 * once its promise has settled (a byte view kept in state would be overwritten later); such
 * frames are copied into recycled memory, which spares the garbage collector most of a
 * produce load. Frames of other APIs get memory of their own.
 */
export type RequestHandler = ((
  ctx: RequestContext,
  frame: Buffer,
) => Promise<ResponseParts | null>) & {
  recyclesFrame?: (apiKey: number) => boolean;
  /**
   * True when the handler measures request times: the connection then reads the clock when a
   * frame arrives and when responses are ready, written and sent (see RequestCompletion).
   */
  measuresTime?: boolean;
};

/**
 * A response's encoded parts. `afterWrite`, when set, runs once every part has been written
 * (handed to the kernel) or the connection died: a handler that answers with reusable memory
 * (fetch read buffers) takes it back there. A response never written (its connection closed
 * first) never calls it, which only leaves that memory to the garbage collector.
 */
export type ResponseParts = Buffer[] & { afterWrite?: () => void };

/** Bytes of apiKey + apiVersion + correlationId at the start of every request header. */
export const REQUEST_HEADER_PREFIX_BYTES = 8;
