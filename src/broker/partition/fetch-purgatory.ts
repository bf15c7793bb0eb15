// Where fetches wait that could not collect fetch.min.bytes yet: each waiter listens to the
// appends of its partitions and is released once enough bytes arrived or its max.wait.ms
// passed. Woken by appends, never by polling. The number of waiters is bounded; past the
// bound a fetch is answered at once with what it has, which is always a valid answer.
import { systemTimers, type Timers } from '../../util/index.js';
import type { Partition } from './partition.js';

export interface FetchPurgatoryOptions {
  /** The most fetches that may wait at once. */
  maxWaiters: number;
  timers?: Timers;
}

export type WaitOutcome = 'satisfied' | 'timeout' | 'full' | 'closed';

export class FetchPurgatory {
  private readonly waiters = new Set<() => void>();
  private readonly timers: Timers;
  private closed = false;

  constructor(private readonly options: FetchPurgatoryOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  get size(): number {
    return this.waiters.size;
  }

  /**
   * Waits until `bytesNeeded` more bytes have been appended to `partitions`, or `maxWaitMs`
   * passes. Resolves with why it stopped waiting.
   */
  wait(
    partitions: readonly Partition[],
    /**
     * `committed`: a consumer's fetch counts bytes once the high watermark covers them (it
     * cannot read them before); a follower's counts them as they are appended.
     */
    options: { bytesNeeded: number; maxWaitMs: number; committed?: boolean },
  ): Promise<WaitOutcome> {
    if (this.closed) return Promise.resolve('closed');
    // A fetch of no partitions (an empty session) still waits out its time, as in Kafka, so an
    // idle consumer does not spin.
    if (this.waiters.size >= this.options.maxWaiters) {
      return Promise.resolve('full');
    }
    return new Promise<WaitOutcome>((resolve) => {
      let received = 0;
      const unsubscribe: (() => void)[] = [];
      const finish = (outcome: WaitOutcome): void => {
        if (!this.waiters.delete(release)) return;
        cancelTimer();
        for (const u of unsubscribe) u();
        resolve(outcome);
      };
      const release = (): void => finish('closed');
      this.waiters.add(release);
      const cancelTimer = this.timers.schedule(options.maxWaitMs, () => finish('timeout'));
      for (const p of partitions) {
        unsubscribe.push(
          p.onAppend(
            (bytes) => {
              received += bytes;
              if (received >= options.bytesNeeded) finish('satisfied');
            },
            { committed: options.committed },
          ),
        );
      }
    });
  }

  /** Releases every waiter (broker shutdown). */
  close(): void {
    this.closed = true;
    for (const release of [...this.waiters]) release();
  }
}
