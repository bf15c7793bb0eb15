// max.connection.creation.rate (KIP-612): how many new connections per second the broker, and
// each listener (`listener.name.<l>.max.connection.creation.rate`), accepts. As in Kafka the
// acceptor is throttled, not the client refused: a connection over the rate waits, unread,
// until its turn. A token bucket holding one second's worth of connections; a connection that
// finds it empty reserves the next token and waits for it, so waiting connections keep their
// order and the rate holds however many arrive at once.
export class ConnectionRate {
  private tokens: number;
  private lastMs: number | null = null;

  constructor(readonly perSecond: number) {
    this.tokens = perSecond;
  }

  /** Takes a token: 0 when one is free now, else how long to wait for the reserved one. */
  reserve(nowMs: number): number {
    if (this.lastMs !== null) {
      this.tokens = Math.min(
        this.perSecond,
        this.tokens + ((nowMs - this.lastMs) * this.perSecond) / 1000,
      );
    }
    this.lastMs = nowMs;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.perSecond;
  }
}
