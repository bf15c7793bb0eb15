// The transaction checker of the cluster tests, over txn_stream.py's results and what a
// read_committed consumer reads: each committed transaction whole and exactly once, nothing of
// an aborted one, an unknown one (its commit's outcome was never learnt) whole or absent.
import assert from 'node:assert/strict';

export interface TxnResult {
  t: number;
  r: 'commit' | 'abort' | 'unknown';
}

/** `values` are "<t>-<partition>-<i>", `partitions` × `perPartition` per transaction. */
export function checkTransactions(
  results: readonly TxnResult[],
  values: readonly string[],
  shape: { partitions: number; perPartition: number },
): { committed: number; aborted: number } {
  const byTxn = new Map<number, string[]>();
  for (const v of values) {
    const t = Number(v.split('-')[0]);
    byTxn.set(t, [...(byTxn.get(t) ?? []), v]);
  }
  const whole = shape.partitions * shape.perPartition;
  const outcome = new Map(results.map((r) => [r.t, r.r]));
  for (const [t, seen] of byTxn) {
    assert.ok(outcome.has(t), `transaction ${t} is one the producer reported`);
    assert.notEqual(outcome.get(t), 'abort', `aborted transaction ${t} is invisible`);
    assert.equal(new Set(seen).size, seen.length, `transaction ${t} has no record twice`);
    assert.equal(seen.length, whole, `transaction ${t} is whole: ${seen.join(' ')}`);
  }
  const commits = results.filter((r) => r.r === 'commit');
  const lost = commits.filter((r) => !byTxn.has(r.t)).map((r) => r.t);
  assert.deepEqual(lost, [], 'every committed transaction is visible');
  return { committed: commits.length, aborted: results.filter((r) => r.r === 'abort').length };
}
