// Our own raw-protocol produce load: one connection (as a producer has per broker) keeping a
// window of Produce requests in flight, each carrying one batch per partition (uncompressed,
// or compressed with a codec when asked: then the values are JSON-like text of random words and
// numbers, which every codec compresses, instead of one repeated byte). The request bytes after the
// correlation id are encoded once and shared by every request.
import { connect, type Socket } from 'node:net';
import {
  FrameDecoder,
  Reader,
  Writer,
  decodeProduceResponse,
  encodeProduceRequest,
  encodeProduceResponse,
  encodeRecordBatch,
  encodeRecordBatchSync,
  isFrameProblem,
  writeRequestHeader,
  type CompressionType,
  type ProduceResponse,
} from '../../../src/protocol/index.js';

export const PRODUCE_VERSION = 9;

export interface ProduceLoadOptions {
  port: number;
  topic: string;
  partitions?: number;
  recordBytes?: number;
  recordsPerBatch?: number;
  /** Requests in flight on the connection (max.in.flight.requests.per.connection). */
  inFlight?: number;
  durationMs: number;
  /** Stop after this many requests even if time is left. */
  maxRequests?: number;
  acks?: number;
  /** Compression codec id of the batches (CompressionType); none by default. */
  compression?: number;
}

export interface LoadResult {
  /** Record value bytes acknowledged per second, in MB (10^6 bytes). */
  mbPerSec: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** Partition responses with a non-zero error code. */
  errors: number;
}

/** The generator's whole request (header and body, no size prefix) and its one batch. */
export function produceLoadRequest(options: {
  topic: string;
  partitions: number;
  recordBytes: number;
  recordsPerBatch: number;
  acks: number;
  /** The batch to send to every partition (default: uncompressed records of one byte). */
  batch?: Buffer;
}): { frame: Buffer; batch: Buffer } {
  const value = Buffer.alloc(options.recordBytes, 0x61);
  const records = Array.from({ length: options.recordsPerBatch }, () => ({ value }));
  const batch = options.batch ?? encodeRecordBatchSync(records, { timestamp: Date.now() });
  const w = new Writer();
  writeRequestHeader(w, {
    requestApiKey: 0,
    requestApiVersion: PRODUCE_VERSION,
    correlationId: 0,
    clientId: 'rivulet-bench',
  });
  encodeProduceRequest(w, PRODUCE_VERSION, {
    transactionalId: null,
    acks: options.acks,
    timeoutMs: 30_000,
    topicData: [
      {
        name: options.topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionData: Array.from({ length: options.partitions }, (_, index) => ({
          index,
          records: batch,
        })),
      },
    ],
  });
  return { frame: w.toBuffer(), batch };
}

/** The request after the 8-byte header prefix (apiKey, apiVersion, correlationId). */
async function requestTail(
  options: Required<Omit<ProduceLoadOptions, 'port' | 'durationMs' | 'maxRequests'>>,
): Promise<Buffer> {
  if (options.compression === 0) return produceLoadRequest(options).frame.subarray(8);
  const batch = await encodeRecordBatch(
    Array.from({ length: options.recordsPerBatch }, () => ({
      value: textValue(options.recordBytes),
    })),
    { compression: options.compression as CompressionType, timestamp: Date.now() },
  );
  return produceLoadRequest({ ...options, batch }).frame.subarray(8);
}

const WORDS = ['{"id":', '"name":', '"kafka"', '"record"', '"ts":', ',', '}', ' ', 'offset', '\n'];

/** JSON-like text of random words and numbers: lz4 halves it, gzip and zstd do better. */
function textValue(bytes: number): Buffer {
  let text = '';
  while (text.length < bytes) {
    text += WORDS[Math.floor(Math.random() * WORDS.length)]!;
    if (Math.random() < 0.3) text += String(Math.floor(Math.random() * 100_000));
  }
  return Buffer.from(text.slice(0, bytes));
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

export async function runProduceLoad(options: ProduceLoadOptions): Promise<LoadResult> {
  const o = {
    topic: options.topic,
    partitions: options.partitions ?? 8,
    recordBytes: options.recordBytes ?? 1024,
    recordsPerBatch: options.recordsPerBatch ?? 16,
    inFlight: options.inFlight ?? 5,
    acks: options.acks ?? 1,
    compression: options.compression ?? 0,
  };
  const tail = await requestTail(o);
  const bytesPerRequest = o.partitions * o.recordsPerBatch * o.recordBytes;
  const socket: Socket = connect({ port: options.port, host: '127.0.0.1' });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 26 });
  const sentAt: number[] = [];
  const latencies: number[] = [];
  let correlationId = 0;
  let errors = 0;
  const t0 = performance.now();
  const send = () => {
    const head = Buffer.allocUnsafe(12);
    head.writeInt32BE(8 + tail.length, 0);
    head.writeInt16BE(0, 4);
    head.writeInt16BE(PRODUCE_VERSION, 6);
    head.writeInt32BE(correlationId++, 8);
    sentAt.push(performance.now());
    socket.cork();
    socket.write(head);
    socket.write(tail);
    socket.uncork();
  };
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => reject(new Error('connection closed by the server')));
    socket.on('data', (chunk: Buffer) => {
      decoder.push(chunk);
      for (let f = decoder.next(); f !== null; f = decoder.next()) {
        if (isFrameProblem(f)) return reject(new Error(`bad response frame: ${f.kind}`));
        const now = performance.now();
        latencies.push(now - sentAt.shift()!);
        const r = new Reader(f, 4);
        r.tags({}); // response header v1 (Produce v9+ is flexible)
        const response: ProduceResponse = decodeProduceResponse(r, PRODUCE_VERSION);
        for (const t of response.responses) {
          for (const p of t.partitionResponses) if (p.errorCode !== 0) errors++;
        }
        const more = correlationId < (options.maxRequests ?? Infinity);
        if (more && now - t0 < options.durationMs) send();
        else if (sentAt.length === 0) return resolve();
      }
    });
    for (let i = 0; i < Math.min(o.inFlight, options.maxRequests ?? Infinity); i++) send();
  });
  const seconds = (performance.now() - t0) / 1000;
  socket.removeAllListeners('close');
  socket.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    mbPerSec: (latencies.length * bytesPerRequest) / seconds / 1e6,
    requests: latencies.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    errors,
  };
}

/** A successful Produce response body (after the correlation id) for the null handler. */
export function nullProduceResponseBody(topic: string, partitions: number): Buffer {
  const w = new Writer();
  w.uvarint(0); // response header v1: no tagged fields
  encodeProduceResponse(w, PRODUCE_VERSION, {
    throttleTimeMs: 0,
    nodeEndpoints: [],
    responses: [
      {
        name: topic,
        topicId: '00000000-0000-0000-0000-000000000000',
        partitionResponses: Array.from({ length: partitions }, (_, index) => ({
          index,
          errorCode: 0,
          baseOffset: 0n,
          logAppendTimeMs: -1n,
          logStartOffset: 0n,
          recordErrors: [],
          errorMessage: null,
          currentLeader: { leaderId: -1, leaderEpoch: -1 },
        })),
      },
    ],
  });
  return w.toBuffer();
}
