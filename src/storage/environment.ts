// What storage needs from the world, injected so tests control time, randomness and output.

export interface Clock {
  /** Wall-clock milliseconds since the epoch (timestamps, retention, segment.ms). */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

export interface StorageLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: StorageLogger = { info() {}, warn() {}, error() {} };

/** Timers for background jobs; tests pass a fake that they drive by hand. */
export interface Scheduler {
  /** Calls `fn` after `delayMs`; the returned function cancels it. Timers must not keep the process alive. */
  schedule(fn: () => void, delayMs: number): () => void;
}

export const systemScheduler: Scheduler = {
  schedule(fn, delayMs) {
    const t = setTimeout(fn, Math.min(delayMs, 2 ** 31 - 1));
    t.unref();
    return () => clearTimeout(t);
  },
};
