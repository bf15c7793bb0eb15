// Time for the group coordinator. Sessions, rebalance timeouts and the initial join delay are
// all timers; injecting them lets tests move time by hand and run the same way every time.

/** Cancels a scheduled callback; calling it after the callback ran does nothing. */
export type CancelTimer = () => void;

export interface GroupTimer {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once after `delayMs`. */
  schedule(delayMs: number, fn: () => void): CancelTimer;
}

/** Wall-clock time; timers do not keep the process alive. */
export const systemGroupTimer: GroupTimer = {
  now: () => Date.now(),
  schedule(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return () => clearTimeout(handle);
  },
};

interface ManualEntry {
  dueMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when `advance` is called, for deterministic tests. */
export class ManualGroupTimer implements GroupTimer {
  private nowMs: number;
  private seq = 0;
  private entries: ManualEntry[] = [];

  constructor(startMs = 1_700_000_000_000) {
    this.nowMs = startMs;
  }

  now(): number {
    return this.nowMs;
  }

  schedule(delayMs: number, fn: () => void): CancelTimer {
    const entry = {
      dueMs: this.nowMs + Math.max(0, delayMs),
      seq: this.seq++,
      fn,
      cancelled: false,
    };
    this.entries.push(entry);
    return () => {
      entry.cancelled = true;
    };
  }

  /** Timers not yet run or cancelled. */
  get pending(): number {
    return this.entries.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward, running every timer that falls due, in due order. */
  advance(ms: number): void {
    const targetMs = this.nowMs + ms;
    for (;;) {
      this.entries = this.entries.filter((e) => !e.cancelled);
      let next: ManualEntry | undefined;
      for (const e of this.entries) {
        if (e.dueMs > targetMs) continue;
        if (!next || e.dueMs < next.dueMs || (e.dueMs === next.dueMs && e.seq < next.seq)) next = e;
      }
      if (!next) break;
      this.nowMs = Math.max(this.nowMs, next.dueMs);
      next.cancelled = true;
      next.fn();
    }
    this.nowMs = targetMs;
  }
}
