// Bounded concurrency for I/O fan-out: thousands of partitions are opened, created and closed
// a few dozen at a time, so their system calls overlap without queueing thousands of
// operations (and file descriptors) at once.

/**
 * Runs `fn` over `items` with at most `limit` calls in flight. After a call fails no new one
 * starts; the calls in flight finish and the first failure is thrown.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < items.length && failure === null) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== null) throw (failure as { err: unknown }).err;
}
