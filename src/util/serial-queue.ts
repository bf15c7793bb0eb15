// Runs asynchronous operations one after another, in the order they were queued: the appends
// of a partition, the operations of the metadata, the transactional writes of a coordinator.
// A failed operation fails only its own caller; the ones after it run as if it had succeeded.
//
// It sits on the produce path, so it costs as little as it can: with nothing queued an
// operation starts at once, in the caller's turn, and its caller gets the operation's own
// promise (no wrapper, so no extra turns of the microtask queue); one promise is chained per
// operation to know when it settles.

export class SerialQueue {
  /** Settles (never rejects) once the last operation queued has settled. */
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  /** Operations queued and not yet settled, the running one included. */
  get size(): number {
    return this.pending;
  }

  /**
   * Runs `op` once every operation queued before it has settled, and answers what it answers.
   * With nothing queued, `op` starts before `run` returns. An `op` that throws rejects the
   * returned promise, as if it had returned a rejected one. An operation must not wait for
   * one it queues on the same queue (that one waits for it).
   */
  run<T>(op: () => Promise<T> | T): Promise<T> {
    let result: Promise<T>;
    if (this.pending === 0) {
      this.pending = 1;
      let value: Promise<T> | T;
      try {
        value = op();
      } catch (err) {
        this.pending = 0;
        return Promise.reject(err);
      }
      // An operation that finished synchronously holds the queue for nothing.
      if (!(value instanceof Promise)) {
        this.pending = 0;
        return Promise.resolve(value);
      }
      result = value;
    } else {
      this.pending++;
      result = this.tail.then(op);
    }
    this.tail = result.then(this.settled, this.settled);
    return result;
  }

  /**
   * Settles (never rejects) once every operation queued so far has settled. It is the queue's
   * own tail, not a copy: an operation queued after this call behind others starts only after
   * the continuations of this promise, so a caller that awaits it and then marks its owner
   * closed is seen as closed by such operations.
   */
  idle(): Promise<void> {
    return this.tail;
  }

  private readonly settled = (): void => {
    this.pending--;
  };
}
