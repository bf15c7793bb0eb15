// Bounding an operation by a request's timeoutMs: the operation still completes (a commit to
// the metadata log cannot be taken back), but the answer says REQUEST_TIMED_OUT, as Kafka's
// does when the controller is slower than the client allows.

export const TIMED_OUT = Symbol('timed out');

/** `work`'s result, or TIMED_OUT if it takes longer than `timeoutMs` (> 0; else no bound). */
export function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
  if (!(timeoutMs > 0)) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
