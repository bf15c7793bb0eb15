// Where the appends of one produce request report their outcomes. A request writes to several
// partitions; rather than a promise per partition and a Promise.all over them (allocations and
// microtask turns on the hot path), every partition's append fills its slot and the last one
// settles the request's single promise.
import assert from 'node:assert/strict';
import type { ErrorName } from '../../protocol/errors.js';

export interface PartitionAppendResult {
  error: ErrorName | null;
  message: string | null;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  /** KIP-467: the records that made a batch fail (absent when none is named). */
  recordErrors?: readonly { batchIndex: number; message: string }[];
}

/** Receives append outcomes; `slot` numbers are the caller's (a request's partition order). */
export interface AppendSink {
  done(slot: number, result: PartitionAppendResult): void;
  /**
   * An unexpected failure (a bug, not a disk error) of the append in `slot`: the request fails
   * as a whole. Ignored for a slot already answered.
   */
  fail(slot: number, err: unknown): void;
  /** An append of slot's was written and now waits for the ISR (acks=all's purgatory). */
  waiting?(): void;
}

/**
 * Told when a request starts and stops waiting on others (Kafka's RemoteTimeMs): the request
 * pipeline's context implements it.
 */
export interface RemoteWait {
  enterRemote(): void;
  leaveRemote(): void;
}

/**
 * The results of a fixed number of appends, settled once every slot is filled or failed. Even a
 * failed request settles only after all its appends have finished: the batches are views of
 * the request frame, whose memory the server reuses once the handler has settled.
 */
export class AppendResults implements AppendSink {
  readonly settled: Promise<PartitionAppendResult[]>;
  private readonly results: PartitionAppendResult[];
  private readonly failedSlots = new Set<number>();
  private error: { cause: unknown } | null = null;
  private missing: number;
  private resolve!: (results: PartitionAppendResult[]) => void;
  private reject!: (err: unknown) => void;

  constructor(
    count: number,
    /** Told when the first append waits for the ISR and when the request settles. */
    private readonly remote: RemoteWait | null = null,
  ) {
    this.results = new Array<PartitionAppendResult>(count);
    this.missing = count;
    this.settled = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    if (count === 0) this.resolve(this.results);
  }

  done(slot: number, result: PartitionAppendResult): void {
    if (this.failedSlots.has(slot)) return;
    assert(this.results[slot] === undefined, 'an append slot is answered once');
    this.results[slot] = result;
    if (--this.missing === 0) this.settle();
  }

  fail(slot: number, err: unknown): void {
    // A slot already answered keeps its answer, as a settled promise would.
    if (this.results[slot] !== undefined || this.failedSlots.has(slot)) return;
    this.error ??= { cause: err };
    this.failedSlots.add(slot);
    if (--this.missing === 0) this.settle();
  }

  /**
   * Fails the slots from `slot` on after an error thrown while handing them out; `slot` itself
   * may have reached its append, whose later answer is then ignored.
   */
  abandon(slot: number, err: unknown): void {
    for (let s = slot; s < this.results.length; s++) this.fail(s, err);
  }

  waiting(): void {
    this.remote?.enterRemote();
  }

  private settle(): void {
    this.remote?.leaveRemote();
    if (this.error === null) this.resolve(this.results);
    else this.reject(this.error.cause);
  }
}

/** A failed append's result (nothing written). */
export function failedAppend(
  error: ErrorName,
  options: { message?: string | null; logStartOffset?: number } = {},
): PartitionAppendResult {
  return {
    error,
    message: options.message ?? null,
    baseOffset: -1,
    logAppendTimeMs: -1,
    logStartOffset: options.logStartOffset ?? -1,
  };
}
