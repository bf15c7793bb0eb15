// Bounding an operation by a request's timeoutMs: the operation still completes (a commit to
// the metadata log cannot be taken back), but the answer says REQUEST_TIMED_OUT, as Kafka's
// does when the controller is slower than the client allows.

import type { Timers } from '../../../util/index.js';

export const TIMED_OUT = Symbol('timed out');

/** `work`'s result, or TIMED_OUT if it takes longer than `timeoutMs` (> 0; else no bound). */
export function withTimeout<T>(
  work: Promise<T>,
  timeoutMs: number,
  timers: Timers,
): Promise<T | typeof TIMED_OUT> {
  if (!(timeoutMs > 0)) return work;
  let cancel = (): void => {};
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    cancel = timers.schedule(timeoutMs, () => resolve(TIMED_OUT));
  });
  return Promise.race([work, timeout]).finally(() => cancel());
}
