// A batch of records for one partition, from the first append to its last delivery report.
// Its sequence number is fixed the first time it is sent, and its encoded bytes are kept, so a
// retry resends exactly the same batch and the broker can drop duplicates.
import type { RecordInput } from '../../protocol/index.js';
import type { RecordMetadata } from './types.js';

/**
 * The caller waiting for the records of one send() or sendBatch() call. Its records may be
 * spread over several batches; it settles once all have been answered, or at the first failure.
 * One object per call rather than per record keeps large sendBatch() calls cheap.
 */
export class DeliverySink {
  readonly results: RecordMetadata[];
  private left: number;
  private settled = false;
  private readonly single: boolean;
  private readonly resolve: (value: never) => void;
  private readonly reject: (error: Error) => void;

  constructor(
    count: number,
    single: boolean,
    resolve: (value: never) => void,
    reject: (error: Error) => void,
  ) {
    this.results = new Array<RecordMetadata>(count);
    this.left = count;
    this.single = single;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** `count` more records have their metadata in `results`. */
  delivered(count: number): void {
    this.left -= count;
    if (this.left > 0 || this.settled) return;
    this.settled = true;
    this.resolve((this.single ? this.results[0] : this.results) as never);
  }

  failed(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.reject(error);
  }
}

/** Bytes a record adds to a batch besides key, value and headers (length, deltas, attributes). */
export const RECORD_OVERHEAD_BYTES = 22;

export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly createdMs: number;
  readonly records: RecordInput[] = [];
  /** Runs of consecutive records from one call: sink, index of the run's first record there. */
  private readonly sinks: DeliverySink[] = [];
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];
  sizeBytes = 0;
  /** -1 until the batch is first sent by an idempotent producer. */
  baseSequence = -1;
  encoded: Buffer | null = null;
  attempts = 0;
  private finished!: () => void;
  readonly done: Promise<void> = new Promise((resolve) => (this.finished = resolve));

  constructor(topic: string, partition: number, createdMs: number) {
    this.topic = topic;
    this.partition = partition;
    this.createdMs = createdMs;
  }

  /** Adds a record that is record number `index` of `sink`'s call. */
  add(record: RecordInput, sizeBytes: number, sink: DeliverySink, index: number): void {
    this.records.push(record);
    this.sizeBytes += sizeBytes;
    const last = this.sinks.length - 1;
    if (last >= 0 && this.sinks[last] === sink && this.starts[last]! + this.counts[last]! === index)
      this.counts[last]!++;
    else {
      this.sinks.push(sink);
      this.starts.push(index);
      this.counts.push(1);
    }
  }

  /**
   * One batch per record, for resending a batch the broker found too large (as Kafka's
   * producer splits on MESSAGE_TOO_LARGE). Each keeps its record's place in its call.
   */
  splitRecords(sizeOf: (record: RecordInput) => number): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    let r = 0;
    for (let s = 0; s < this.sinks.length; s++) {
      for (let i = 0; i < this.counts[s]!; i++, r++) {
        const single = new ProducerBatch(this.topic, this.partition, this.createdMs);
        const record = this.records[r]!;
        single.add(record, sizeOf(record), this.sinks[s]!, this.starts[s]! + i);
        out.push(single);
      }
    }
    // flush() may be waiting for this batch: it is done when its parts are.
    void Promise.all(out.map((b) => b.done)).then(this.finished);
    return out;
  }

  succeed(baseOffset: bigint): void {
    const known = baseOffset >= 0n;
    let offset = known ? baseOffset : -1n;
    let r = 0;
    for (let s = 0; s < this.sinks.length; s++) {
      const sink = this.sinks[s]!;
      const start = this.starts[s]!;
      const count = this.counts[s]!;
      for (let i = 0; i < count; i++, r++) {
        sink.results[start + i] = {
          topic: this.topic,
          partition: this.partition,
          offset,
          timestamp: this.records[r]!.timestamp ?? this.createdMs,
        };
        if (known) offset++;
      }
      sink.delivered(count);
    }
    this.finished();
  }

  fail(error: Error): void {
    for (const sink of this.sinks) sink.failed(error);
    this.finished();
  }
}
