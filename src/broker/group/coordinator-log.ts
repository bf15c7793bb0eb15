// The seam between the group coordinator and where its records live. In a broker this is the
// __consumer_offsets topic, written and read through the replica manager; in tests it is
// memory. The coordinator appends each operation's records before answering, and replays a
// partition's records in order when it takes the partition over. Transactional offset commits
// are written as a transactional batch of their producer, and the transaction's COMMIT or
// ABORT marker later lands in the same partition; loading meets both.
import type { ErrorName } from '../../protocol/errors.js';
import type { CoordinatorRecord } from './group-records.js';

/** The producer a transactional write belongs to. */
export interface TxnProducer {
  producerId: bigint;
  producerEpoch: number;
}

/** One entry of a coordinator partition, oldest first. */
export type CoordinatorLogEntry =
  | {
      type: 'record';
      record: CoordinatorRecord;
      /** The record's offset in the partition. */
      offset: number;
      /** The producer of a transactional batch; -1n for a plain one. */
      producerId: bigint;
    }
  | { type: 'marker'; producerId: bigint; commit: boolean; offset: number };

export interface CoordinatorLog {
  /**
   * Appends records to one partition, in call order per partition. Resolves with the offset
   * of the first record once they are committed, or with the partition's error (nothing was
   * written); rejects on an unexpected failure.
   */
  append(
    partition: number,
    records: readonly CoordinatorRecord[],
  ): Promise<{ error: ErrorName | null; baseOffset: number }>;
  /**
   * Appends records as one transactional batch of `producer`: only when the partition is in
   * the producer's ongoing transaction with that epoch (else INVALID_TXN_STATE). Resolves
   * with the first record's offset, or the partition's error.
   */
  appendTransactional(
    partition: number,
    records: readonly CoordinatorRecord[],
    producer: TxnProducer,
  ): Promise<{ error: ErrorName | null; baseOffset: number }>;
  /**
   * Calls `onEntry` for every record and transaction marker of the partition, oldest first;
   * rejects when the partition cannot be read.
   */
  replay(partition: number, onEntry: (entry: CoordinatorLogEntry) => void): Promise<void>;
}

/**
 * Entries kept in memory, per partition. `failAppends` makes writes fail and
 * `verifyTransaction` decides which transactional writes are accepted (all by default), for
 * fault tests; `writeMarker` appends a marker as the transaction coordinator would.
 */
export class MemoryCoordinatorLog implements CoordinatorLog {
  readonly entries = new Map<number, CoordinatorLogEntry[]>();
  failAppends = false;
  verifyTransaction: (producer: TxnProducer, partition: number) => boolean = () => true;
  private readonly nextOffsets = new Map<number, number>();

  append(
    partition: number,
    records: readonly CoordinatorRecord[],
  ): Promise<{ error: ErrorName | null; baseOffset: number }> {
    if (this.failAppends) return Promise.reject(new Error('append failed (injected)'));
    return Promise.resolve({ error: null, baseOffset: this.push(partition, records, -1n) });
  }

  appendTransactional(
    partition: number,
    records: readonly CoordinatorRecord[],
    producer: TxnProducer,
  ): Promise<{ error: ErrorName | null; baseOffset: number }> {
    if (this.failAppends) return Promise.reject(new Error('append failed (injected)'));
    if (!this.verifyTransaction(producer, partition)) {
      return Promise.resolve({ error: 'INVALID_TXN_STATE', baseOffset: -1 });
    }
    const baseOffset = this.push(partition, records, producer.producerId);
    return Promise.resolve({ error: null, baseOffset });
  }

  /** Appends a COMMIT or ABORT marker of `producerId`; returns its offset. */
  writeMarker(partition: number, producerId: bigint, commit: boolean): number {
    const offset = this.nextOffsets.get(partition) ?? 0;
    this.log(partition).push({ type: 'marker', producerId, commit, offset });
    this.nextOffsets.set(partition, offset + 1);
    return offset;
  }

  replay(partition: number, onEntry: (entry: CoordinatorLogEntry) => void): Promise<void> {
    for (const entry of this.entries.get(partition) ?? []) onEntry(entry);
    return Promise.resolve();
  }

  /** The records (no markers) of each partition, oldest first. */
  get partitions(): Map<number, CoordinatorRecord[]> {
    const out = new Map<number, CoordinatorRecord[]>();
    for (const [p, log] of this.entries) {
      out.set(
        p,
        log.flatMap((e) => (e.type === 'record' ? [e.record] : [])),
      );
    }
    return out;
  }

  /** Records of every partition. */
  get size(): number {
    let n = 0;
    for (const log of this.entries.values()) {
      for (const e of log) if (e.type === 'record') n++;
    }
    return n;
  }

  private push(
    partition: number,
    records: readonly CoordinatorRecord[],
    producerId: bigint,
  ): number {
    const base = this.nextOffsets.get(partition) ?? 0;
    const log = this.log(partition);
    records.forEach((record, i) =>
      log.push({ type: 'record', record, offset: base + i, producerId }),
    );
    this.nextOffsets.set(partition, base + records.length);
    return base;
  }

  private log(partition: number): CoordinatorLogEntry[] {
    let log = this.entries.get(partition);
    if (!log) this.entries.set(partition, (log = []));
    return log;
  }
}
