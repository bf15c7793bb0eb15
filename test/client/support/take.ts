// Reads up to `n` records from a consumer's iterator (fewer if it ends first); a record that
// does not come fails the test with a message instead of hanging it.
import type { ConsumerRecord } from '../../../src/client/index.js';
import { within } from '../../support/wait.js';

export async function take(
  iter: AsyncIterator<ConsumerRecord>,
  n: number,
): Promise<ConsumerRecord[]> {
  const out: ConsumerRecord[] = [];
  while (out.length < n) {
    const next = await within(`record ${out.length + 1} of ${n}`, iter.next());
    if (next.done === true) break;
    out.push(next.value);
  }
  return out;
}
