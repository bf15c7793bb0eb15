// The seam between the group coordinator and where its records live. In a broker this is the
// __consumer_offsets topic (one partition log per coordinator partition); in tests it is
// memory. The coordinator appends each operation's records before answering, and replays a
// partition's records in order when it takes the partition over.
import type { CoordinatorRecord } from './group-records.js';

export interface CoordinatorLog {
  /**
   * Appends records to one partition, in call order per partition. Resolves once they are
   * written; rejects when the write failed (nothing the caller sees was applied).
   */
  append(partition: number, records: readonly CoordinatorRecord[]): Promise<void>;
  /** Calls `onRecord` for every record of the partition, oldest first. */
  replay(partition: number, onRecord: (record: CoordinatorRecord) => void): Promise<void>;
}

/** Records kept in memory, per partition; `failAppends` makes writes fail, for fault tests. */
export class MemoryCoordinatorLog implements CoordinatorLog {
  readonly partitions = new Map<number, CoordinatorRecord[]>();
  failAppends = false;

  append(partition: number, records: readonly CoordinatorRecord[]): Promise<void> {
    if (this.failAppends) return Promise.reject(new Error('append failed (injected)'));
    let log = this.partitions.get(partition);
    if (!log) this.partitions.set(partition, (log = []));
    log.push(...records);
    return Promise.resolve();
  }

  replay(partition: number, onRecord: (record: CoordinatorRecord) => void): Promise<void> {
    for (const record of this.partitions.get(partition) ?? []) onRecord(record);
    return Promise.resolve();
  }

  /** Records of every partition. */
  get size(): number {
    let n = 0;
    for (const log of this.partitions.values()) n += log.length;
    return n;
  }
}
