// Where the metadata records are kept. The broker keeps them in `__cluster_metadata-0`, a
// partition log in the first log dir; tests may keep them in memory. Either way a batch
// counts as committed only once `append` has resolved, which means it is durable.
import { BatchField } from '../protocol/index.js';

export interface MetadataLogStore {
  /** Every stored batch, oldest first, for replay at startup. */
  readAll(): Promise<Buffer[]>;
  /** Stores one batch durably (fsync'd before resolving); resolves to its base offset. */
  append(batch: Buffer): Promise<number>;
  close(): Promise<void>;
}

/** A store that keeps batches in memory (tests, and brokers that need nothing to persist). */
export class MemoryMetadataLogStore implements MetadataLogStore {
  readonly batches: Buffer[] = [];
  private nextOffset = 0;

  readAll(): Promise<Buffer[]> {
    return Promise.resolve([...this.batches]);
  }

  append(batch: Buffer): Promise<number> {
    const offset = this.nextOffset;
    const copy = Buffer.from(batch);
    copy.writeBigInt64BE(BigInt(offset), 0);
    this.nextOffset += copy.readInt32BE(BatchField.LastOffsetDelta) + 1;
    this.batches.push(copy);
    return Promise.resolve(offset);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
