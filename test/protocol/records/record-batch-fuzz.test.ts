// Random and damaged input to the batch decoders: the only acceptable outcomes are a decoded
// batch or a RecordDecodeError. The seed is fixed so a failure reproduces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeRecordBatch,
  decodeRecordBatchSync,
  encodeRecordBatch,
  splitRecordBatches,
} from '../../../src/protocol/records/record-batch.js';
import { CompressionType } from '../../../src/protocol/records/compression.js';
import { RecordDecodeError } from '../../../src/protocol/records/record-decode-error.js';

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function outcome(buf: Buffer, verifyCrc: boolean): Promise<string> {
  try {
    const sync = (() => {
      try {
        return decodeRecordBatchSync(buf, { verifyCrc });
      } catch (e) {
        return e;
      }
    })();
    if (!(sync instanceof RecordDecodeError) && sync instanceof Error) throw sync;
    for (const frame of splitRecordBatches(buf)) void frame;
    await decodeRecordBatch(buf, { verifyCrc });
    return 'ok';
  } catch (e) {
    if (e instanceof RecordDecodeError) return e.problem;
    throw e;
  }
}

test('damaged batches decode or fail with RecordDecodeError only', async () => {
  const random = rng(12345);
  const seeds: Buffer[] = [];
  for (const codec of Object.values(CompressionType)) {
    seeds.push(
      await encodeRecordBatch(
        [
          { key: Buffer.from('key'), value: Buffer.from('{"a":1,"b":"two"}'), timestamp: 1000 },
          { value: null, headers: [{ key: 'h', value: Buffer.from('v') }], timestamp: 1001 },
        ],
        { compression: codec },
      ),
    );
  }
  let decodedAfterDamage = 0;
  for (let i = 0; i < 2500; i++) {
    const base = seeds[i % seeds.length]!;
    const buf = Buffer.from(base);
    const flips = 1 + Math.floor(random() * 4);
    for (let f = 0; f < flips; f++) {
      // Damage past the CRC'd header fields too, with the CRC check off, to reach the decoders.
      buf[Math.floor(random() * buf.length)] = Math.floor(random() * 256);
    }
    const cut = random() < 0.3 ? Math.floor(random() * buf.length) : buf.length;
    const result = await outcome(buf.subarray(0, cut), random() < 0.8 ? false : true);
    if (result === 'ok') decodedAfterDamage++;
  }
  for (let i = 0; i < 500; i++) {
    const junk = Buffer.alloc(Math.floor(random() * 200));
    for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
    if (junk.length > 17 && random() < 0.5) junk[16] = 2;
    await outcome(junk, false);
  }
  // Some damage (e.g. in a value's bytes) is undetectable without the CRC: the test reached
  // the record decoder and not only the frame checks.
  assert.ok(decodedAfterDamage > 0);
});
