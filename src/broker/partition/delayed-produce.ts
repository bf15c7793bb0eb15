// Kafka's delayed produce for one partition: an acks=all append is written, then waits here
// until the high watermark passes its last offset (every in-sync replica has it) or its
// request's timeout.ms passes (REQUEST_TIMED_OUT, as Kafka answers; the records stay in the
// log). On a single node the high watermark has already moved by the time the append would
// wait, so nothing waits and no timer is made.
import type { ErrorName } from '../../protocol/errors.js';
import type { CancelTimer, Timers } from '../../util/index.js';

interface Waiter {
  /** The high watermark that completes it: the append's last offset + 1. */
  requiredOffset: number;
  complete: (error: ErrorName | null) => void;
  cancel: CancelTimer | null;
}

export class DelayedProduces {
  /** In append order, so in order of requiredOffset. */
  private waiters: Waiter[] = [];

  constructor(private readonly timers: Timers) {}

  get size(): number {
    return this.waiters.length;
  }

  /**
   * Calls `complete(null)` once the high watermark reaches `requiredOffset`, or
   * `complete('REQUEST_TIMED_OUT')` after `timeoutMs`. The caller has checked it is not there yet.
   */
  wait(
    requiredOffset: number,
    timeoutMs: number,
    complete: (error: ErrorName | null) => void,
  ): void {
    const waiter: Waiter = { requiredOffset, complete, cancel: null };
    waiter.cancel = this.timers.schedule(Math.max(0, timeoutMs), () => {
      this.remove(waiter);
      complete('REQUEST_TIMED_OUT');
    });
    this.waiters.push(waiter);
  }

  /** The high watermark moved: completes the appends it now covers. */
  highWatermarkMoved(highWatermark: number): void {
    let done = 0;
    while (done < this.waiters.length && this.waiters[done]!.requiredOffset <= highWatermark) {
      done++;
    }
    if (done === 0) return;
    const completed = this.waiters.slice(0, done);
    this.waiters = this.waiters.slice(done);
    for (const w of completed) {
      w.cancel?.();
      w.complete(null);
    }
  }

  /** This node no longer leads (or closes the partition): every waiter gets `error`. */
  abortAll(error: ErrorName): void {
    const all = this.waiters;
    this.waiters = [];
    for (const w of all) {
      w.cancel?.();
      w.complete(error);
    }
  }

  private remove(waiter: Waiter): void {
    const i = this.waiters.indexOf(waiter);
    if (i >= 0) this.waiters.splice(i, 1);
  }
}
