// CoordinatorLog over the partition logs of __consumer_offsets: each append is one
// uncompressed record batch (key and value exactly as Kafka writes them), and loading reads a
// partition from its log start to its end, batch by batch.
import type { PartitionLog } from '../../storage/index.js';
import { appendKeyedRecords, replayKeyedRecords } from '../internal-topic-log.js';
import type { CoordinatorLog } from './coordinator-log.js';
import type { CoordinatorRecord } from './group-records.js';

export const CONSUMER_OFFSETS_TOPIC = '__consumer_offsets';

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
    await appendKeyedRecords(log, records, this.nowMs());
  }

  async replay(partition: number, onRecord: (record: CoordinatorRecord) => void): Promise<void> {
    // A partition never written to has no log yet: nothing to load.
    const log = this.logs.get(partition);
    if (log === undefined) return;
    await replayKeyedRecords(log, onRecord);
  }
}
