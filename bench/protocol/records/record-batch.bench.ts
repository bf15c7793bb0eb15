// Encoding and decoding whole uncompressed 16 KiB batches of realistic records, as a client
// does per produce and per fetch. Baseline: CRC-32C over the same bytes in the same run, the
// least work any reader of the batch does.
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
} from '../../../src/protocol/records/record-batch.js';
import { crc32c } from '../../../src/util/crc32c.js';
import { measure, realisticRecords, row } from './fixtures.js';

const records = realisticRecords(16 * 1024 - 61);
const batch = encodeRecordBatchSync(records);
let sink = 0;

const crc = await measure(batch.length, () => (sink ^= crc32c(batch.subarray(21))));
const encode = await measure(batch.length, () => encodeRecordBatchSync(records));
const decode = await measure(batch.length, () => decodeRecordBatchSync(batch));
const decodeNoCrc = await measure(batch.length, () =>
  decodeRecordBatchSync(batch, { verifyCrc: false }),
);

console.log(`batch: ${batch.length} bytes, ${records.length} records`);
console.log(row('crc32c (baseline)', crc, crc));
console.log(row('encodeRecordBatchSync', encode, crc));
console.log(row('decodeRecordBatchSync', decode, crc));
console.log(row('decodeRecordBatchSync without CRC check', decodeNoCrc, crc));
const perRecordNs = (batch.length / (decode * 1e6) / records.length) * 1e9;
console.log(`decode: ${perRecordNs.toFixed(0)} ns per record`);
if (sink === 0.5) console.log(sink);
