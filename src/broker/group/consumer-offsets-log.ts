// CoordinatorLog over the partition logs of __consumer_offsets: each append is one
// uncompressed record batch (key and value exactly as Kafka writes them), and loading reads a
// partition from its log start to its end, batch by batch.
import {
  decodeRecordBatchSync,
  encodeRecordBatchSync,
  splitRecordBatches,
} from '../../protocol/index.js';
import type { PartitionLog } from '../../storage/index.js';
import type { CoordinatorLog } from './coordinator-log.js';
import type { CoordinatorRecord } from './group-records.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

/** Bytes read per step while loading a partition. */
const LOAD_READ_BYTES = 4 * 1024 * 1024;

export class ConsumerOffsetsLog implements CoordinatorLog {
  constructor(
    private readonly logs: {
      /** The log of one partition, if it exists. */
      get(partition: number): PartitionLog | undefined;
      /** The log of one partition, created when missing (on the first write). */
      create(partition: number): Promise<PartitionLog>;
    },
    private readonly nowMs: () => number = Date.now,
  ) {}

  async append(partition: number, records: readonly CoordinatorRecord[]): Promise<void> {
    const log = await this.logs.create(partition);
    const batch = encodeRecordBatchSync(
      records.map((r) => ({ key: r.key, value: r.value })),
      { timestamp: this.nowMs() },
    );
    await log.append(batch);
  }

  async replay(partition: number, onRecord: (record: CoordinatorRecord) => void): Promise<void> {
    // A partition never written to has no log yet: nothing to load.
    const log = this.logs.get(partition);
    if (log === undefined) return;
    let offset = log.logStartOffset;
    while (offset < log.logEndOffset) {
      const read = await log.read(offset, { maxBytes: LOAD_READ_BYTES });
      if (read.error !== null || read.records.length === 0) break;
      for (const bytes of splitRecordBatches(read.records)) {
        const batch = decodeRecordBatchSync(bytes);
        offset = Number(batch.baseOffset) + batch.lastOffsetDelta + 1;
        if (batch.isControl) continue;
        for (const r of batch.records) {
          if (r.key !== null) onRecord({ key: r.key, value: r.value });
        }
      }
    }
  }
}
