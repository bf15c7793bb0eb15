// What storage needs from the world, injected so tests control time, randomness and output.
import { silentLogger, type Logger } from '../util/index.js';

export interface Clock {
  /** Wall-clock milliseconds since the epoch (timestamps, retention, segment.ms). */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** Storage reports through the project's one Logger type. */
export type StorageLogger = Logger;
export { silentLogger };

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
