// Encoding a Fetch response that carries 1 MiB of record batches (64 partitions × 16 KiB),
// the broker's hottest response. The batches are referenced, not copied, so encoding should
// cost a small fraction of copying that MiB once (the baseline, measured in the same run).
import {
  Writer,
  createFetchResponse,
  createFetchResponseFetchableTopicResponse,
  createFetchResponsePartitionData,
  encodeFetchResponse,
  type FetchResponse,
} from '../../src/protocol/index.js';

const PARTITIONS = 64;
const BATCH_BYTES = 16 * 1024;
const TOPICS = 4;
const ROUND_MS = 400;
const ROUNDS = 5;

const batches = Array.from({ length: PARTITIONS }, (_, i) => Buffer.alloc(BATCH_BYTES, i));

function response(): FetchResponse {
  const perTopic = PARTITIONS / TOPICS;
  return createFetchResponse({
    responses: Array.from({ length: TOPICS }, (_, t) =>
      createFetchResponseFetchableTopicResponse({
        topic: `bench-topic-${t}`,
        topicId: `0000000${t}-0000-0000-0000-000000000001`,
        partitions: Array.from({ length: perTopic }, (_, p) =>
          createFetchResponsePartitionData({
            partitionIndex: p,
            highWatermark: 1_000_000n,
            lastStableOffset: 1_000_000n,
            logStartOffset: 0n,
            abortedTransactions: [],
            records: batches[t * perTopic + p]!,
          }),
        ),
      }),
    ),
  });
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
      for (let i = 0; i < 20; i++) fn();
      calls += 20;
      now = process.hrtime.bigint();
    }
    perCall.push(Number(now - start) / calls);
  }
  return perCall.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!;
}

let sink = 0;
const copyNs = measure(() => {
  sink ^= Buffer.concat(batches).length;
});
console.log(
  `copying ${PARTITIONS} × ${BATCH_BYTES / 1024} KiB once: ${(copyNs / 1e3).toFixed(1)} µs [baseline]`,
);
const value = response();
for (const version of [11, 12, 16]) {
  const encodeNs = measure(() => {
    const w = new Writer();
    encodeFetchResponse(w, version, value);
    sink ^= w.toBuffers().length;
  });
  console.log(
    `Fetch v${version} encode: ${encodeNs.toFixed(0)} ns/response ` +
      `(${(encodeNs / PARTITIONS).toFixed(0)} ns/partition), ` +
      `${((encodeNs / copyNs) * 100).toFixed(1)}% of one copy`,
  );
}
if (sink === 0.5) console.log(sink);
