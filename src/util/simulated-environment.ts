// An Environment whose time moves only when a test says so. `advance(ms)` moves the clock and
// runs every timer that falls due on the way, in due order (ties in the order they were set),
// with the clock showing each timer's due time while it runs. Randomness is seeded, so a run is
// replayed from its seed. The file system defaults to MemoryFileSystem and the network to the
// real one (a simulated network is a later step; the Network interface is its seam).
import type { CancelTimer, Clock, Environment, Timers } from './environment.js';
import type { FileSystem } from './fs/file-system.js';
import { MemoryFileSystem } from './fs/memory-file-system.js';
import { silentLogger, type Logger } from './logger.js';
import { MemoryMetricsRegistry, type MetricsRegistry } from './metrics.js';
import { nodeNetwork, type Network } from './network.js';
import { SeededRandom } from './random.js';

export interface SimulatedEnvironmentOptions {
  /** Seed of the random source. Default 1. */
  seed?: number;
  /** Wall-clock time at the start, in ms since the epoch. Default 2023-11-14T22:13:20Z. */
  startMs?: number;
  logger?: Logger;
  metrics?: MetricsRegistry;
  fs?: FileSystem;
  network?: Network;
}

interface SimTimer {
  dueMs: number;
  seq: number;
  fn: () => void;
  done: boolean;
}

export class SimulatedEnvironment implements Environment, Clock, Timers {
  readonly clock: Clock = this;
  readonly timers: Timers = this;
  readonly random: SeededRandom;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly fs: FileSystem;
  readonly network: Network;
  private readonly startMs: number;
  private now: number;
  private seq = 0;
  private queue: SimTimer[] = [];

  constructor(options: SimulatedEnvironmentOptions = {}) {
    this.startMs = options.startMs ?? 1_700_000_000_000;
    this.now = this.startMs;
    this.random = new SeededRandom(options.seed ?? 1);
    this.logger = options.logger ?? silentLogger;
    this.metrics = options.metrics ?? new MemoryMetricsRegistry();
    this.fs = options.fs ?? new MemoryFileSystem();
    this.network = options.network ?? nodeNetwork;
  }

  nowMs(): number {
    return this.now;
  }

  monotonicMs(): number {
    return this.now - this.startMs;
  }

  schedule(delayMs: number, fn: () => void): CancelTimer {
    const timer: SimTimer = {
      dueMs: this.now + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      done: false,
    };
    this.queue.push(timer);
    return () => {
      timer.done = true;
    };
  }

  /** Timers set and not yet run or cancelled. */
  get pending(): number {
    return this.queue.filter((t) => !t.done).length;
  }

  /** Moves time forward by `ms`, running every timer that falls due, in due order. */
  advance(ms: number): void {
    const targetMs = this.now + Math.max(0, ms);
    for (;;) {
      const next = this.nextDue(targetMs);
      if (next === undefined) break;
      this.now = Math.max(this.now, next.dueMs);
      next.done = true;
      next.fn();
    }
    this.now = targetMs;
  }

  /** Runs the timers due now (delay 0 included) without moving the clock. */
  runDue(): void {
    this.advance(0);
  }

  private nextDue(targetMs: number): SimTimer | undefined {
    this.queue = this.queue.filter((t) => !t.done);
    let next: SimTimer | undefined;
    for (const t of this.queue) {
      if (t.dueMs > targetMs) continue;
      if (!next || t.dueMs < next.dueMs || (t.dueMs === next.dueMs && t.seq < next.seq)) next = t;
    }
    return next;
  }
}
