// Reads up to `n` records from a consumer's iterator (fewer if it ends first).
import type { ConsumerRecord } from '../../../src/client/index.js';

export async function take(
  iter: AsyncIterator<ConsumerRecord>,
  n: number,
): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  while (out.length < n) {
    const next = await iter.next();
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}
