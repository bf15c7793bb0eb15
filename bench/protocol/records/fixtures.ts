// Shared inputs for the record benchmarks: records shaped like typical application events
// (JSON values of a few hundred bytes with some repetition, short keys, a header), filled up
// to a target batch size. Seeded, so every run measures the same bytes.
import type { RecordInput } from '../../../src/protocol/records/record.js';

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const WORDS = [
  'order',
  'created',
  'shipped',
  'user',
  'cart',
  'paid',
  'eu-west',
  'us-east',
  'mobile',
];

export function realisticRecords(targetBytes: number, seed = 7): RecordInput[] {
  const random = rng(seed);
  const pick = () => WORDS[Math.floor(random() * WORDS.length)]!;
  const out: RecordInput[] = [];
  let bytes = 0;
  for (let i = 0; bytes < targetBytes; i++) {
    const value = Buffer.from(
      JSON.stringify({
        id: `${pick()}-${Math.floor(random() * 1e9).toString(36)}`,
        type: `${pick()}.${pick()}`,
        ts: 1_700_000_000_000 + i * 17,
        amount: Math.round(random() * 100000) / 100,
        region: pick(),
        items: Array.from({ length: 1 + Math.floor(random() * 4) }, () => ({
          sku: Math.floor(random() * 1e6),
          qty: 1 + Math.floor(random() * 3),
        })),
      }),
    );
    const key = Buffer.from(`user-${Math.floor(random() * 5000)}`);
    out.push({
      key,
      value,
      timestamp: 1_700_000_000_000 + i,
      headers: [{ key: 'source', value: Buffer.from(pick()) }],
    });
    bytes += key.length + value.length + 20;
  }
  return out;
}

/** Runs `fn` repeatedly for about `durationMs` and returns MB/s over `bytesPerCall`. */
export async function measure(
  bytesPerCall: number,
  fn: () => unknown,
  durationMs = 600,
): Promise<number> {
  for (let i = 0; i < 50; i++) await fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 20; i++) await fn();
    calls += 20;
    now = process.hrtime.bigint();
  }
  const seconds = Number(now - start) / 1e9;
  return (calls * bytesPerCall) / seconds / 1e6;
}

/** Like {@link measure} but for a function whose result is a promise, awaited one at a time. */
export const measureAsync = measure;

export function row(name: string, mbPerSec: number, baseline: number): string {
  return `${name.padEnd(46)} ${mbPerSec.toFixed(0).padStart(8)} MB/s   x${(mbPerSec / baseline).toFixed(2)} baseline`;
}
