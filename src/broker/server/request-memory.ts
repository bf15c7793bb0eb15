// The server-wide budget for request bytes, queued.max.request.bytes. It counts every byte of
// request frames the broker holds: frames being gathered across reads (staging buffers),
// frames read but not yet started, and frames whose handler has not settled. Without it ten
// clients each sending most of a 100 MB frame make the broker hold a gigabyte.
//
// As in Kafka, a frame that spans reads is admitted whole before its bytes are gathered: its
// full size is reserved when its size prefix arrives, so an admitted frame can always
// complete. Unlike Kafka's pool (which admits while any byte is free and may overshoot by one
// whole request) admission here is strict: the frame must fit under the limit, and frames
// waiting for admission are admitted in arrival order. Bytes already read into memory (a whole
// frame within one read, the first bytes of a frame that is refused admission) are counted
// unconditionally; once the count reaches the limit every connection stops reading except those
// completing an admitted frame, so the count stays within the limit plus one read per such
// connection.

/** A connection waiting for request memory. */
export interface MemoryWaiter {
  /** Memory was released; try again (admission or reading). */
  memoryAvailable(): void;
}

export class RequestMemory {
  private used = 0;
  private peak = 0;
  private wakeScheduled = false;
  /** Connections whose staged frame waits for admission, in arrival order. */
  private readonly admissions = new Set<MemoryWaiter>();
  /** Connections that stopped reading because the limit was reached. */
  private readonly stopped = new Set<MemoryWaiter>();

  /**
   * `limitBytes` is queued.max.request.bytes (Infinity: unbounded, counted only);
   * `onExhausted` runs when the count reaches the limit, to stop every connection's reads.
   */
  constructor(
    readonly limitBytes: number,
    private readonly onExhausted: () => void = () => {},
  ) {}

  /** Request bytes held now. */
  get usedBytes(): number {
    return this.used;
  }

  /** The most request bytes held at once since the server started. */
  get peakBytes(): number {
    return this.peak;
  }

  /** Whether the limit is reached: connections should not read more. */
  get exhausted(): boolean {
    return this.used >= this.limitBytes;
  }

  /** Connections waiting for memory (admission or reading). */
  get waitingCount(): number {
    return this.admissions.size + this.stopped.size;
  }

  /**
   * Reserves `bytes` for `waiter`'s staged frame if they fit under the limit and no earlier
   * frame waits for admission; otherwise queues `waiter` and returns false.
   */
  tryReserve(bytes: number, waiter: MemoryWaiter): boolean {
    const first = this.admissions.size === 0 || this.admissions.values().next().value === waiter;
    if (!first || this.used + bytes > this.limitBytes) {
      this.admissions.add(waiter);
      return false;
    }
    this.admissions.delete(waiter);
    this.add(bytes);
    return true;
  }

  /** Counts bytes that are already in memory (they were read before anything could stop them). */
  add(bytes: number): void {
    const was = this.exhausted;
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    if (!was && this.exhausted) this.onExhausted();
  }

  release(bytes: number): void {
    this.used -= bytes;
    if (this.used < 0) throw new Error(`request memory released below zero (${this.used})`);
    if (this.wakeScheduled || this.admissions.size + this.stopped.size === 0) return;
    // Waiters are woken once the current callback is over, never inside a connection's read.
    this.wakeScheduled = true;
    queueMicrotask(this.wakeNow);
  }

  private readonly wakeNow = (): void => {
    this.wakeScheduled = false;
    if (!this.exhausted) this.wake();
  };

  /** `waiter` stopped reading because the limit is reached; it is woken when it is not. */
  stop(waiter: MemoryWaiter): void {
    this.stopped.add(waiter);
  }

  /** `waiter` no longer waits (it closed). */
  forget(waiter: MemoryWaiter): void {
    this.admissions.delete(waiter);
    this.stopped.delete(waiter);
  }

  /**
   * Offers freed memory: the first frame waiting for admission gets it if it fits (the next
   * ones only after it), and stopped connections resume reading while the limit is not reached.
   */
  private wake(): void {
    for (const waiter of this.admissions) {
      if (this.exhausted) return;
      waiter.memoryAvailable();
      if (this.admissions.has(waiter)) break;
    }
    for (const waiter of this.stopped) {
      if (this.exhausted) return;
      this.stopped.delete(waiter);
      waiter.memoryAvailable();
    }
  }
}
