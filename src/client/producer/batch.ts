// A batch of records for one partition, from the first append to its last delivery report.
// Its sequence number is fixed the first time it is sent, and its encoded bytes are kept, so a
// retry resends exactly the same batch and the broker can drop duplicates.
import type { RecordInput } from '../../protocol/index.js';
import type { RecordMetadata } from './types.js';

export interface Delivery {
  resolve(metadata: RecordMetadata): void;
  reject(error: Error): void;
}

/** Bytes a record adds to a batch besides key, value and headers (length, deltas, attributes). */
export const RECORD_OVERHEAD_BYTES = 22;

export class ProducerBatch {
  readonly topic: string;
  readonly partition: number;
  readonly createdMs: number;
  readonly records: RecordInput[] = [];
  readonly deliveries: Delivery[] = [];
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

  add(record: RecordInput, sizeBytes: number, delivery: Delivery): void {
    this.records.push(record);
    this.deliveries.push(delivery);
    this.sizeBytes += sizeBytes;
  }

  succeed(baseOffset: bigint): void {
    for (let i = 0; i < this.deliveries.length; i++) {
      const offset = baseOffset < 0n ? -1n : baseOffset + BigInt(i);
      const timestamp = this.records[i]!.timestamp ?? this.createdMs;
      this.deliveries[i]!.resolve({
        topic: this.topic,
        partition: this.partition,
        offset,
        timestamp,
      });
    }
    this.finished();
  }

  fail(error: Error): void {
    for (const d of this.deliveries) d.reject(error);
    this.finished();
  }
}
