// Decoding a Produce request that carries 1 MiB of record batches (64 partitions × 16 KiB),
// against the baseline the broker pays anyway: CRC32C over the same 1 MiB. Decoding only walks
// around the batches (they stay views of the request), so it should cost a few percent of
// validating them. Prints figures and ratios measured in the same run.
import { BATCH_HEADER_BYTES, BatchHeader } from '../../src/protocol/records/batch-header.js';
import {
  Reader,
  Writer,
  decodeProduceRequest,
  encodeProduceRequest,
  readRequestHeader,
  writeRequestHeader,
  type ProduceRequest,
} from '../../src/protocol/index.js';
import { crc32c } from '../../src/util/crc32c.js';

const PARTITIONS = 64;
const BATCH_BYTES = 16 * 1024;
const TOPICS = 4;
const ROUND_MS = 400;
const ROUNDS = 5;

/** A batch whose header is valid (length, magic, CRC) and whose records are opaque bytes. */
function batch(seed: number): Buffer {
  const b = Buffer.alloc(BATCH_BYTES);
  for (let i = BATCH_HEADER_BYTES; i < b.length; i++) b[i] = (i * 31 + seed) & 0xff;
  b.writeBigInt64BE(0n, 0);
  b.writeInt32BE(BATCH_BYTES - 12, 8);
  b.writeInt32BE(-1, 12);
  b.writeInt8(2, 16);
  b.writeInt32BE(99, 23);
  b.writeBigInt64BE(-1n, 43);
  b.writeInt16BE(-1, 51);
  b.writeInt32BE(-1, 53);
  b.writeInt32BE(100, 57);
  new BatchHeader(b, 0).updateCrc();
  return b;
}

const batches = Array.from({ length: PARTITIONS }, (_, i) => batch(i));

function request(): ProduceRequest {
  const perTopic = PARTITIONS / TOPICS;
  return {
    transactionalId: null,
    acks: -1,
    timeoutMs: 30000,
    topicData: Array.from({ length: TOPICS }, (_, t) => ({
      name: `bench-topic-${t}`,
      topicId: '00000000-0000-0000-0000-000000000000',
      partitionData: Array.from({ length: perTopic }, (_, p) => ({
        index: p,
        records: batches[t * perTopic + p]!,
      })),
    })),
  };
}

function frame(version: number): Buffer {
  const w = new Writer();
  writeRequestHeader(w, {
    requestApiKey: 0,
    requestApiVersion: version,
    correlationId: 1,
    clientId: 'bench',
  });
  encodeProduceRequest(w, version, request());
  return w.toBuffer();
}

/** Median nanoseconds per call of `fn` over several timed rounds. */
function measure(fn: () => unknown): number {
  for (let i = 0; i < 200; i++) fn();
  const perCall: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(ROUND_MS * 1e6);
    let now = start;
    while (now < deadline) {
      for (let i = 0; i < 50; i++) fn();
      calls += 50;
      now = process.hrtime.bigint();
    }
    perCall.push(Number(now - start) / calls);
  }
  return perCall.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

let sink = 0;
const crcNs = measure(() => {
  for (const b of batches) sink ^= crc32c(b.subarray(21));
});
const payloadBytes = PARTITIONS * BATCH_BYTES;
const mbPerS = (bytes: number, ns: number): string => ((bytes / ns) * 1e3).toFixed(0);
console.log(
  `crc32c of ${PARTITIONS} × ${BATCH_BYTES / 1024} KiB: ${(crcNs / 1e3).toFixed(1)} µs ` +
    `(${mbPerS(payloadBytes, crcNs)} MB/s) [baseline]`,
);

for (const version of [9, 7]) {
  const bytes = frame(version);
  const decodeNs = measure(() => {
    const r = new Reader(bytes);
    const header = readRequestHeader(r);
    const body = decodeProduceRequest(r, header.requestApiVersion);
    sink ^= body.topicData.length;
  });
  const encodeNs = measure(() => {
    const w = new Writer();
    encodeProduceRequest(w, version, request());
    sink ^= w.toBuffers().length;
  });
  console.log(
    `Produce v${version} decode: ${decodeNs.toFixed(0)} ns/request, ` +
      `${mbPerS(bytes.length, decodeNs)} MB/s of request bytes, ` +
      `${((decodeNs / crcNs) * 100).toFixed(2)}% of crc32c (target < 5%)`,
  );
  console.log(
    `Produce v${version} encode (zero-copy records): ${encodeNs.toFixed(0)} ns/request, ` +
      `${((encodeNs / crcNs) * 100).toFixed(2)}% of crc32c`,
  );
}
if (sink === 0.5) console.log(sink);
