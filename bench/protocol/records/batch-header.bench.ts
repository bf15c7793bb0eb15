// CRC-32C and batch frame validation on 16 KiB batches: the work the broker does per produced
// batch. Baseline: copying the same bytes (memcpy) in the same run. Target: >= 3 GB/s.
import { checkBatchFrame } from '../../../src/protocol/records/batch-header.js';
import { encodeRecordBatchSync } from '../../../src/protocol/records/record-batch.js';
import { crc32c } from '../../../src/util/crc32c.js';
import { measure, realisticRecords, row } from './fixtures.js';

const batch = encodeRecordBatchSync(realisticRecords(16 * 1024 - 61));
const target = Buffer.allocUnsafe(batch.length);
let sink = 0;

const memcpy = await measure(batch.length, () => batch.copy(target));
const compare = await measure(batch.length, () => (sink += Buffer.compare(batch, target)));
const crc = await measure(batch.length, () => (sink ^= crc32c(batch.subarray(21))));
const check = await measure(batch.length, () => {
  const r = checkBatchFrame(batch, 0, batch.length, true);
  if (typeof r !== 'number') throw new Error(r);
});

console.log(`batch: ${batch.length} bytes`);
console.log(row('memcpy (baseline)', memcpy, memcpy));
console.log(row('Buffer.compare', compare, memcpy));
console.log(row('crc32c', crc, memcpy));
console.log(row('checkBatchFrame (with CRC)', check, memcpy));
if (sink === 0.5) console.log(sink);
