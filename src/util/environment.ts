// The world as the broker sees it: clock, timers, randomness, logger, metrics, file system and
// network, made once at start-up and passed down. Nothing in storage, metadata or the broker
// reads the wall clock, sets a timer or draws a random number on its own, so a test can run a
// whole broker on SimulatedEnvironment (simulated-environment.ts): time moves when the test
// says, and the same seed draws the same numbers.
import { performance } from 'node:perf_hooks';
import type { FileSystem } from './fs/file-system.js';
import { NodeFileSystem } from './fs/node-file-system.js';
import { silentLogger, type Logger } from './logger.js';
import { MemoryMetricsRegistry, type MetricsRegistry } from './metrics.js';
import { nodeNetwork, type Network } from './network.js';
import { systemRandom, type Random } from './random.js';

export interface Clock {
  /** Wall-clock milliseconds since the epoch: timestamps, retention, segment.ms. */
  nowMs(): number;
  /** Milliseconds from an arbitrary origin that never go back: durations, latencies. */
  monotonicMs(): number;
}

/** Cancels a scheduled callback; calling it after the callback ran does nothing. */
export type CancelTimer = () => void;

export interface Timers {
  /**
   * Runs `fn` once after `delayMs` (negative counts as 0). Timers never keep the process
   * alive: a broker's background jobs must not hold up its exit.
   */
  schedule(delayMs: number, fn: () => void): CancelTimer;
}

export interface Environment {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly fs: FileSystem;
  readonly network: Network;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  monotonicMs: () => performance.now(),
};

/** setTimeout's longest delay; longer ones would fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

export const systemTimers: Timers = {
  schedule(delayMs, fn) {
    const t = setTimeout(fn, Math.min(Math.max(0, delayMs), MAX_TIMEOUT_MS));
    t.unref();
    return () => clearTimeout(t);
  },
};

/** Runs `fn` every `intervalMs` until the returned function is called. */
export function scheduleRepeating(timers: Timers, intervalMs: number, fn: () => void): CancelTimer {
  let cancel: CancelTimer | null = null;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    cancel = timers.schedule(intervalMs, tick);
    fn();
  };
  cancel = timers.schedule(intervalMs, tick);
  return () => {
    stopped = true;
    cancel?.();
  };
}

export interface SystemEnvironmentOptions {
  logger?: Logger;
  metrics?: MetricsRegistry;
  fs?: FileSystem;
  network?: Network;
}

/** The real world: Date.now, setTimeout, node:crypto, the disk and node:net. */
export function systemEnvironment(options: SystemEnvironmentOptions = {}): Environment {
  return {
    clock: systemClock,
    timers: systemTimers,
    random: systemRandom,
    logger: options.logger ?? silentLogger,
    metrics: options.metrics ?? new MemoryMetricsRegistry(),
    fs: options.fs ?? new NodeFileSystem(),
    network: options.network ?? nodeNetwork,
  };
}
