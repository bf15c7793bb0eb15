// Bounded concurrency for I/O fan-out: thousands of partitions are opened, created and closed
// a few dozen at a time, so their system calls overlap without queueing thousands of
// operations (and file descriptors) at once.

/**
 * Runs `fn` over `items` with at most `limit` calls in flight; resolves when all have settled.
 * Every item is attempted; the first failure (in item order) is thrown after all finished.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const failures: { index: number; err: unknown }[] = [];
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        await fn(items[index]!, index);
      } catch (err) {
        failures.push({ index, err });
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failures.length > 0) {
    failures.sort((a, b) => a.index - b.index);
    throw failures[0]!.err;
  }
}
