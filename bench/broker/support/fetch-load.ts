// A raw-protocol fetch load, as a consumer reading a topic from the start: one Fetch (v11, the
// version librdkafka 2.0.2 and KafkaJS use) in flight, every partition at its own offset; a
// partition read to its high watermark starts again at offset 0, so the same data is read
// from the page cache over and over and no fetch waits for new records.
import { connect } from 'node:net';
import {
  BatchHeader,
  BATCH_HEADER_BYTES,
  Reader,
  Writer,
  decodeFetchResponse,
  encodeFetchRequest,
  encodeFetchResponse,
  writeRequestHeader,
  type FetchResponse,
} from '../../../src/protocol/index.js';

export const FETCH_VERSION = 11;
const READ_BUFFER_BYTES = 4 << 20;

export interface FetchLoadOptions {
  port: number;
  topic: string;
  partitions: number;
  partitionMaxBytes: number;
  durationMs: number;
}

export interface FetchLoadResult {
  /** Record batch bytes received per second, in GB (10^9 bytes). */
  gbPerSec: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

function fetchRequest(o: FetchLoadOptions, offsets: number[], correlationId: number): Buffer[] {
  const w = new Writer();
  writeRequestHeader(w, {
    requestApiKey: 1,
    requestApiVersion: FETCH_VERSION,
    correlationId,
    clientId: 'rivulet-bench',
  });
  encodeFetchRequest(w, FETCH_VERSION, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 52_428_800,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: o.topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: offsets.map((offset, partition) => ({
          partition,
          currentLeaderEpoch: -1,
          fetchOffset: BigInt(offset),
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: o.partitionMaxBytes,
          replicaDirectoryId: '00000000-0000-0000-0000-000000000000',
          highWatermark: -1n,
        })),
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const parts = w.toBuffers();
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(
    parts.reduce((n, p) => n + p.length, 0),
    0,
  );
  return [size, ...parts];
}

/** The offset after the last complete batch in `records`, or -1 if there is none. */
function nextOffset(records: Buffer | null): number {
  let next = -1;
  let pos = 0;
  while (records !== null && records.length - pos >= BATCH_HEADER_BYTES) {
    const h = new BatchHeader(records, pos);
    if (pos + h.totalSize > records.length) break;
    next = h.lastOffsetNumber + 1;
    pos += h.totalSize;
  }
  return next;
}

export async function runFetchLoad(o: FetchLoadOptions): Promise<FetchLoadResult> {
  // Reads into one large buffer and assembles frames in one reused buffer: Node's default
  // 64 KiB chunks and a fresh allocation per frame would cost more than the server's work.
  const assembler = new FrameAssembler();
  const socket = connect({
    port: o.port,
    host: '127.0.0.1',
    onread: {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (n, buf) => (assembler.push(Buffer.from(buf.buffer, buf.byteOffset, n)), true),
    },
  });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const offsets = new Array<number>(o.partitions).fill(0);
  const latencies: number[] = [];
  let bytes = 0;
  let errors = 0;
  let correlationId = 0;
  let sentAt = 0;
  const t0 = performance.now();
  const send = () => {
    sentAt = performance.now();
    socket.cork();
    for (const part of fetchRequest(o, offsets, correlationId++)) socket.write(part);
    socket.uncork();
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => reject(new Error('connection closed by the server')));
    socket.once('error', reject);
    assembler.onFrame = (f) => {
      const now = performance.now();
      latencies.push(now - sentAt);
      const response: FetchResponse = decodeFetchResponse(new Reader(f, 4), FETCH_VERSION);
      if (response.errorCode !== 0) errors++;
      for (const p of response.responses[0]?.partitions ?? []) {
        if (p.errorCode !== 0) errors++;
        bytes += p.records?.length ?? 0;
        // Start again from 0 at the end, so that no fetch has to wait for new data.
        const next = nextOffset(p.records);
        offsets[p.partitionIndex] = next === -1 || next >= Number(p.highWatermark) ? 0 : next;
      }
      if (now - t0 < o.durationMs) send();
      else resolve();
    };
    send();
  });
  const seconds = (performance.now() - t0) / 1000;
  socket.removeAllListeners('close');
  socket.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  return {
    gbPerSec: bytes / seconds / 1e9,
    requests: latencies.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    errors,
  };
}

/** A Fetch v11 response body (after the correlation id) carrying `records` per partition. */
export function nullFetchResponseBody(topic: string, partitions: number, records: Buffer): Buffer {
  const w = new Writer();
  encodeFetchResponse(w, FETCH_VERSION, {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    nodeEndpoints: [],
    responses: [
      {
        topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
          partitionIndex,
          errorCode: 0,
          highWatermark: 1n << 40n,
          lastStableOffset: 1n << 40n,
          logStartOffset: 0n,
          divergingEpoch: { epoch: -1, endOffset: -1n },
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
          snapshotId: { endOffset: -1n, epoch: -1 },
          abortedTransactions: [],
          preferredReadReplica: -1,
          records,
        })),
      },
    ],
  });
  return w.toBuffer();
}

/** Cuts a byte stream into size-prefixed frames, each valid only during its onFrame call. */
class FrameAssembler {
  onFrame: (frame: Buffer) => void = () => {};
  private readonly prefix = Buffer.alloc(4);
  private prefixFilled = 0;
  private frame = Buffer.allocUnsafe(1 << 20);
  private size = -1;
  private filled = 0;

  push(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.size < 0) {
        const n = Math.min(4 - this.prefixFilled, chunk.length - pos);
        chunk.copy(this.prefix, this.prefixFilled, pos, pos + n);
        this.prefixFilled += n;
        pos += n;
        if (this.prefixFilled < 4) return;
        this.size = this.prefix.readInt32BE(0);
        this.prefixFilled = 0;
        this.filled = 0;
        if (this.frame.length < this.size) this.frame = Buffer.allocUnsafe(this.size);
      }
      const n = Math.min(this.size - this.filled, chunk.length - pos);
      chunk.copy(this.frame, this.filled, pos, pos + n);
      this.filled += n;
      pos += n;
      if (this.filled === this.size) {
        this.size = -1;
        this.onFrame(this.frame.subarray(0, this.filled));
      }
    }
  }
}
