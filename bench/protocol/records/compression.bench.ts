// compress/decompress throughput per codec on 16 KiB record regions of realistic records,
// sync, async on the thread pool (offloadAboveBytes 0) and async as used (inline at this size). Baseline: gzip level 1 (sync) in the same run. Also the
// snappy binding with and without copyOutputData, which matters a lot on this machine.
import { gzipSync, gunzipSync } from 'node:zlib';
import * as snappy from 'snappy';
import {
  compress,
  compressSync,
  CompressionType,
  decompress,
  decompressSync,
  hasSyncCodec,
} from '../../../src/protocol/records/compression.js';
import { encodeRecords } from '../../../src/protocol/records/record.js';
import { measure, realisticRecords, row } from './fixtures.js';

const region = encodeRecords(realisticRecords(16 * 1024), 1_700_000_000_000).subarray(0, 16 * 1024);
const n = region.length;
const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

const gz1 = gzipSync(region, { level: 1 });
const baseC = await measure(n, () => gzipSync(region, { level: 1 }));
const baseD = await measure(n, () => gunzipSync(gz1));
console.log(`input: ${n} bytes of records`);
console.log(row('gzip level 1 compress (baseline)', baseC, baseC));
console.log(row('gzip level 1 decompress (baseline)', baseD, baseD));

for (const codec of [
  CompressionType.Gzip,
  CompressionType.Snappy,
  CompressionType.Lz4,
  CompressionType.Zstd,
]) {
  const name = NAMES[codec]!;
  const packed = await compress(codec, region);
  const pool = { offloadAboveBytes: 0 };
  console.log(`-- ${name}: ratio ${(n / packed.length).toFixed(2)}`);
  const cases: [string, () => unknown, number][] = [];
  if (hasSyncCodec(codec)) {
    cases.push([`${name} compress sync`, () => compressSync(codec, region), baseC]);
    cases.push([`${name} compress async (default: inline)`, () => compress(codec, region), baseC]);
  }
  cases.push([`${name} compress async (thread pool)`, () => compress(codec, region, pool), baseC]);
  if (hasSyncCodec(codec)) {
    cases.push([`${name} decompress sync`, () => decompressSync(codec, packed), baseD]);
    cases.push([
      `${name} decompress async (default: inline)`,
      () => decompress(codec, packed),
      baseD,
    ]);
  }
  cases.push([
    `${name} decompress async (thread pool)`,
    () => decompress(codec, packed, pool),
    baseD,
  ]);
  for (const [label, fn, base] of cases) console.log(row(label, await measure(n, fn), base));
}

console.log('-- snappy binding, raw block, copyOutputData');
const raw = snappy.compressSync(region);
for (const copy of [false, true]) {
  const c = await measure(n, () => snappy.compressSync(region, { copyOutputData: copy }));
  const d = await measure(n, () =>
    snappy.uncompressSync(raw, { asBuffer: true, copyOutputData: copy }),
  );
  console.log(row(`snappy compressSync copyOutputData=${copy}`, c, baseC));
  console.log(row(`snappy uncompressSync copyOutputData=${copy}`, d, baseD));
}
