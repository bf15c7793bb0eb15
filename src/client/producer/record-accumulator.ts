// The accumulator (Kafka's RecordAccumulator): records are appended to an open batch per
// partition; a batch becomes ready when it reaches batch.size, when it has lingered linger.ms,
// or at once while a flush is under way. It owns the buffer memory the batches hold and the
// set of batches not answered yet, which flush() waits for.
import type { RecordHeader, RecordInput } from '../../protocol/index.js';
import { BufferMemory } from './buffer-memory.js';
import { DeliverySink, ProducerBatch, RECORD_OVERHEAD_BYTES } from './batch.js';
import type { Bytes, ProducerRecord } from './types.js';

/** Sending state of one partition. */
export interface PartitionQueue {
  topic: string;
  partition: number;
  open: ProducerBatch | null;
  ready: ProducerBatch[];
  inFlight: number;
  nextSequence: number;
  /** A batch failed and waits to be resent: send one at a time until it succeeds. */
  retrying: boolean;
  /** Transactional producers: AddPartitionsToTxn for this partition is under way. */
  adding: boolean;
}

export interface AccumulatorOptions {
  batchSize: number;
  lingerMs: number;
  memory: BufferMemory;
  now: () => number;
}

export class RecordAccumulator {
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly memory: BufferMemory;
  /** Every partition queue, in creation order. */
  readonly queues: PartitionQueue[] = [];
  /** Batches appended to and not answered yet. */
  readonly unfinished = new Set<ProducerBatch>();
  /** flush() calls under way: every batch is ready at once. */
  flushing = 0;
  private readonly now: () => number;
  /** The same queues by topic and partition. */
  private readonly queuesByTopic = new Map<string, PartitionQueue[]>();

  constructor(options: AccumulatorOptions) {
    this.batchSize = options.batchSize;
    this.lingerMs = options.lingerMs;
    this.memory = options.memory;
    this.now = options.now;
  }

  queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queuesByTopic.get(topic);
    if (byPartition === undefined) {
      byPartition = [];
      this.queuesByTopic.set(topic, byPartition);
    }
    let q = byPartition[partition];
    if (q === undefined) {
      q = {
        topic,
        partition,
        open: null,
        ready: [],
        inFlight: 0,
        nextSequence: 0,
        retrying: false,
        adding: false,
      };
      byPartition[partition] = q;
      this.queues.push(q);
    }
    return q;
  }

  /**
   * Appends one record (its buffer memory already reserved) to the partition's open batch.
   * Returns true when something should be sent now rather than after linger.ms.
   */
  append(
    q: PartitionQueue,
    input: RecordInput,
    sizeBytes: number,
    sink: DeliverySink,
    index: number,
  ): boolean {
    if (
      q.open !== null &&
      q.open.sizeBytes + sizeBytes > this.batchSize &&
      q.open.records.length > 0
    ) {
      q.ready.push(q.open);
      q.open = null;
    }
    if (q.open === null) {
      q.open = new ProducerBatch(q.topic, q.partition, this.now());
      this.unfinished.add(q.open);
    }
    q.open.add(input, sizeBytes, sink, index);
    if (q.open.sizeBytes >= this.batchSize) {
      q.ready.push(q.open);
      q.open = null;
    }
    return q.ready.length > 0 || this.flushing > 0 || this.lingerMs === 0;
  }

  /**
   * Moves the open batch of `q` to the ready ones if it has lingered long enough (or a flush
   * is under way). Returns true when it stays open.
   */
  closeLingered(q: PartitionQueue, nowMs: number): boolean {
    if (q.open !== null && (this.flushing > 0 || nowMs - q.open.createdMs >= this.lingerMs)) {
      q.ready.push(q.open);
      q.open = null;
    }
    return q.open !== null;
  }

  /** Takes every batch of `q` not sent yet, the open one included. */
  takeUnsent(q: PartitionQueue): ProducerBatch[] {
    if (q.open !== null) q.ready.push(q.open);
    q.open = null;
    return q.ready.splice(0);
  }

  /** `b` has been answered (or failed for good): its buffer memory goes back. */
  deallocate(b: ProducerBatch): void {
    this.unfinished.delete(b);
    this.memory.release(b.sizeBytes);
  }

  /**
   * Puts `parts` (each record of a refused batch in a batch of its own) in the place of `b`,
   * at the head of its queue.
   */
  replaceWithParts(q: PartitionQueue, b: ProducerBatch, parts: ProducerBatch[]): void {
    this.unfinished.delete(b);
    let sizeBytes = 0;
    for (const part of parts) {
      sizeBytes += part.sizeBytes;
      this.unfinished.add(part);
    }
    this.memory.adjust(sizeBytes - b.sizeBytes);
    q.ready.unshift(...parts);
  }
}

function toBuffer(b: Bytes | null | undefined): Buffer | null {
  if (b == null) return null;
  return typeof b === 'string' ? Buffer.from(b) : b;
}

const NO_HEADERS: readonly RecordHeader[] = Object.freeze([]);

/** The record as the batch encoder takes it; CreateTime is `nowMs` unless the record has one. */
export function toRecordInput(record: ProducerRecord, nowMs: number): RecordInput {
  let headers: readonly RecordHeader[] = NO_HEADERS;
  if (Array.isArray(record.headers)) {
    headers = record.headers.map((h: { key: string; value: Bytes | null }) => ({
      key: h.key,
      value: toBuffer(h.value),
    }));
  } else if (record.headers !== undefined) {
    headers = Object.entries(record.headers).map(([key, value]) => ({
      key,
      value: toBuffer(value as Bytes),
    }));
  }
  return {
    key: toBuffer(record.key),
    value: toBuffer(record.value),
    headers,
    timestamp: record.timestamp ?? nowMs,
  };
}

/** The bytes a record takes in a batch, near enough for batch.size and buffer.memory. */
export function recordSize(r: RecordInput): number {
  let size = RECORD_OVERHEAD_BYTES + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  const headers = r.headers;
  if (headers !== undefined)
    for (let i = 0; i < headers.length; i++)
      size += headers[i]!.key.length + (headers[i]!.value?.length ?? 0) + 4;
  return size;
}
